// Crash and shutdown of the built service (issue 9, item 4), on a PostgreSQL the test owns:
// SIGTERM in the middle of requests, then kill -9 in the middle of a burst of writes and a
// restart on the same database.
import pg from 'pg';
import { verifyAuditTrail } from '../../src/audit/verify.js';
import { readMigrations } from '../../src/database/migrations.js';
import {
  type Answer,
  call,
  communeBody,
  describeAnswer,
  type Exit,
  freePort,
  isUnavailableProblem,
  login,
  OwnedPostgres,
  ServiceProcess,
  finalRunStatus,
  sleep,
} from './harness.js';

// The issue's bound: the process has exited (0) within 10 s of SIGTERM.
const SHUTDOWN_LIMIT_MS = 10_000;

type Outcome = { answer: Answer } | { error: string };
const isAnswer = (o: Outcome): o is { answer: Answer } => 'answer' in o;
const errorLines = (output: string) => output.split('\n').filter((l) => /"level":(50|60)/.test(l) || /^\s*(throw|Error|error:)/.test(l));

describe('crash and shutdown of the service process', () => {
  let db: OwnedPostgres;
  let port: number;
  let service: ServiceProcess;
  let token: string;
  const api = (method: string, path: string, body?: unknown, timeoutMs?: number) => call(service.base, method, path, { token, body, timeoutMs });
  const start = async () => {
    // A pool larger than the bursts below: what is in flight waits in the database, not for a
    // connection.
    service = ServiceProcess.start(db.url, port, { WORKERS_ENABLED: 'true', DATABASE_POOL_SIZE: '50' });
    await service.waitReady();
    token = await login(service.base);
  };

  beforeAll(async () => {
    db = await OwnedPostgres.create('crash', [55450, 55499]);
    port = await freePort(31500, 31999);
    await start();
    expect((await api('POST', '/api/v1/communes', communeBody('01001'))).status).toBe(201);
  }, 50_000);

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await db?.destroy();
  });

  it('on SIGTERM refuses new requests, finishes those in flight with 2xx, lets its workers finish their job, closes its pool and exits 0 within 10 s', async () => {
    // Slow requests the test controls: it holds a SHARE lock on audit_log (every audited write
    // waits for it in its transaction, at its audit row) and one on report_rows (a report run
    // cannot write its rows), and lets go of both a second after the signal.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await blocker.query('COMMIT');
      await blocker.end();
    };
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE report_rows IN SHARE MODE');
      // The run is requested before audit_log is locked: requesting it writes an audit row.
      const queued = await api('POST', '/api/v1/reports/runs', { type: 'PIPELINE' });
      expect(queued.status).toBe(202);
      await blocker.query('LOCK TABLE audit_log IN SHARE MODE');
      const runId = (queued.body as { items: { id: string }[] }).items[0].id;
      const codes = Array.from({ length: 30 }, (_, i) => `01${String(100 + i).padStart(3, '0')}`);
      let answered = 0;
      const burst = codes.map((code) =>
        api('POST', '/api/v1/communes', communeBody(code), 20_000)
          .then(
            (answer): Outcome => ({ answer }),
            (error: Error): Outcome => ({ error: `${error.name}: ${error.message} (${String((error.cause as Error | undefined)?.message ?? '')})` }),
          )
          .finally(() => answered++),
      );

      // In flight for certain: every write waiting in the database, and the report job too.
      let waiting = { writes: 0, job: 0 };
      const deadline = performance.now() + 10_000;
      while (performance.now() < deadline) {
        const [row] = await db.query<{ writes: string; job: string }>(
          `SELECT count(*) FILTER (WHERE l.relation = 'audit_log'::regclass) AS writes, count(*) FILTER (WHERE l.relation = 'report_rows'::regclass) AS job
           FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
           WHERE a.datname = current_database() AND a.application_name = 'msp-funding'`,
        );
        waiting = { writes: Number(row.writes), job: Number(row.job) };
        if (waiting.writes >= codes.length && waiting.job >= 1) break;
        await sleep(50);
      }
      expect(waiting).toEqual({ writes: codes.length, job: 1 });
      expect(answered).toBe(0);
      const [running] = await db.query<{ status: string }>(`SELECT status FROM report_runs WHERE id = $1`, [runId]);
      expect(running.status).toBe('RUNNING');

      const mark = service.output.length;
      const signalled = performance.now();
      service.child.kill('SIGTERM');
      const killer = setTimeout(() => service.child.kill('SIGKILL'), 15_000);

      // Once the signal is handled, a new request is refused: 503, or no connection at all.
      await sleep(300);
      const late = await call(service.base, 'GET', '/api/v1/communes', { token, timeoutMs: 5000 }).then(
        (a) => a.status,
        () => 'refused',
      );
      await sleep(Math.max(0, 1000 - (performance.now() - signalled)));
      expect(service.running).toBe(true); // still waiting for its requests and its job
      await release();

      const outcomes = await Promise.all(burst);
      let exit: Exit;
      try {
        exit = await service.exited;
      } finally {
        clearTimeout(killer);
      }
      const shutdownMs = exit.at - signalled;

      expect(outcomes.filter((o) => !isAnswer(o) || o.answer.status !== 201).map((o) => (isAnswer(o) ? describeAnswer(o.answer) : o.error))).toEqual([]);
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      expect(shutdownMs).toBeLessThanOrEqual(SHUTDOWN_LIMIT_MS);
      expect([503, 'refused']).toContain(late);
      expect(errorLines(service.output.slice(mark))).toEqual([]);

      // The writes are there; the job the workers had in hand was finished, not cut off.
      const stored = await db.query(`SELECT insee_code FROM communes WHERE insee_code = ANY($1)`, [codes]);
      expect(stored).toHaveLength(codes.length);
      const [run] = await db.query<{ status: string }>(`SELECT status FROM report_runs WHERE id = $1`, [runId]);
      expect(run.status).toBe('SUCCEEDED');
      expect(await db.query(`SELECT id, name FROM pgboss.job WHERE state = 'active'`)).toEqual([]);

      console.info(
        `[crash] SIGTERM with ${codes.length} writes and a report job in flight: all writes 201, the job SUCCEEDED; ` +
          `a new request ${late === 'refused' ? 'found no listener' : `got ${late}`}; held 1 s, the process exited ${exit.code} ` +
          `${shutdownMs.toFixed(0)} ms after the signal (${(shutdownMs - 1000).toFixed(0)} ms after the requests could finish)`,
      );
    } finally {
      await release().catch(() => undefined);
    }
  }, 40_000);

  it('after kill -9 in the middle of a burst of writes, restarts with every acknowledged write whole, its migrations finished and its job queue working', async () => {
    await start();
    expect((await api('POST', '/api/v1/reports/runs', {})).status).toBe(202);

    const count = 200;
    const names = Array.from({ length: count }, (_, i) => `Porteur rafale ${String(i).padStart(3, '0')}`);
    let answered = 0;
    let killedAfter: number | undefined;
    const outcomes = await Promise.all(
      names.map((name) =>
        api('POST', '/api/v1/promoters', { name, legalType: 'ASSOCIATION', communeInsee: '01001' }, 15_000)
          .then(
            (answer): Outcome => ({ answer }),
            (error: Error): Outcome => ({ error: `${error.name}: ${error.message}` }),
          )
          .finally(() => {
            if (++answered === 50) {
              killedAfter = answered;
              service.child.kill('SIGKILL');
            }
          }),
      ),
    );
    const exit = await service.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(killedAfter).toBe(50);

    const acknowledged = outcomes.flatMap((o) => (isAnswer(o) && o.answer.status === 201 ? [(o.answer.body as { id: string }).id] : []));
    const unanswered = outcomes.filter((o) => !isAnswer(o)).length;
    // Before the kill: 201, or 503 when the pool was saturated; never a 500.
    expect(outcomes.filter((o) => isAnswer(o) && o.answer.status !== 201 && !isUnavailableProblem(o.answer)).map((o) => describeAnswer((o as { answer: Answer }).answer))).toEqual(
      [],
    );
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(unanswered).toBeGreaterThan(0);

    const restartAsked = performance.now();
    await start();
    const restartMs = performance.now() - restartAsked;

    // Every acknowledged write is there, each with its audit row; no row without its audit row
    // nor audit row without its row; the hash chain holds.
    const rows = await db.query<{ id: string; name: string; audits: string }>(
      `SELECT p.id, p.name, (SELECT count(*) FROM audit_log a WHERE a.entity = 'promoter' AND a.action = 'promoter.create' AND a.entity_id = p.id::text) AS audits
       FROM promoters p WHERE p.name = ANY($1)`,
      [names],
    );
    const stored = new Set(rows.map((r) => r.id));
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    expect(rows.filter((r) => Number(r.audits) !== 1)).toEqual([]);
    const orphans = await db.query(
      `SELECT a.entity_id FROM audit_log a WHERE a.entity = 'promoter' AND a.action = 'promoter.create' AND NOT EXISTS (SELECT 1 FROM promoters p WHERE p.id::text = a.entity_id)`,
    );
    expect(orphans).toEqual([]);
    const chain = await verifyAuditTrail(db.url);
    expect(chain).toMatchObject({ broken: null });

    // The migrations: each one recorded once, finished, none rolled back or failed.
    const migrations = await db.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number }>(
      `SELECT migration_name, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(migrations.map((m) => m.migration_name)).toEqual((await readMigrations()).map((m) => m.name));
    expect(migrations.filter((m) => m.finished_at === null || m.rolled_back_at !== null || m.applied_steps_count < 1)).toEqual([]);

    // The job queue: a run queued now is done by the restarted workers.
    const queued = await api('POST', '/api/v1/reports/runs', { type: 'PIPELINE' });
    expect(queued.status).toBe(202);
    const runId = (queued.body as { items: { id: string }[] }).items[0].id;
    const runStatus = await finalRunStatus(api, runId);
    expect(runStatus).toBe('SUCCEEDED');
    expect(errorLines(service.output)).toEqual([]);

    console.info(
      `[crash] kill -9 after ${killedAfter} of ${count} concurrent writes: ${acknowledged.length} acknowledged, ${unanswered} unanswered; ` +
        `after the restart (ready in ${restartMs.toFixed(0)} ms) acknowledged writes lost: ${lost.length}, ` +
        `committed but unanswered: ${rows.length - acknowledged.length}; ${migrations.length} migrations all finished; report run ${runStatus}`,
    );
  }, 50_000);
});
