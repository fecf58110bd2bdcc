// The audit trail (README "Audit trail", docs/architecture.md), through the real API and a real
// PostgreSQL: one row per write, hash-chained by the sealer, readable by auditors; an altered or
// removed row or seal is caught by the verification (src/audit/verify.ts) and by
// `node dist/cli/audit-verify.js` (exit 1, naming the row); writers of one region do not wait for
// each other.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { AuditRepository } from '../../src/audit/audit.repository.js';
import { SEALER_LOCK } from '../../src/audit/seal.js';
import { verifyAuditTrail } from '../../src/audit/verify.js';
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app.js';
import { advance, makeDossier } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';

const run = promisify(execFile);

interface AuditRow {
  at: string;
  actorId: string | null;
  actorKind: string;
  action: string;
  entity: string;
  entityId: string;
  requestId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  hash: string | null;
  prevHash: string | null;
}

describe('audit trail', () => {
  let t: TestApp;
  let instructor: Actor;
  let director: Actor;
  let auditor: Actor;
  let dossier: string;

  /** `npm run audit:verify` as an operator runs it, on this test's database. */
  const cli = async (): Promise<{ code: number; stdout: string; stderr: string }> => {
    const env = { PATH: process.env.PATH ?? '', ...TEST_ENV, DATABASE_URL: t.databaseUrl };
    try {
      const { stdout, stderr } = await run(process.execPath, ['dist/cli/audit-verify.js'], { env, cwd: process.cwd() });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      if (typeof e.code !== 'number') throw error;
      return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };

  /** A session of the test database's superuser in which triggers do not fire (what an intruder with DBA rights could do). */
  const asIntruder = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      await client.query('SET session_replication_role = replica');
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  /** The audit row ids of the region's chain, in seal order. */
  const chainIds = async (regionCode = '84') =>
    (await t.prisma.auditSeal.findMany({ where: { regionCode }, orderBy: { position: 'asc' }, select: { auditId: true } })).map((r) => r.auditId.toString());

  /** A test's own transaction writing an audit row as the repository does (an insert, its txid by default). */
  const openWriter = async (entityId: string) => {
    const c = new pg.Client({ connectionString: t.databaseUrl });
    await c.connect();
    await c.query('BEGIN');
    const { rows } = await c.query<{ id: string }>(
      `INSERT INTO audit_log (actor_kind, region_code, action, entity, entity_id) VALUES ('SYSTEM', '84', 'test.held', 'test', $1) RETURNING id::text`,
      [entityId],
    );
    return { client: c, id: rows[0].id };
  };
  const sealOf = (id: string) => t.prisma.auditSeal.findMany({ where: { auditId: BigInt(id) } });

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    auditor = await actor(t, 'AUDITOR');
    dossier = (await makeDossier(t, instructor)).id;
    // Enough rows that a walk sorting ids as text (1, 10, 100, 11, …) would go wrong.
    await advance(t, dossier, 'STEP2_IN_PROGRESS', { instructor, director });
    for (let i = 0; i < 6; i++) await makeDossier(t, instructor);
  });
  afterAll(() => t.close());

  it("gives auditors one row per write of the dossier, oldest first, with who, the request and the chain's hashes", async () => {
    const res = await t.http().get(`/api/v1/audit?entity=application&id=${dossier}`).set('Authorization', auditor.auth).expect(200);
    const items = res.body.items as AuditRow[];
    // The pièces are writes too: the request, the decision letter, step 2's deliverables (left ready by advance()).
    expect(items.map((r) => r.action)).toEqual([
      'application.create',
      'application.record_site_meeting',
      'application.document.create',
      'application.submit',
      'application.schedule_opinion',
      'application.record_opinion',
      // The decision letter, generated in the approval's transaction (its row comes first).
      'application.document.create',
      'application.approve',
      'application.document.create',
      'application.document.create',
    ]);
    const moves = items.filter((r) => !r.action.startsWith('application.document.'));
    expect(moves.map((r) => r.after?.status)).toEqual(['DRAFT', 'SITE_MEETING_HELD', 'SUBMITTED', 'CARPEC_REVIEW', 'AWAITING_DECISION', 'STEP2_IN_PROGRESS']);
    expect(items[2].after).toMatchObject({ kind: 'REQUEST', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(moves[1]).toMatchObject({ actorId: instructor.userId, actorKind: 'USER', entity: 'application', entityId: dossier, before: { status: 'DRAFT' } });
    expect(moves[5]).toMatchObject({ actorId: director.userId, before: { status: 'AWAITING_DECISION' } });
    expect(items[6].after).toMatchObject({ kind: 'DECISION_LETTER', uploadedBy: { id: director.userId } });
    for (const r of items) {
      expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.prevHash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(items.map((r) => r.at)).toEqual([...items.map((r) => r.at)].sort());
    // Each seal links to the one before it in the region's chain; every row has exactly one.
    const chain = await t.prisma.auditSeal.findMany({ where: { regionCode: '84' }, orderBy: { position: 'asc' } });
    chain.slice(1).forEach((seal, i) => expect(seal.prevHash).toBe(chain[i].hash));
    expect(chain[0].prevHash).toBe('');
    expect(chain.length).toBe(await t.prisma.auditLog.count({ where: { regionCode: '84' } }));
  });

  it("records the write's request id", async () => {
    const { id } = await makeDossier(t, instructor);
    const res = await t
      .http()
      .post(`/api/v1/applications/${id}/close`)
      .set('Authorization', instructor.auth)
      .set('X-Request-Id', 'audit-test-req-1')
      .send({ reason: 'Sans suite' })
      .expect(200);
    expect(res.headers['x-request-id']).toBe('audit-test-req-1');
    const rows = (await t.http().get(`/api/v1/audit?entity=application&id=${id}`).set('Authorization', auditor.auth).expect(200)).body.items as AuditRow[];
    expect(rows.at(-1)).toMatchObject({ action: 'application.close', requestId: 'audit-test-req-1', after: { status: 'CLOSED' } });
  });

  it('is read by auditors and admins of the region only', async () => {
    expectProblem(await t.http().get('/api/v1/audit').set('Authorization', instructor.auth), 403);
    expectProblem(await t.http().get('/api/v1/audit').set('Authorization', director.auth), 403);
    const admin = await actor(t, 'ADMIN');
    expect((await t.http().get(`/api/v1/audit?entity=application&id=${dossier}`).set('Authorization', admin.auth).expect(200)).body.items.length).toBe(10);
    const bretagne = await actor(t, 'AUDITOR', { regionCode: '53' });
    expect((await t.http().get(`/api/v1/audit?entity=application&id=${dossier}`).set('Authorization', bretagne.auth).expect(200)).body.items).toEqual([]);
  });

  it('is refused UPDATE and DELETE by the database itself, rows and seals alike', async () => {
    const [id] = await chainIds();
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      await expect(client.query(`UPDATE audit_log SET action = 'forged' WHERE id = $1`, [id])).rejects.toThrow(/audit_log is append-only/);
      await expect(client.query('DELETE FROM audit_log WHERE id = $1', [id])).rejects.toThrow(/audit_log is append-only/);
      await expect(client.query(`UPDATE audit_log SET txid = 1 WHERE id = $1`, [id])).rejects.toThrow(/audit_log is append-only/);
      await expect(client.query(`UPDATE audit_seals SET hash = 'forged' WHERE audit_id = $1`, [id])).rejects.toThrow(/audit_seals is append-only/);
      await expect(client.query('DELETE FROM audit_seals WHERE audit_id = $1', [id])).rejects.toThrow(/audit_seals is append-only/);
      await expect(client.query('TRUNCATE audit_seals')).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
  });

  it('holds, for the verification function and for the command (exit 0)', async () => {
    const result = await verifyAuditTrail(t.databaseUrl);
    expect(result.broken).toBeNull();
    expect(result.rows).toBe(await t.prisma.auditLog.count());
    // Past row 10, ids sorted as text (1, 10, 11, …, 2) would no longer be the chain's order.
    expect((await chainIds()).length).toBeGreaterThan(11);
    const { code, stdout } = await cli();
    expect(code).toBe(0);
    expect(stdout).toMatch(/audit trail holds/);
  });

  describe.each([
    ['action', `action = 'application.forged'`],
    ['actor', `actor_id = NULL`],
    ['content', `after = jsonb_set(after, '{status}', '"COMPLETED"')`],
    ['instant', `at = at + interval '1 second'`],
    ['entity', `entity_id = '00000000-0000-0000-0000-000000000000'`],
  ])('a row whose %s was altered', (_what, change) => {
    let target: string;
    let original: Record<string, unknown>;
    beforeAll(async () => {
      // The approval of the dossier, in the middle of the chain.
      const row = await t.prisma.auditLog.findFirstOrThrow({ where: { entityId: dossier, action: 'application.approve' } });
      target = row.id.toString();
      original = await asIntruder(async (c) => {
        const saved = (await c.query('SELECT action, actor_id, after, at, entity_id FROM audit_log WHERE id = $1', [target])).rows[0];
        const updated = await c.query(`UPDATE audit_log SET ${change} WHERE id = $1`, [target]);
        expect(updated.rowCount).toBe(1);
        return saved;
      });
    });
    afterAll(async () => {
      // Put it back as it was: the chain holds again (what is checked is the content).
      await asIntruder((c) =>
        c.query('UPDATE audit_log SET action = $2, actor_id = $3, after = $4, at = $5, entity_id = $6 WHERE id = $1', [
          target,
          original.action,
          original.actor_id,
          JSON.stringify(original.after),
          original.at,
          original.entity_id,
        ]),
      );
      expect((await verifyAuditTrail(t.databaseUrl)).broken).toBeNull();
    });

    it('is named by the verification function', async () => {
      const result = await verifyAuditTrail(t.databaseUrl);
      expect(result.broken).toEqual({ id: target, regionCode: '84', reason: expect.stringMatching(/altered/) });
    });

    it('makes the command exit 1, naming the row', async () => {
      const { code, stderr } = await cli();
      expect(code).toBe(1);
      expect(stderr).toContain(`BROKEN at row ${target} `);
    });
  });

  /** Takes a row out as an intruder would (triggers off), runs `check`, then puts it back whole. */
  const without = async (table: 'audit_log' | 'audit_seals', where: string, value: string, check: () => Promise<void>) => {
    const saved = await asIntruder(async (c) => {
      const { rows } = await c.query(`SELECT row_to_json(x) AS r FROM ${table} x WHERE ${where} = $1`, [value]);
      expect(rows).toHaveLength(1);
      await c.query(`DELETE FROM ${table} WHERE ${where} = $1`, [value]);
      return rows[0].r as unknown;
    });
    try {
      await check();
    } finally {
      await asIntruder(async (c) => {
        // The sealer may have sealed the row again at the end of its chain (its transaction id
        // was not below the horizon): that seal goes, the original comes back.
        if (table === 'audit_seals') await c.query('DELETE FROM audit_seals WHERE audit_id = $1', [value]);
        await c.query(`INSERT INTO ${table} SELECT * FROM json_populate_record(NULL::${table}, $1)`, [JSON.stringify(saved)]);
      });
    }
    expect((await verifyAuditTrail(t.databaseUrl)).broken).toBeNull();
  };

  it('catches a removed row: its seal points to nothing', async () => {
    const ids = await chainIds();
    const removed = ids[Math.floor(ids.length / 2)];
    await without('audit_log', 'id', removed, async () => {
      const result = await verifyAuditTrail(t.databaseUrl);
      expect(result.broken).toEqual({ id: removed, regionCode: '84', reason: expect.stringMatching(/row was removed/) });
      const { code, stderr } = await cli();
      expect(code).toBe(1);
      expect(stderr).toContain(`BROKEN at row ${removed} `);
    });
  });

  it('catches a removed seal: the next seal of its chain no longer links', async () => {
    const ids = await chainIds();
    const unsealed = ids[Math.floor(ids.length / 2)];
    const next = ids[ids.indexOf(unsealed) + 1];
    await without('audit_seals', 'audit_id', unsealed, async () => {
      const result = await verifyAuditTrail(t.databaseUrl);
      expect(result.broken).toEqual({ id: next, regionCode: '84', reason: expect.stringMatching(/seal was removed or inserted/) });
    });
  });

  it.each([
    ['hash', `hash = repeat('0', 64)`, /does not match its hash/],
    ['link', `prev_hash = repeat('0', 64)`, /does not link/],
    ['chain', `region_code = '53'`, /another region's chain/],
  ])('catches a seal whose %s was altered, naming its row', async (_what, change, reason) => {
    const ids = await chainIds();
    const target = ids[Math.floor(ids.length / 3)];
    const saved = await asIntruder(async (c) => {
      const { rows } = await c.query('SELECT region_code, prev_hash, hash FROM audit_seals WHERE audit_id = $1', [target]);
      expect((await c.query(`UPDATE audit_seals SET ${change} WHERE audit_id = $1`, [target])).rowCount).toBe(1);
      return rows[0] as { region_code: string; prev_hash: string; hash: string };
    });
    try {
      expect((await verifyAuditTrail(t.databaseUrl)).broken).toEqual({ id: target, regionCode: '84', reason: expect.stringMatching(reason) });
    } finally {
      await asIntruder((c) =>
        c.query('UPDATE audit_seals SET region_code = $2, prev_hash = $3, hash = $4 WHERE audit_id = $1', [target, saved.region_code, saved.prev_hash, saved.hash]),
      );
    }
    expect((await verifyAuditTrail(t.databaseUrl)).broken).toBeNull();
  });

  it('catches a row inserted "in the past" (a transaction id below the sealed horizon): never sealed, named by the verification', async () => {
    const horizon = (await t.prisma.auditSeal.findFirstOrThrow({ orderBy: { position: 'desc' } })).horizon;
    expect(horizon).toBeGreaterThan(1n);
    const forged = await asIntruder(async (c) => {
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO audit_log (actor_kind, region_code, action, entity, entity_id, txid) VALUES ('SYSTEM', '84', 'application.approve', 'application', $1, 1) RETURNING id::text`,
        [dossier],
      );
      return rows[0].id;
    });
    try {
      const result = await verifyAuditTrail(t.databaseUrl);
      expect(result.broken).toEqual({ id: forged, regionCode: '84', reason: expect.stringMatching(/older than the sealed horizon/) });
      expect(await sealOf(forged)).toEqual([]);
      const { code, stderr } = await cli();
      expect(code).toBe(1);
      expect(stderr).toContain(`BROKEN at row ${forged} `);
    } finally {
      await asIntruder((c) => c.query('DELETE FROM audit_log WHERE id = $1', [forged]));
    }
    expect((await verifyAuditTrail(t.databaseUrl)).broken).toBeNull();
  });

  it('does not seal the row of a transaction still open; seals it once it commits, and never if it rolls back', async () => {
    const sealer = t.app.get(AuditRepository);
    const committed = await openWriter('held-then-committed');
    const rolledBack = await openWriter('held-then-rolled-back');
    try {
      const after = await makeDossier(t, instructor); // a write that commits meanwhile
      await sealer.seal({ wait: true });
      expect(await sealOf(committed.id)).toEqual([]);
      expect(await sealOf(rolledBack.id)).toEqual([]);
      const afterRow = await t.prisma.auditLog.findFirstOrThrow({ where: { entityId: after.id, action: 'application.create' } });
      expect(await sealOf(afterRow.id.toString())).toHaveLength(1);
      expect(afterRow.id).toBeGreaterThan(BigInt(committed.id));
      // The verification holds meanwhile: the open transactions' rows are not missing.
      expect((await verifyAuditTrail(t.databaseUrl)).broken).toBeNull();
      const page = (await t.http().get('/api/v1/audit?entity=test&limit=100').set('Authorization', auditor.auth).expect(200)).body.items as AuditRow[];
      expect(page).toEqual([]); // not committed: nobody else sees them

      await committed.client.query('COMMIT');
      await rolledBack.client.query('ROLLBACK');
      const shown = (await t.http().get('/api/v1/audit?entity=test&limit=100').set('Authorization', auditor.auth).expect(200)).body.items as AuditRow[];
      expect(shown).toHaveLength(1);
      expect(shown[0]).toMatchObject({ entityId: 'held-then-committed', hash: expect.stringMatching(/^[0-9a-f]{64}$/), prevHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(await sealOf(committed.id)).toHaveLength(1);
      expect(await sealOf(rolledBack.id)).toEqual([]);
      expect(await t.prisma.auditLog.count({ where: { id: BigInt(rolledBack.id) } })).toBe(0);
      // Sealed last in its region's chain, although its id is older than the dossier's rows.
      expect((await chainIds()).at(-1)).toBe(committed.id);
      const result = await verifyAuditTrail(t.databaseUrl);
      expect(result).toMatchObject({ broken: null, rows: await t.prisma.auditLog.count() });
    } finally {
      await committed.client.end().catch(() => undefined);
      await rolledBack.client.end().catch(() => undefined);
    }
  });

  it('lets 20 writes of the region complete while a transaction that wrote an audit row of the region stays open (and while the sealer is held); then seals each row once, in id order', async () => {
    const dossiers: string[] = [];
    for (let i = 0; i < 20; i++) dossiers.push((await makeDossier(t, instructor)).id);
    const held = await openWriter('held-during-writes');
    // The sealer's lock, held too: writers never take it, and the 20 rows then wait for one batch.
    const sealerLock = new pg.Client({ connectionString: t.databaseUrl });
    await sealerLock.connect();
    let statuses: number[];
    let ms: number;
    try {
      await sealerLock.query('BEGIN');
      await sealerLock.query(`SELECT pg_advisory_xact_lock(${SEALER_LOCK})`);
      const started = performance.now();
      statuses = await Promise.all(
        dossiers.map(
          async (id) => (await t.http().post(`/api/v1/applications/${id}/withdraw`).set('Authorization', instructor.auth).send({ reason: 'Le promoteur renonce' })).status,
        ),
      );
      ms = performance.now() - started;
      await sealerLock.query('COMMIT');
      // Sealed now, without waiting for the open transaction (whose row comes first by id).
      await t.app.get(AuditRepository).seal({ wait: true });
      const rows = await t.prisma.auditLog.findMany({
        where: { entity: 'application', entityId: { in: dossiers }, action: 'application.withdraw' },
        include: { seal: true },
        orderBy: { id: 'asc' },
      });
      expect(rows).toHaveLength(20);
      for (const r of rows) expect(r.id).toBeGreaterThan(BigInt(held.id));
      const positions = rows.map((r) => r.seal?.position ?? -1n);
      expect(positions.every((p) => p > 0n)).toBe(true);
      // One batch: consecutive positions, in the rows' id order.
      expect(positions).toEqual(positions.map((_, i) => positions[0] + BigInt(i)));
      expect(await sealOf(held.id)).toEqual([]);
      await held.client.query('COMMIT');
    } finally {
      await held.client.end().catch(() => undefined);
      await sealerLock.end().catch(() => undefined);
    }
    expect(statuses).toEqual(dossiers.map(() => 200));
    console.info(`[audit] 20 concurrent withdrawals of region 84 answered in ${Math.round(ms)} ms while a transaction with an audit row of the region stayed open`);

    const result = await verifyAuditTrail(t.databaseUrl);
    expect(result.broken).toBeNull();
    expect((await chainIds()).at(-1)).toBe(held.id);
    // Exactly once: as many seals as rows, one per row.
    const [counts] = await t.prisma.$queryRaw<{ rows: bigint; seals: bigint; sealed: bigint }[]>`
      SELECT (SELECT count(*) FROM audit_log) AS rows, (SELECT count(*) FROM audit_seals) AS seals, (SELECT count(DISTINCT audit_id) FROM audit_seals) AS sealed`;
    expect(counts.seals).toBe(counts.rows);
    expect(counts.sealed).toBe(counts.rows);
    expect(result.rows).toBe(Number(counts.rows));
    // Horizons never go back.
    const seals = await t.prisma.auditSeal.findMany({ orderBy: { position: 'asc' }, select: { horizon: true } });
    seals.slice(1).forEach((s, i) => expect(s.horizon).toBeGreaterThanOrEqual(seals[i].horizon));
  });

  it('gives each of 200 concurrent writes of one region its audit row, in a chain that verifies', async () => {
    const { id } = await makeDossier(t, instructor);
    const { project } = await t.prisma.application.findUniqueOrThrow({ where: { id }, include: { project: true } });
    const before = await t.prisma.auditLog.count({ where: { regionCode: '84' } });
    const names = Array.from({ length: 200 }, (_, i) => `Promoteur concurrent ${i}`);
    const statuses = await Promise.all(
      names.map(
        async (name) =>
          (await t.http().post('/api/v1/promoters').set('Authorization', instructor.auth).send({ name, legalType: 'ASSOCIATION', communeInsee: project.communeInsee })).status,
      ),
    );
    expect(statuses).toEqual(names.map(() => 201));
    const created = await t.prisma.promoter.findMany({ where: { name: { in: names } }, select: { id: true } });
    expect(created).toHaveLength(200);
    await t.app.get(AuditRepository).seal({ wait: true });
    const rows = await t.prisma.auditLog.findMany({ where: { entity: 'promoter', entityId: { in: created.map((c) => c.id) } }, include: { seal: true } });
    // One row per write, none missing, none extra, each sealed into region 84's chain.
    expect(rows).toHaveLength(200);
    expect(new Set(rows.map((r) => r.entityId)).size).toBe(200);
    expect(rows.every((r) => r.regionCode === '84' && r.action === 'promoter.create' && r.seal !== null)).toBe(true);
    expect(await t.prisma.auditLog.count({ where: { regionCode: '84' } })).toBe(before + 200);
    const result = await verifyAuditTrail(t.databaseUrl);
    expect(result.broken).toBeNull();
  });
});
