// `npm run bench:webhooks`: what the notifications cost and carry.
// 1. The outbox's cost on a transition: the same move (a site meeting recorded, DRAFT →
//    SITE_MEETING_HELD) through the production service, timed per request, with the outbox
//    (its event and one delivery for each of 3 matching subscriptions, in the move's
//    transaction) and without it (OUTBOX_OFF_FOR_BENCH, the bench's seam), in alternating
//    rounds; the ratio of the medians.
// 2. Deliveries per second: a worker process (`dist/cli/worker.js`, the defaults: 8 at once, a
//    poll every second) sends events to a local receiver that answers 204 at once; events of
//    distinct dossiers (in parallel), then of one dossier (in order, one at a time).
// Prints the table and writes it to bench/results/<date>-webhooks.md. BENCH_DATABASE_URL (else
// DATABASE_URL, else an embedded PostgreSQL); the database msp_bench_webhooks is dropped and
// recreated. BENCH_MOVES (200 per round and variant), BENCH_ROUNDS (3), BENCH_EVENTS (3000),
// BENCH_ORDERED_EVENTS (500).
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import pg from 'pg';
import { SecretBox } from '../src/common/crypto/secret-box.js';
import { freshDatabase, log, postgresServer, seedPromoter, serviceEnv, serviceReady, sleep, startProcess, stopProcess } from './harness.js';

const MOVES = Number(process.env.BENCH_MOVES ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 3000);
const ORDERED = Number(process.env.BENCH_ORDERED_EVENTS ?? 500);
const PORT = 3112;
const BASE = `http://127.0.0.1:${PORT}/api/v1`;
const DB_NAME = 'msp_bench_webhooks';
const EMAIL = 'bench-webhooks@ars.test';
const PASSWORD = 'bench password 2026';
const today = new Date().toISOString().slice(0, 10);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];

