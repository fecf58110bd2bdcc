// `npm run bench`: seeds 100,000 dossiers, starts the service (production mode) and a bare
// Fastify + pg baseline, loads both with autocannon (same connections, duration, warm-up), one
// after the other, and prints the table, also written to bench/results/<date>.md.
// Each read is also measured against the machine's floor for it: bare Fastify + pg sending the
// JSON text of one prepared `row_to_json` statement untouched. A workflow transition (submit)
// is measured against the baseline doing the same SQL in one transaction, audit row included.
// Also measured: a burst of 1,000 concurrent transitions, the service's start time, the four
// reports of a region at this volume, and the service's peak memory while a 100,000-row XLSX
// downloads.
// While iterating: BENCH_ONLY=<regex> loads only the matching scenarios (no burst, no extras,
// nothing written), BENCH_REUSE=1 keeps an already seeded database, BENCH_DURATION/BENCH_WARMUP
// shorten the loads. BENCH_DATABASE_NAME names the database the bench drops and recreates
// (msp_bench: no other database of the server is touched).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { hashPassword } from '../src/accounts/passwords.js';
import { migrate } from '../src/database/migrations.js';
import { withDatabase } from '../src/database/server.js';
import { log, postgresServer, serviceEnv, startProcess, stopProcess } from './harness.js';
import { addSubmittable, DOSSIERS, seedBench } from './seed.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
// Each target's load is cut in this many slices, the targets taking turns: a change in what
// else the machine runs then weighs on every target alike, not on whichever ran at the time.
const SLICES = Number(process.env.BENCH_SLICES ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
const BURST = Number(process.env.BENCH_BURST ?? 1000);
// Submits a target can answer per second at most, to create enough dossiers for its warm-up and load.
const SUBMIT_CAP = Number(process.env.BENCH_SUBMIT_CAP ?? 1500);
const SERVICE_PORT = 3101;
const BASELINE_PORT = 3102;
const PASSWORD = 'bench password 2026';
const today = new Date().toISOString().slice(0, 10);

/** Spawns `node args…` and resolves once `readyUrl` answers 2xx, with the time it took (or rejects if it exits). */
async function startTimed(args: string[], env: Record<string, string>, readyUrl: string): Promise<{ child: ChildProcess; ms: number }> {
  const started = Date.now();
  const { child } = await startProcess(args, env, async () => (await fetch(readyUrl).catch(() => undefined))?.ok === true);
  return { child, ms: Date.now() - started };
}

type Target = 'service' | 'baseline' | 'floor';

interface Scenario {
  name: string;
  connections: number;
  method?: 'GET' | 'POST';
  path: (target: Target) => string;
  body?: () => string;
  auth?: boolean;
  /** A read: also measured against the floor (the baseline's /floor routes). */
  floor?: boolean;
  /** Before each target's warm-up and load (the dossiers a write scenario consumes). */
  prepare?: (target: Target) => Promise<void>;
}

interface Measure {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  total: number;
  /** CPU time of the target's Node process per request (user + system), µs. */
  cpu: number;
}

interface Slice {
  latencies: number[];
  errors: number;
  seconds: number;
  cpuMs: number;
}

/** CPU time used so far by a process (user + system), ms, from /proc. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100 Hz)
}

function summarise(slices: Slice[]): Measure {
  const latencies = slices.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const seconds = slices.reduce((n, s) => n + s.seconds, 0);
  const cpuMs = slices.reduce((n, s) => n + s.cpuMs, 0);
  return {
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: slices.reduce((n, s) => n + s.errors, 0),
    total: latencies.length,
    cpu: (1000 * cpuMs) / Math.max(1, latencies.length),
  };
}

const lat = (m: Measure) => [m.p50, m.p95, m.p99].map((v) => v.toFixed(1)).join(' / ');

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function load(base: string, s: Scenario, target: Target, headers: Record<string, string>, duration: number, pid: number): Promise<Slice> {
  const latencies: number[] = [];
  const cpuBefore = cpuMsOf(pid);
  let errors = 0;
  // autocannon's instance is both an event emitter and a promise of the result.
  const instance = autocannon({
    url: base,
    connections: s.connections,
    duration,
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          method: s.method ?? 'GET',
          path: s.path(target),
          headers: { 'content-type': 'application/json', ...(s.auth ? headers : {}) },
          ...(s.body ? { body: s.body() } : {}),
        }),
      },
    ],
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
    if (statusCode >= 400) errors++;
  });
  const result = await instance;
  return { latencies, errors: errors + result.errors, seconds: duration, cpuMs: cpuMsOf(pid) - cpuBefore };
}

async function main(): Promise<void> {
  const pgServer = await postgresServer();
  const dbName = process.env.BENCH_DATABASE_NAME ?? 'msp_bench';
  if (!/^[a-z_][a-z0-9_]*$/.test(dbName) || ['postgres', 'test', 'template0', 'template1'].includes(dbName)) throw new Error(`not a bench database: ${dbName}`);
  const url = withDatabase(pgServer.url, dbName);
  const admin = new pg.Client({ connectionString: pgServer.url });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount === 1;
  let seeded: { ms: number; counts: Record<string, number> } | undefined;
  if (process.env.BENCH_REUSE && exists) {
    log(`reusing the database ${dbName}`);
    await admin.end();
  } else {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    await migrate(url);
    log(`seeding ${DOSSIERS.toLocaleString('en-US')} dossiers…`);
    seeded = await seedBench(url, await hashPassword(PASSWORD));
    log(`seeded in ${seeded.ms} ms: ${JSON.stringify(seeded.counts)}`);
  }

  const db = new pg.Client({ connectionString: url });
  await db.connect();
  log('picking dossiers…');
  const ids = (await db.query<{ id: string }>(`SELECT id FROM applications WHERE region_code = '84' ORDER BY random() LIMIT 2000`)).rows.map((r) => r.id);
  const computable = (
    await db.query<{ id: string }>(`SELECT a.id FROM applications a LEFT JOIN funding_plans p ON p.application_id = a.id
                    WHERE a.region_code = '84' AND a.status NOT IN ('REJECTED','WITHDRAWN','CLOSED','COMPLETED') AND (p.id IS NULL OR p.status = 'COMPUTED')
                    ORDER BY random() LIMIT 2000`)
  ).rows.map((r) => r.id);
  const deep = (await db.query<{ id: string }>(`SELECT id FROM applications WHERE region_code = '84' ORDER BY id OFFSET ${999 * 50 - 1} LIMIT 1`)).rows[0].id;
  const deepCursor = Buffer.from(deep).toString('base64url');
  const pick = (list: string[]) => list[Math.floor(Math.random() * list.length)];
  // Each submit moves a dossier of its own, made for the target just before its turn.
  const submittable: Record<Target, string[]> = { service: [], baseline: [], floor: [] };
  const nextSubmittable = (target: Target) => {
    const id = submittable[target].pop();
    if (id === undefined) throw new Error(`no dossier left to submit for the ${target}: raise BENCH_SUBMIT_CAP`);
    return id;
  };

  const env = {
    ...serviceEnv(url, SERVICE_PORT),
    // The service's default pool (10): also what served best here (4, 6 and 10 measured alike).
    DATABASE_POOL_SIZE: process.env.BENCH_POOL ?? '10',
    BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
  };
  log('starting the service…');
  const service = await startTimed(['dist/main.js'], env, `http://127.0.0.1:${SERVICE_PORT}/health/ready`);
  log(`service ready in ${service.ms} ms`);
  const baseline = await startTimed(
    ['bench/baseline.mjs'],
    { DATABASE_URL: url, PORT: String(BASELINE_PORT), POOL: env.DATABASE_POOL_SIZE },
    `http://127.0.0.1:${BASELINE_PORT}/health/live`,
  );

  const login = await fetch(`http://127.0.0.1:${SERVICE_PORT}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench-instructor@ars.test', password: PASSWORD }),
  });
  const token = ((await login.json()) as { accessToken: string }).accessToken;
  const headers = { authorization: `Bearer ${token}` };

  // The floor answers the same reads under /floor.
  const read = (path: () => string) => (target: Target) => (target === 'floor' ? `/floor${path()}` : path());
  const scenarios: Scenario[] = [
    { name: 'GET /health/live', connections: 100, path: () => '/health/live' },
    { name: 'GET /applications/{id}', connections: 100, path: read(() => `/api/v1/applications/${pick(ids)}`), auth: true, floor: true },
    { name: 'GET /applications/{id} (10 conn.)', connections: 10, path: read(() => `/api/v1/applications/${pick(ids)}`), auth: true, floor: true },
    {
      name: 'GET /applications?status&departmentCode (page 1)',
      connections: 10,
      path: read(() => '/api/v1/applications?status=SUBMITTED&departmentCode=43'),
      auth: true,
      floor: true,
    },
    { name: 'GET /applications page 1,000 (cursor)', connections: 10, path: read(() => `/api/v1/applications?cursor=${deepCursor}`), auth: true, floor: true },
    { name: 'GET /applications page 1', connections: 10, path: read(() => '/api/v1/applications'), auth: true, floor: true },
    {
      name: 'POST funding-plan/compute',
      connections: 10,
      method: 'POST',
      path: () => `/api/v1/applications/${pick(computable)}/funding-plan/compute`,
      body: () => '{}',
      auth: true,
    },
    {
      name: 'POST /applications/{id}/submit',
      connections: 10,
      method: 'POST',
      path: (target) => `/api/v1/applications/${nextSubmittable(target)}/submit`,
      body: () => '{}',
      auth: true,
      prepare: async (target) => {
        submittable[target] = await addSubmittable(url, Math.ceil((WARMUP + DURATION) * SUBMIT_CAP));
      },
    },
    {
      name: 'POST /auth/login',
      connections: 10,
      method: 'POST',
      path: () => '/api/v1/auth/login',
      body: () => JSON.stringify({ email: 'bench-admin@ars.test', password: PASSWORD }),
    },
  ];

  const rows: string[] = [];
  const results: Record<string, { service: Measure; baseline: Measure; floor?: Measure }> = {};
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)} %`;
  for (const s of scenarios.filter((s) => !ONLY || ONLY.test(s.name))) {
    const targets: [Target, number, number][] = [
      ['service', SERVICE_PORT, service.child.pid!],
      ['baseline', BASELINE_PORT, baseline.child.pid!],
    ];
    if (s.floor) targets.push(['floor', BASELINE_PORT, baseline.child.pid!]);
    const slices: Partial<Record<Target, Slice[]>> = {};
    for (const [target, port, pid] of targets) {
      await s.prepare?.(target);
      await load(`http://127.0.0.1:${port}`, s, target, headers, WARMUP, pid);
      slices[target] = [];
    }
    for (let i = 0; i < SLICES; i++) {
      for (const [target, port, pid] of targets) slices[target]!.push(await load(`http://127.0.0.1:${port}`, s, target, headers, DURATION / SLICES, pid));
    }
    const measure: Partial<Record<Target, Measure>> = {};
    for (const [target] of targets) {
      const m = (measure[target] = summarise(slices[target]!));
      log(`${s.name} — ${target}: ${m.rps.toFixed(0)} req/s, p50/p95/p99 ${lat(m)} ms, ${m.cpu.toFixed(0)} µs CPU/req, ${m.errors} errors`);
    }
    const { service: svc, baseline: base, floor } = measure as { service: Measure; baseline: Measure; floor?: Measure };
    results[s.name] = { service: svc, baseline: base, floor };
    rows.push(
      `| ${s.name} | ${s.connections} | ${svc.rps.toFixed(0)} | ${lat(svc)} | ${base.rps.toFixed(0)} | ${lat(base)} | ${pct(svc.rps, base.rps)} | ` +
        `${floor ? floor.rps.toFixed(0) : '—'} | ${floor ? pct(svc.rps, floor.rps) : '—'} | ` +
        `${svc.cpu.toFixed(0)} / ${base.cpu.toFixed(0)}${floor ? ` / ${floor.cpu.toFixed(0)}` : ''} | ${svc.errors} / ${base.errors}${floor ? ` / ${floor.errors}` : ''} |`,
    );
  }
  const header = [
    '| request | conn. | service req/s | service p50/p95/p99 | baseline req/s | baseline p50/p95/p99 | service / baseline | floor req/s | service / floor | Node CPU µs/req (svc / base / floor) | errors (svc / base / floor) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  if (ONLY) {
    process.stdout.write(`${[...header, ...rows].join('\n')}\n`);
    await stopProcess(service.child);
    await stopProcess(baseline.child);
    await db.end();
    await pgServer.stop();
    return;
  }

  // A burst: BURST transitions of region 84 sent at once, each on its own connection (half
  // with an Idempotency-Key), to the service's default pool; then the same to the baseline.
  const burst: Record<'service' | 'baseline', { ms: number; statuses: Record<string, number>; p50: number; p99: number }> = {} as never;
  for (const [target, port] of [
    ['service', SERVICE_PORT],
    ['baseline', BASELINE_PORT],
  ] as const) {
    const dossiers = await addSubmittable(url, BURST);
    const started = performance.now();
    const answers = await Promise.all(
      dossiers.map(async (id, i) => {
        const t0 = performance.now();
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/applications/${id}/submit`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', ...(i % 2 === 0 && { 'idempotency-key': `burst-${id}` }) },
          body: '{}',
          signal: AbortSignal.timeout(120_000),
        }).then(
          async (r) => (await r.arrayBuffer(), String(r.status)),
          (e: Error) => e.name,
        );
        return { status: res, ms: performance.now() - t0 };
      }),
    );
    const ms = performance.now() - started;
    const statuses: Record<string, number> = {};
    for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
    burst[target] = { ms, statuses, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
    log(`burst of ${BURST} — ${target}: ${JSON.stringify(statuses)} in ${ms.toFixed(0)} ms, p99 ${burst[target].p99.toFixed(0)} ms`);
  }

  // Reports at this volume: the four reports of region 84, through the CLI.
  const reportStarted = Date.now();
  const report = spawn(process.execPath, ['dist/cli/report.js', '--region', '84'], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: url, LOG_LEVEL: 'info' } });
  let reportOut = '';
  report.stdout.on('data', (d: Buffer) => (reportOut += d.toString()));
  await new Promise((r) => report.once('exit', r));
  const reportMs = Date.now() - reportStarted;
  const reportLines = reportOut
    .split('\n')
    .filter((l) => l.includes('rows in'))
    .map((l) => (JSON.parse(l) as { msg: string }).msg);

  // A 100,000-row run, downloaded as XLSX from the service while its memory is sampled.
  const run = (
    await db.query<{ id: string }>(
      // A database reused (BENCH_REUSE) already has it from a previous run: its rows are replaced.
      `INSERT INTO report_runs (id, region_code, type, date, status, row_count) VALUES (gen_random_uuid(), '84', 'DEADLINES', '2000-01-01', 'SUCCEEDED', 100000)
       ON CONFLICT (region_code, type, date) DO UPDATE SET status = 'SUCCEEDED', row_count = 100000 RETURNING id`,
    )
  ).rows[0].id;
  await db.query('DELETE FROM report_rows WHERE run_id = $1', [run]);
  await db.query(
    `INSERT INTO report_rows (run_id, position, department_code, data)
                  SELECT $1, n, '43', jsonb_build_object('departmentCode', '43', 'applicationId', gen_random_uuid(), 'projectName', 'MSP ' || n, 'reason', 'DORMANT',
                         'receivedOn', null, 'receiptDueOn', null, 'issuedOn', null, 'daysLate', null, 'lastEventAt', now())
                  FROM generate_series(1, 100000) n`,
    [run],
  );
  const rssOf = (pid: number) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) / 1024;
  const afterLoad = rssOf(service.child.pid!);
  // The download is measured on a freshly started instance, so that what it shows is the
  // download's own memory, not the heap the load above left for the collector.
  await stopProcess(service.child);
  const fresh = await startTimed(['dist/main.js'], env, `http://127.0.0.1:${SERVICE_PORT}/health/ready`);
  const before = rssOf(fresh.child.pid!);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(fresh.child.pid!))), 20);
  const downloadStarted = Date.now();
  const download = await fetch(`http://127.0.0.1:${SERVICE_PORT}/api/v1/reports/runs/${run}/download?format=xlsx`, { headers });
  const size = (await download.arrayBuffer()).byteLength;
  clearInterval(sampler);
  const downloadMs = Date.now() - downloadStarted;
  await stopProcess(fresh.child);

  await stopProcess(baseline.child);
  await db.end();
  await pgServer.stop();

  // The issue's targets, checked against this run's figures.
  const r = (name: string) => results[name];
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const ratio = (name: string, of: 'baseline' | 'floor', at: number) => {
    const m = r(name);
    const value = m.service.rps / m[of]!.rps;
    return `- ${name} ≥ ${at * 100} % of the ${of}: ${(100 * value).toFixed(0)} % — ${verdict(value >= at)}`;
  };
  const live = 'GET /health/live';
  const submit = 'POST /applications/{id}/submit';
  const id100 = r('GET /applications/{id}');
  const page1 = r('GET /applications page 1');
  const page1000 = r('GET /applications page 1,000 (cursor)');
  const lists = ['GET /applications?status&departmentCode (page 1)', 'GET /applications page 1', 'GET /applications page 1,000 (cursor)'];
  const burstLine = (target: 'service' | 'baseline') => {
    const b = burst[target];
    const ok = Object.entries(b.statuses)
      .filter(([s]) => /^2/.test(s))
      .reduce((n, [, c]) => n + c, 0);
    return `${target}: ${Object.entries(b.statuses)
      .map(([s, c]) => `${c} × ${s}`)
      .join(', ')} in ${(b.ms / 1000).toFixed(1)} s, ${(ok / (b.ms / 1000)).toFixed(0)} transitions/s, latency p50 ${b.p50.toFixed(0)} ms, p99 ${b.p99.toFixed(0)} ms`;
  };
  const targets = [
    ratio(live, 'baseline', 0.6),
    ratio(submit, 'baseline', 0.6),
    `- ${BURST} concurrent transitions of one region, pool ${env.DATABASE_POOL_SIZE}: 0 × 503: ${burst.service.statuses['503'] ?? 0} × 503 — ${verdict(!burst.service.statuses['503'])}`,
    ratio('GET /applications/{id}', 'baseline', 0.8),
    ratio('GET /applications page 1', 'baseline', 0.8),
    ...lists.concat('GET /applications/{id}', 'GET /applications/{id} (10 conn.)').map((l) => ratio(l, 'floor', 0.4)),
    '',
    'Earlier targets:',
    '',
    `- GET /applications/{id} at 100 connections ≥ 60 % of the baseline's requests/s: ${((100 * id100.service.rps) / id100.baseline.rps).toFixed(0)} % — ${verdict(id100.service.rps >= 0.6 * id100.baseline.rps)}`,
    `- GET /applications/{id} at 100 connections p95 ≤ 10 ms: ${id100.service.p95.toFixed(1)} ms (baseline ${id100.baseline.p95.toFixed(1)} ms) — ${verdict(id100.service.p95 <= 10)}`,
    ...lists.map((l) => `- ${l} p95 ≤ 40 ms: ${r(l).service.p95.toFixed(1)} ms — ${verdict(r(l).service.p95 <= 40)}`),
    `- page 1,000 no slower than 1.2 × page 1 (p50): ${page1000.service.p50.toFixed(1)} ms vs ${page1.service.p50.toFixed(1)} ms — ${verdict(page1000.service.p50 <= 1.2 * page1.service.p50)}`,
    `- funding compute p95 ≤ 30 ms: ${r('POST funding-plan/compute').service.p95.toFixed(1)} ms — ${verdict(r('POST funding-plan/compute').service.p95 <= 30)}`,
    `- start ≤ 10 s: ${(service.ms / 1000).toFixed(1)} s (database already migrated) — ${verdict(service.ms <= 10_000)}`,
  ];
  const table = [
    `# Benchmark — ${today}`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}. Data: ${DOSSIERS.toLocaleString('en-US')} dossiers, 2 regions, 20 départements` +
      (seeded ? ` (${JSON.stringify(seeded.counts)}), seeded in ${(seeded.ms / 1000).toFixed(1)} s.` : ' (the database of an earlier run, BENCH_REUSE).'),
    `Each line: ${WARMUP} s warm-up then ${DURATION} s of load per target in ${SLICES} slices, the targets taking turns, same connections; latencies in ms (p50 / p95 / p99); ` +
      'CPU: the Node process of the target only (not PostgreSQL, not the load generator).',
    `Service: \`node dist/main.js\`, NODE_ENV=production, pool ${env.DATABASE_POOL_SIZE}, authenticated as an instructor (JWT). Baseline: bare Fastify + pg, same SQL results and JSON, no auth ` +
      '(submit: the same statements in one transaction — read, compare-and-set move, event, audit row). ' +
      'Floor (reads only): bare Fastify + pg sending the text of one prepared `SELECT row_to_json(…)` (a page: `json_agg`) untouched.',
    '',
    ...header,
    ...rows,
    '',
    `## Burst: ${BURST} concurrent POST /applications/{id}/submit (half with Idempotency-Key), region 84, pool ${env.DATABASE_POOL_SIZE}, rate limit off`,
    '',
    `- ${burstLine('service')}`,
    `- ${burstLine('baseline')} (no Idempotency-Key handling)`,
    '',
    '## Targets',
    '',
    ...targets,
    '',
    '## Also measured',
    '',
    `Service start (production mode, migrations already applied): ready in ${service.ms} ms.`,
    `Reports of region 84 at this volume (\`npm run report -- --region 84\`, whole command ${reportMs} ms): ${reportLines.join('; ')}.`,
    `XLSX download of a 100,000-row run: ${(size / 1024 / 1024).toFixed(1)} MB in ${downloadMs} ms; status ${download.status}; on a fresh instance, RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB during (the instance that served the load above: ${afterLoad.toFixed(0)} MB at its end).`,
    '',
  ].join('\n');
  writeFileSync(`bench/results/${today}.md`, table);
  process.stdout.write(`${table}\n`);
  process.stdout.write(`written to bench/results/${today}.md\n`);
}

await main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
