// A burst of concurrent workflow transitions (issue 17, "Done when"): the default pool (10),
// the rate limit off. Every refusal is 503 busy with Retry-After (never "unreachable": the
// database is up), and the database holds exactly the writes answered 2xx. BURST sets the size
// (1,000 here; `npm run bench:burst` runs 5,000 and writes the figures to bench/results/).
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { verifyAuditTrail } from '../../src/audit/verify.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeDossier } from '../helpers/dossiers.js';
import { actor, type Actor } from '../helpers/factories.js';
import { checkFetched } from '../helpers/openapi-validator.js';

const BURST = Number(process.env.BURST ?? 1000);
const POOL = 10;

describe(`a burst of ${BURST} concurrent transitions`, () => {
  let t: TestApp;
  let instructor: Actor;
  let ids: string[];

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0', DATABASE_POOL_SIZE: String(POOL) });
    instructor = await actor(t, 'INSTRUCTOR');
    const template = await makeDossier(t, instructor);
    // The other dossiers: copies of the first, each with its own id (DRAFT, same project).
    const columns = (
      await t.prisma.$queryRaw<
        { column_name: string }[]
      >`SELECT column_name FROM information_schema.columns WHERE table_name = 'applications' AND table_schema = current_schema() AND column_name <> 'id'`
    ).map((c) => `"${c.column_name}"`);
    await t.prisma.$executeRawUnsafe(
      `INSERT INTO applications (id, ${columns.join(', ')}) SELECT gen_random_uuid(), ${columns.join(', ')} FROM applications, generate_series(1, $2::int) WHERE id = $1::uuid`,
      template.id,
      BURST - 1,
    );
    ids = (await t.prisma.application.findMany({ select: { id: true } })).map((a) => a.id);
    expect(ids).toHaveLength(BURST);
    // A backlog for the whole burst: the connections queue in the kernel, not refused.
    await t.app.listen({ port: 0, host: '127.0.0.1', backlog: 8192 });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it(
    'answers each 2xx or 503 busy with Retry-After, and the database holds exactly the writes answered 2xx',
    async () => {
      const base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
      const started = performance.now();
      const answers = await Promise.all(
        ids.map(async (id, i) => {
          const res = await fetch(`${base}/api/v1/applications/${id}/withdraw`, {
            method: 'POST',
            headers: {
              authorization: instructor.auth,
              'content-type': 'application/json',
              // Half of them with an Idempotency-Key: its answer is stored with the write.
              ...(i % 2 === 0 && { 'idempotency-key': `burst-${i}` }),
            },
            body: JSON.stringify({ reason: 'Le promoteur renonce' }),
            signal: AbortSignal.timeout(Math.max(110_000, BURST * 60)),
          }).then((r) => checkFetched('POST', `/api/v1/applications/${id}/withdraw`, r));
          return {
            id,
            status: res.status,
            retryAfter: res.headers.get('retry-after'),
            type: res.headers.get('content-type'),
            body: (await res.json()) as { type?: string; detail?: string },
          };
        }),
      );
      const ms = performance.now() - started;

      const ok = answers.filter((a) => a.status >= 200 && a.status < 300);
      const refused = answers.filter((a) => !(a.status >= 200 && a.status < 300));
      const busy = refused.filter(
        (a) =>
          a.status === 503 &&
          a.body.type === 'tag:msp-funding,2026:problem/busy' &&
          Number(a.retryAfter) > 0 &&
          /busy/.test(a.body.detail ?? '') &&
          a.type?.startsWith('application/problem+json'),
      );
      expect(refused.filter((a) => !busy.includes(a)).map((a) => `${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
      expect(answers.filter((a) => JSON.stringify(a.body).includes('unreachable'))).toEqual([]);

      // Exactly the writes answered 2xx: the dossiers, their events, their audit rows.
      const okIds = new Set(ok.map((a) => a.id));
      const withdrawn = (await t.prisma.application.findMany({ where: { status: 'WITHDRAWN' }, select: { id: true } })).map((a) => a.id);
      expect(withdrawn.filter((id) => !okIds.has(id))).toEqual([]);
      expect(withdrawn).toHaveLength(ok.length);
      expect(await t.prisma.applicationEvent.count({ where: { type: 'WITHDRAWN' } })).toBe(ok.length);
      expect(await t.prisma.auditLog.count({ where: { entity: 'application', action: { contains: 'withdraw' } } })).toBe(ok.length);
      // Keys: each answered write's stored, none left running, none of a refused request kept.
      const keyed = ok.filter((a) => answers.indexOf(a) % 2 === 0).length;
      expect(await t.prisma.idempotencyRecord.count({ where: { state: 'COMPLETED' } })).toBe(keyed);
      const running = await t.prisma.idempotencyRecord.count({ where: { state: 'IN_PROGRESS' } });
      expect(running).toBe(0);
      // The writers took no lock on the chain: the sealer chained every row, and the chain holds.
      const chain = await verifyAuditTrail(t.databaseUrl);
      expect(chain.broken).toBeNull();
      expect(chain.rows).toBe(await t.prisma.auditLog.count());

      const line =
        `${BURST} concurrent POST /applications/{id}/withdraw (half with Idempotency-Key), pool ${POOL}, rate limit off, ${cpus().length} cores: ` +
        `${ok.length} answered 2xx, ${busy.length} answered 503 busy (0 unreachable, 0 other), in ${(ms / 1000).toFixed(1)} s; ` +
        `in the database: ${withdrawn.length} dossiers withdrawn, as many events and audit rows; ${running} keys left IN_PROGRESS; ` +
        `audit chain holds, ${chain.rows} rows sealed`;
      console.info(`[burst] ${line}`);
      if (process.env.BURST_REPORT) writeFileSync(process.env.BURST_REPORT, `${line}\n`, { flag: 'a' });
    },
    Math.max(180_000, BURST * 100),
  );
});
