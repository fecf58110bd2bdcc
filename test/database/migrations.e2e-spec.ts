import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, readMigrations } from '../../src/database/migrations.js';
import { schemaPath } from '../../src/database/paths.js';
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
      await query(
        db.url,
        `INSERT INTO audit_log (actor_kind, action, entity, entity_id, prev_hash, hash) VALUES ('SYSTEM', 'create', 'commune', '43040', '', 'h1')`,
      );
      for (const sql of ["UPDATE audit_log SET action = 'forged'", 'DELETE FROM audit_log', 'TRUNCATE audit_log']) {
        await expect(query(db.url, sql)).rejects.toThrow(/append-only/);
      }
      expect(await query(db.url, 'SELECT action FROM audit_log')).toEqual([{ action: 'create' }]);
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