async function api(token: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

async function login(): Promise<string> {
  const res = await fetch(`${BASE}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) });
  if (!res.ok) throw new Error(`login: ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** A receiver answering 204 at once; counts what arrives and when the last came. */
async function receiver() {
  const seen = new Set<string>();
  let count = 0;
  let last = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      seen.add(String(req.headers['webhook-id']));
      last = performance.now();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    stats: () => ({ count, distinct: seen.size, last }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function main(): Promise<void> {
  const server = await postgresServer();
  const { url, postgresVersion } = await freshDatabase(server, DB_NAME);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const promoter = await seedPromoter(db, EMAIL, PASSWORD);
  const dossiers = MOVES * ROUNDS * 2;
  const projects = (
    await db.query<{ id: string }>(
      `INSERT INTO projects (id, region_code, department_code, name, kind, promoter_id, commune_insee, existing, doctors_planned,
                             professionals_planned, population_served, balanced_budget, convention, updated_at)
       SELECT gen_random_uuid(), '84', '43', 'MSP bench n° ' || n, 'MSP', $1, '43040', false, 3, 6, 4000, true, 'NONE', now()
       FROM generate_series(1, $2::int) n ORDER BY n RETURNING id`,
      [promoter, dossiers],
    )
  ).rows.map((r) => r.id);
  const env = serviceEnv(url, PORT);
  const box = new SecretBox(env.JWT_SECRET);
  const org = (await db.query<{ id: string }>(`SELECT id FROM organizations LIMIT 1`)).rows[0].id;
  const rx = await receiver();
  // Three subscriptions that every status change reaches (the ARS's own, say three systems).
  const subscriptions: string[] = [];
  for (let i = 0; i < 3; i++) {
    const secret = `whsec_${Buffer.alloc(32, i + 1).toString('base64')}`;
    subscriptions.push(
      (
        await db.query<{ id: string }>(
          `INSERT INTO webhook_subscriptions (id, organization_id, region_code, url, events, secret_cipher, updated_at)
           VALUES (gen_random_uuid(), $1, '84', $2, '{application.status_changed}', $3, now()) RETURNING id`,
          [org, rx.url, box.seal(secret)],
        )
      ).rows[0].id,
    );
  }

  // ------------------------------------------------------------ 1. a transition, with and without the outbox
  const timings: Record<'with' | 'without', number[]> = { with: [], without: [] };
  let next = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    for (const variant of round % 2 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
      const service = await startProcess(['dist/main.js'], { ...env, NODE_ENV: 'test', ...(variant === 'without' && { OUTBOX_OFF_FOR_BENCH: 'true' }) }, () => serviceReady(PORT));
      try {
        const token = await login();
        const ids: string[] = [];
        for (let i = 0; i < MOVES; i++) ids.push(String((await api(token, 'POST', '/applications', { projectId: projects[next++] })).id));
        // Warm-up: the route's code compiled, statements prepared.
        for (const id of ids.slice(0, 20)) await api(token, 'POST', `/applications/${id}/site-meeting`, { heldOn: today, participants: 'ARS, maire', findings: 'Local adapté' });
        for (const id of ids.slice(20)) {
          const started = performance.now();
          await api(token, 'POST', `/applications/${id}/site-meeting`, { heldOn: today, participants: 'ARS, maire', findings: 'Local adapté' });
          timings[variant].push(performance.now() - started);
        }
        log(`round ${round}, ${variant} the outbox: median ${median(timings[variant]).toFixed(2)} ms so far`);
      } finally {
        await stopProcess(service.child);
      }
    }
  }
  const count = async (sql: string) => Number((await db.query<{ count: string }>(sql)).rows[0].count);
  const events = await count(`SELECT count(*) FROM outbox_events`);
  const deliveries = await count(`SELECT count(*) FROM webhook_deliveries`);
  await db.query(`DELETE FROM webhook_deliveries`);

  // ------------------------------------------------------------ 2. deliveries per second
  const worker = await startProcess(['dist/cli/worker.js'], { ...env, NODE_ENV: 'test', LOG_LEVEL: 'info', WORKERS_ENABLED: 'true', WEBHOOKS_ALLOW_LOOPBACK: 'true' }, (output) =>
    Promise.resolve(output().includes('worker started')),
  );
  const deliver = async (count: number, ordered: boolean) => {
    const before = rx.stats().count;
    await db.query('BEGIN');
    const { rows } = await db.query<{ id: string; seq: string }>(
      `INSERT INTO outbox_events (id, type, region_code, department_code, application_id, data)
       SELECT gen_random_uuid(), 'application.status_changed', '84', '43', CASE WHEN $2::boolean THEN '00000000-0000-7000-8000-000000000001'::uuid END,
              jsonb_build_object('n', n, 'toStatus', 'SITE_MEETING_HELD') FROM generate_series(1, $1::int) n ORDER BY n RETURNING id, seq`,
      [count, ordered],
    );
    await db.query(
      `INSERT INTO webhook_deliveries (id, event_id, subscription_id, stream, seq)
       SELECT gen_random_uuid(), e.id, $1::uuid, $1::text || ':' || CASE WHEN $2::boolean THEN 'one-dossier' ELSE e.id::text END, e.seq FROM outbox_events e WHERE e.id = ANY($3::uuid[])`,
      [subscriptions[0], ordered, rows.map((r) => r.id)],
    );
    await db.query('COMMIT');
    const started = performance.now();
    while (rx.stats().count - before < count) await sleep(20);
    const seconds = (rx.stats().last - started) / 1000;
    return { count, seconds, perSecond: count / seconds };
  };
  const parallel = await deliver(EVENTS, false);
  log(`${EVENTS} events of distinct dossiers: ${parallel.perSecond.toFixed(0)}/s`);
  const inOrder = await deliver(ORDERED, true);
  log(`${ORDERED} events of one dossier: ${inOrder.perSecond.toFixed(0)}/s`);
  // The receiver answers before the worker records the attempt: wait for the last records.
  let succeeded = 0;
  for (let i = 0; i < 100 && succeeded < parallel.count + inOrder.count; i++) {
    succeeded = await count(`SELECT count(*) FROM webhook_attempts WHERE succeeded`);
    if (succeeded < parallel.count + inOrder.count) await sleep(50);
  }
  await stopProcess(worker.child);
  await rx.close();
  await db.end();
  await server.stop();

  const [w, wo] = [median(timings.with), median(timings.without)];
  const table = [
    `# Webhooks bench, ${today}`,
    '',
    `Node ${process.version}, ${cpus().length} cores, PostgreSQL ${postgresVersion}; the production build (\`dist/\`), NODE_ENV=test (the seam is refused in production).`,
    '',
    '## The outbox on a transition',
    '',
    `POST /applications/{id}/site-meeting (DRAFT → SITE_MEETING_HELD), one at a time, ${MOVES - 20} timed per round and variant after 20 of warm-up, ${ROUNDS} alternating rounds; with the outbox each move writes its event and 3 deliveries (3 matching subscriptions) in its transaction (${events} events and ${deliveries} deliveries written in all).`,
    '',
    '| | median | p95 |',
    '|---|---|---|',
    `| without the outbox | ${wo.toFixed(2)} ms | ${p95(timings.without).toFixed(2)} ms |`,
    `| with the outbox | ${w.toFixed(2)} ms | ${p95(timings.with).toFixed(2)} ms |`,
    `| **ratio** | **${(w / wo).toFixed(3)}** (${w - wo >= 0 ? '+' : ''}${(w - wo).toFixed(2)} ms) | ${(p95(timings.with) / p95(timings.without)).toFixed(3)} |`,
    '',
    '## Deliveries per second',
    '',
    'A worker process with the defaults (8 attempts at once, a poll every second, each attempt signed, recorded with its outcome in its own transaction) to a receiver on 127.0.0.1 answering 204; from the commit of the events to the last received.',
    '',
    '| events | of | delivered in | per second |',
    '|---|---|---|---|',
    `| ${parallel.count} | distinct dossiers (in parallel) | ${parallel.seconds.toFixed(1)} s | **${parallel.perSecond.toFixed(0)}** |`,
    `| ${inOrder.count} | one dossier (in order, one at a time) | ${inOrder.seconds.toFixed(1)} s | **${inOrder.perSecond.toFixed(0)}** |`,
    '',
    `${succeeded} successful attempts recorded for ${parallel.count + inOrder.count} events.`,
    '',
  ].join('\n');
  process.stdout.write(`${table}\n`);
  writeFileSync(`bench/results/${today}-webhooks.md`, table);
}

await main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
