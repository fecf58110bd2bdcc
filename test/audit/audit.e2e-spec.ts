// The audit trail (docs/architecture.md and the README's audit section), through the real API and a real PostgreSQL: one hash-chained
// row per write, readable by auditors; an altered or removed row is caught by the verification
// (src/audit/verify.ts) and by `node dist/cli/audit-verify.js` (exit 1, naming the row).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
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
  hash: string;
  prevHash: string;
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

  /** The ids of the region's chain, oldest first. */
  const chainIds = async (regionCode = '84') =>
    (await t.prisma.auditLog.findMany({ where: { regionCode }, orderBy: { id: 'asc' }, select: { id: true } })).map((r) => r.id.toString());

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
    expect(items.map((r) => r.action)).toEqual([
      'application.create',
      'application.record_site_meeting',
      'application.submit',
      'application.schedule_opinion',
      'application.record_opinion',
      'application.approve',
    ]);
    expect(items.map((r) => r.after?.status)).toEqual(['DRAFT', 'SITE_MEETING_HELD', 'SUBMITTED', 'CARPEC_REVIEW', 'AWAITING_DECISION', 'STEP2_IN_PROGRESS']);
    expect(items[1]).toMatchObject({ actorId: instructor.userId, actorKind: 'USER', entity: 'application', entityId: dossier, before: { status: 'DRAFT' } });
    expect(items[5]).toMatchObject({ actorId: director.userId, before: { status: 'AWAITING_DECISION' } });
    for (const r of items) {
      expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.prevHash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(items.map((r) => r.at)).toEqual([...items.map((r) => r.at)].sort());
    // Each row links to the one before it in the region's chain.
    const chain = await t.prisma.auditLog.findMany({ where: { regionCode: '84' }, orderBy: { id: 'asc' } });
    chain.slice(1).forEach((row, i) => expect(row.prevHash).toBe(chain[i].hash));
    expect(chain[0].prevHash).toBe('');
  });

  it("records the write's request id", async () => {
    const { id } = await makeDossier(t, instructor);
    const res = await t.http().post(`/api/v1/applications/${id}/close`).set('Authorization', instructor.auth).set('X-Request-Id', 'audit-test-req-1').send({ reason: 'Sans suite' }).expect(200);
    expect(res.headers['x-request-id']).toBe('audit-test-req-1');
    const rows = (await t.http().get(`/api/v1/audit?entity=application&id=${id}`).set('Authorization', auditor.auth).expect(200)).body.items as AuditRow[];
    expect(rows.at(-1)).toMatchObject({ action: 'application.close', requestId: 'audit-test-req-1', after: { status: 'CLOSED' } });
  });

  it('is read by auditors and admins of the region only', async () => {
    expectProblem(await t.http().get('/api/v1/audit').set('Authorization', instructor.auth), 403);
    expectProblem(await t.http().get('/api/v1/audit').set('Authorization', director.auth), 403);
    const admin = await actor(t, 'ADMIN');
    expect((await t.http().get(`/api/v1/audit?entity=application&id=${dossier}`).set('Authorization', admin.auth).expect(200)).body.items.length).toBe(6);
    const bretagne = await actor(t, 'AUDITOR', { regionCode: '53' });
    expect((await t.http().get(`/api/v1/audit?entity=application&id=${dossier}`).set('Authorization', bretagne.auth).expect(200)).body.items).toEqual([]);
  });

  it('is refused UPDATE and DELETE by the database itself', async () => {
    const [id] = await chainIds();
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      await expect(client.query(`UPDATE audit_log SET action = 'forged' WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
      await expect(client.query('DELETE FROM audit_log WHERE id = $1', [id])).rejects.toThrow(/append-only/);
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

  it('catches a removed row: the next row of its chain no longer links', async () => {
    const ids = await chainIds();
    const removed = ids[Math.floor(ids.length / 2)];
    const next = ids[ids.indexOf(removed) + 1];
    await asIntruder((c) => c.query('DELETE FROM audit_log WHERE id = $1', [removed]));
    const result = await verifyAuditTrail(t.databaseUrl);
    expect(result.broken).toEqual({ id: next, regionCode: '84', reason: expect.stringMatching(/removed or inserted/) });
    const { code, stderr } = await cli();
    expect(code).toBe(1);
    expect(stderr).toContain(`BROKEN at row ${next} `);
  });
});
