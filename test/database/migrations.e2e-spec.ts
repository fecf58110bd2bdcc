import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, readMigrations } from '../../src/database/migrations.js';
import { migrationsDir, schemaPath } from '../../src/database/paths.js';
import { type AuditFields, auditHash } from '../../src/audit/hash-chain.js';
import { verifyAuditTrail } from '../../src/audit/verify.js';
import { applyMigrations } from '../../src/database/schema-engine.js';
import { createTestDatabase } from '../helpers/database.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

describe('migrations', () => {
  it('two instances migrating an empty database at once apply each migration once, as prisma migrate deploy records it', async () => {
    const db = await createTestDatabase({ migrated: false });
    try {
      const [a, b] = await Promise.all([migrate(db.url), migrate(db.url)]);
      const migrations = await readMigrations();
      expect([...a, ...b].sort()).toEqual(migrations.map((m) => m.name));
      const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
        db.url,
        'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
      for (const [i, row] of rows.entries()) {
        expect(row.finished_at).not.toBeNull();
        expect(row.checksum).toBe(createHash('sha256').update(migrations[i].sql).digest('hex'));
      }
      // And a third start finds nothing to do.
      expect(await migrate(db.url)).toEqual([]);
    } finally {
      await db.drop();
    }
  });

  it('applies a migration whole or not at all', async () => {
    const db = await createTestDatabase({ migrated: false });
    const dir = await mkdtemp(join(tmpdir(), 'msp-migrations-'));
    try {
      const good = { name: '0001_table', sql: 'CREATE TABLE first_table (id int);' };
      const bad = { name: '0002_broken', sql: 'CREATE TABLE second_table (id int);\nCREATE TABLE first_table (id int);' };
      const datamodel = await readFile(schemaPath, 'utf8');
      await expect(applyMigrations(db.url, datamodel, dir, [good, bad])).rejects.toThrow(/first_table/);
      const tables = await query<{ tablename: string }>(db.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
      expect(tables.map((t) => t.tablename)).toEqual(['_prisma_migrations', 'first_table']);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await db.drop();
    }
  });

  it('keeps the audit log append-only in the database itself', async () => {
    const db = await createTestDatabase();
    try {
      await query(db.url, `INSERT INTO audit_log (actor_kind, action, entity, entity_id) VALUES ('SYSTEM', 'create', 'commune', '43040')`);
      await query(db.url, `INSERT INTO audit_seals (audit_id, region_code, prev_hash, hash, horizon) SELECT id, NULL, '', 'h1', 1 FROM audit_log`);
      for (const sql of ["UPDATE audit_log SET action = 'forged'", 'DELETE FROM audit_log']) {
        await expect(query(db.url, sql)).rejects.toThrow(/audit_log is append-only/);
      }
      // TRUNCATE: refused by the seals' foreign key first, and with CASCADE by the seals' trigger.
      await expect(query(db.url, 'TRUNCATE audit_log')).rejects.toThrow(/foreign key|append-only/);
      await expect(query(db.url, 'TRUNCATE audit_log CASCADE')).rejects.toThrow(/append-only/);
      for (const sql of ["UPDATE audit_seals SET hash = 'forged'", 'DELETE FROM audit_seals', 'TRUNCATE audit_seals']) {
        await expect(query(db.url, sql)).rejects.toThrow(/audit_seals is append-only/);
      }
      expect(await query(db.url, 'SELECT action FROM audit_log')).toEqual([{ action: 'create' }]);
      expect(await query(db.url, 'SELECT hash FROM audit_seals')).toEqual([{ hash: 'h1' }]);
    } finally {
      await db.drop();
    }
  });

  it('keeps the audit rows chained before the sealer as sealed: their chains hold and go on', async () => {
    const db = await createTestDatabase({ migrated: false });
    try {
      const migrations = await readMigrations();
      const sealer = migrations.findIndex((m) => m.name.endsWith('_audit_sealer'));
      expect(sealer).toBeGreaterThan(0);
      await applyMigrations(db.url, await readFile(schemaPath, 'utf8'), migrationsDir, migrations.slice(0, sealer));
      // Rows as the writers chained them before: hash = sha256(prev_hash, row), per region.
      const legacy = new pg.Client({ connectionString: db.url });
      await legacy.connect();
      try {
        const heads = new Map<string | null, string>();
        for (const [i, region] of ['84', '84', null, '84', '53'].entries()) {
          const fields: AuditFields = {
            at: new Date(Date.UTC(2026, 10, 1, 8, i)).toISOString(),
            actorId: null,
            actorKind: 'SYSTEM',
            regionCode: region,
            action: 'commune.create',
            entity: 'commune',
            entityId: `4304${i}`,
            requestId: null,
            before: null,
            after: { name: `Commune ${i}`, n: i },
          };
          const prev = heads.get(region) ?? '';
          const hash = auditHash(prev, fields);
          await legacy.query(
            `INSERT INTO audit_log (at, actor_kind, region_code, action, entity, entity_id, after, prev_hash, hash) VALUES ($1, 'SYSTEM', $2, 'commune.create', 'commune', $3, $4, $5, $6)`,
            [fields.at, region, fields.entityId, JSON.stringify(fields.after), prev, hash],
          );
          heads.set(region, hash);
        }
      } finally {
        await legacy.end();
      }
      expect(await migrate(db.url)).toEqual(migrations.slice(sealer).map((m) => m.name));
      const seals = await query<{ audit_id: string; horizon: string }>(db.url, 'SELECT audit_id::text, horizon::text FROM audit_seals ORDER BY position');
      expect(seals.map((s) => s.audit_id)).toEqual(['1', '2', '3', '4', '5']);
      // A row written now, by a writer that only inserts: sealed after the old ones, in the same chain.
      await query(db.url, `INSERT INTO audit_log (actor_kind, region_code, action, entity, entity_id) VALUES ('SYSTEM', '84', 'commune.update', 'commune', '43040')`);
      expect(await verifyAuditTrail(db.url)).toEqual({ rows: 6, chains: 3, broken: null });
      const [last] = await query<{ prev_hash: string; hash: string }>(db.url, 'SELECT prev_hash, hash FROM audit_seals WHERE audit_id = 6');
      const [head84] = await query<{ hash: string }>(db.url, 'SELECT hash FROM audit_seals WHERE audit_id = 4');
      expect(last.prev_hash).toBe(head84.hash);
    } finally {
      await db.drop();
    }
  });

  it('refuses a second open envelope for the same funder and region, and negative amounts', async () => {
    const db = await createTestDatabase();
    try {
      const insert = (amount: number) =>
        query(db.url, `INSERT INTO envelopes (id, funder, region_code, programme, amount_cents, updated_at) VALUES (gen_random_uuid(), 'REGION', '84', 'CPER', ${amount}, now())`);
      await insert(1_770_000_000);
      await expect(insert(5)).rejects.toThrow(/envelopes_one_open_per_funder_region/);
      await query(db.url, "UPDATE envelopes SET status = 'CLOSED'");
      await expect(insert(-1)).rejects.toThrow(/envelopes_amount_nonnegative/);
    } finally {
      await db.drop();
    }
  });
});
