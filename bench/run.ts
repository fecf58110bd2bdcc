// `npm run bench`: seeds 100,000 dossiers, starts the service (production mode) and a bare
// Fastify + pg baseline, loads both with autocannon (same connections, duration, warm-up), one
// after the other, and prints the table, also written to bench/results/<date>.md.
// Also measured: the service's start time, the four reports of a region at this volume, and
// the service's peak memory while a 100,000-row XLSX downloads.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { hashPassword } from '../src/accounts/passwords.js';
import { startEmbeddedPostgres } from '../src/database/embedded.js';
import { migrate } from '../src/database/migrations.js';
import { withDatabase } from '../src/database/server.js';
import { DOSSIERS, seedBench } from './seed.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const SERVICE_PORT = 3101;
const BASELINE_PORT = 3102;
const PASSWORD = 'bench password 2026';
const today = new Date().toISOString().slice(0, 10);

const log = (m: string) => process.stderr.write(`${m}\n`);

async function server(): Promise<{ url: string; stop(): Promise<void> }> {
  const configured = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (configured) return { url: withDatabase(configured, 'postgres'), stop: () => Promise.resolve() };
  const embedded = await startEmbeddedPostgres({ dir: '.data/bench-postgres', port: 54331 });
  return { url: embedded.serverUrl, stop: () => embedded.stop() };
}

const children: ChildProcess[] = [];
process.once('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

/** Spawns `node args…` and resolves once `readyUrl` answers 2xx (or rejects if it exits). */
async function startProcess(args: string[], env: Record<string, string>, readyUrl: string): Promise<{ child: ChildProcess; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 600 && !exited; i++) {
    if ((await fetch(readyUrl).catch(() => undefined))?.ok) return { child, ms: Date.now() - started };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`${args.join(' ')} did not become ready:\n${out}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

interface Scenario {
  name: string;
  connections: number;
  method?: 'GET' | 'POST';
  path: () => string;
  body?: () => string;
  auth?: boolean;
}

interface Measure {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  total: number;
}

const lat = (m: Measure) => [m.p50, m.p95, m.p99].map((v) => v.toFixed(1)).join(' / ');

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function load(base: string, s: Scenario, headers: Record<string, string>, duration: number): Promise<Measure> {
  const latencies: number[] = [];
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
          path: s.path(),
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
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / duration,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: errors + result.errors,
    total: latencies.length,
  };
}

async function main(): Promise<void> {
  const pgServer = await server();
  const dbName = 'msp_bench';
  const admin = new pg.Client({ connectionString: pgServer.url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = withDatabase(pgServer.url, dbName);
  await migrate(url);
  log(`seeding ${DOSSIERS.toLocaleString('en-US')} dossiers…`);
  const seeded = await seedBench(url, await hashPassword(PASSWORD));
  log(`seeded in ${seeded.ms} ms: ${JSON.stringify(seeded.counts)}`);

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

  const env = {
    NODE_ENV: 'production',
    PORT: String(SERVICE_PORT),
    HOST: '127.0.0.1',
    DATABASE_URL: url,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    WORKERS_ENABLED: 'false',
    MIGRATE_ON_START: 'false',
    // The service's default pool (10): also what served best here (4, 6 and 10 measured alike).
    DATABASE_POOL_SIZE: process.env.BENCH_POOL ?? '10',
    BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
  };
  log('starting the service…');
  const service = await startProcess(['dist/main.js'], env, `http://127.0.0.1:${SERVICE_PORT}/health/ready`);
  log(`service ready in ${service.ms} ms`);
  const baseline = await startProcess(
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

  const scenarios: Scenario[] = [
    { name: 'GET /health/live', connections: 100, path: () => '/health/live' },
    { name: 'GET /applications/{id}', connections: 100, path: () => `/api/v1/applications/${pick(ids)}`, auth: true },
    { name: 'GET /applications/{id} (10 conn.)', connections: 10, path: () => `/api/v1/applications/${pick(ids)}`, auth: true },
    { name: 'GET /applications?status&departmentCode (page 1)', connections: 10, path: () => '/api/v1/applications?status=SUBMITTED&departmentCode=43', auth: true },
    { name: 'GET /applications page 1,000 (cursor)', connections: 10, path: () => `/api/v1/applications?cursor=${deepCursor}`, auth: true },
    { name: 'GET /applications page 1', connections: 10, path: () => '/api/v1/applications', auth: true },
    {
      name: 'POST funding-plan/compute',
      connections: 10,
      method: 'POST',
      path: () => `/api/v1/applications/${pick(computable)}/funding-plan/compute`,
      body: () => '{}',
      auth: true,
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
  const results: Record<string, { service: Measure; baseline: Measure }> = {};
  for (const s of scenarios) {
    const measure: Record<string, Measure> = {};
    for (const [target, port] of [
      ['service', SERVICE_PORT],
      ['baseline', BASELINE_PORT],
    ] as const) {
      const base = `http://127.0.0.1:${port}`;
      await load(base, s, headers, WARMUP);
      measure[target] = await load(base, s, headers, DURATION);
      log(`${s.name} — ${target}: ${measure[target].rps.toFixed(0)} req/s, p95 ${measure[target].p95.toFixed(1)} ms`);
    }
    results[s.name] = { service: measure.service, baseline: measure.baseline };
    const ratio = measure.service.rps / measure.baseline.rps;
    rows.push(
      `| ${s.name} | ${s.connections} | ${measure.service.rps.toFixed(0)} | ${lat(measure.service)} | ${measure.baseline.rps.toFixed(0)} | ${lat(measure.baseline)} | ${(ratio * 100).toFixed(0)} % | ${measure.service.errors} / ${measure.baseline.errors} |`,
    );
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
      `INSERT INTO report_runs (id, region_code, type, date, status, row_count) VALUES (gen_random_uuid(), '84', 'DEADLINES', '2000-01-01', 'SUCCEEDED', 100000) RETURNING id`,
    )
  ).rows[0].id;
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
  const fresh = await startProcess(['dist/main.js'], env, `http://127.0.0.1:${SERVICE_PORT}/health/ready`);
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

  // The targets, checked against this run's figures.
  const r = (name: string) => results[name];
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const id100 = r('GET /applications/{id}');
  const page1 = r('GET /applications page 1');
  const page1000 = r('GET /applications page 1,000 (cursor)');
  const lists = ['GET /applications?status&departmentCode (page 1)', 'GET /applications page 1', 'GET /applications page 1,000 (cursor)'];
  const targets = [
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
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}. Data: ${DOSSIERS.toLocaleString('en-US')} dossiers, 2 regions, 20 départements (${JSON.stringify(seeded.counts)}), seeded in ${(seeded.ms / 1000).toFixed(1)} s.`,
    `Each line: ${WARMUP} s warm-up then ${DURATION} s of load per target, one target after the other, same connections; latencies in ms (p50 / p95 / p99).`,
    `Service: \`node dist/main.js\`, NODE_ENV=production, pool ${env.DATABASE_POOL_SIZE}, authenticated as an instructor (JWT). Baseline: bare Fastify + pg, same SQL results and JSON, no auth.`,
    '',
    '| request | conn. | service req/s | service p50/p95/p99 | baseline req/s | baseline p50/p95/p99 | service / baseline | errors (svc / base) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
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
