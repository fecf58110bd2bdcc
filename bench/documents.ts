// `npm run bench:documents`: the memory of the service while a 100 MiB pièce goes up and comes
// back down, for each storage (PostgreSQL, then S3 against an s3rver of its own), against the
// issue's bound: the service's RSS stays within 50 MB of its idle figure. The service is the
// production build in a child process; its RSS (VmRSS of /proc/<pid>/status) is sampled every
// 10 ms by a worker thread, so that the bench's own work (generating, hashing) does not delay
// the samples. The bench streams the file from a generator through a hand-built multipart body
// and hashes what it sends and what it reads back: it never holds the file either (its own peak
// RSS is reported too). Prints the table and writes it to bench/results/<date>-documents.md.
// BENCH_DATABASE_URL (else DATABASE_URL, else an embedded PostgreSQL under .data/); the database
// msp_bench_documents is dropped and recreated. BENCH_FILE_MIB (100), BENCH_ROUNDS (2: each
// round a new file, against the same idle figure), BENCH_STORAGES (postgres,s3). To look into
// the service's memory: BENCH_SERVICE_NODE_ARGS, flags for its node (e.g. --trace-gc),
// BENCH_SERVICE_ENV, JSON of more variables for it (e.g. '{"MALLOC_ARENA_MAX":"2"}'), and
// BENCH_SERVICE_LOG, a file its output is appended to; BENCH_SERVICE_MAIN, another build of it
// (a patched copy of dist/ under .data/, say) instead of dist/main.js.
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, totalmem } from 'node:os';
import pg from 'pg';
import type { S3Config } from '../src/config/config.js';
import { freshDatabase, log, mib, postgresServer, RssSampler, seedPromoter, serviceEnv, serviceReady, sleep, startProcess, stopProcess } from './harness.js';

const MIB = 1_048_576;
const FILE_BYTES = Number(process.env.BENCH_FILE_MIB ?? 100) * MIB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const STORAGES = (process.env.BENCH_STORAGES ?? 'postgres,s3').split(',') as ('postgres' | 's3')[];
const SERVICE_ENV = JSON.parse(process.env.BENCH_SERVICE_ENV ?? '{}') as Record<string, string>;
const SERVICE_LOG = process.env.BENCH_SERVICE_LOG;
const SERVICE_NODE_ARGS = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
const SERVICE_MAIN = process.env.BENCH_SERVICE_MAIN ?? 'dist/main.js';
/** The issue's bound, 50 MB (10^6 bytes), in the KiB that /proc reports. */
const BOUND_KIB = 50_000_000 / 1024;
const SAMPLE_MS = 10;
const SERVICE_PORT = 3111;
const DB_NAME = 'msp_bench_documents';
const PASSWORD = 'bench password 2026';
const EMAIL = 'bench-documents@ars.test';
const today = new Date().toISOString().slice(0, 10);
/** The bench's own peak RSS (KiB) while it sends and reads the files. */
let benchPeak = 0;

const signed = (kib: number) => `${kib < 0 ? '−' : '+'}${mib(Math.abs(kib))}`;

// ---------------------------------------------------------------- processes

/** This very file in s3rver mode (below), in a child: its memory is not the service's, nor the bench's. */
async function startS3rver(): Promise<{ child: ChildProcess; config: S3Config }> {
  let config: S3Config | undefined;
  const { child } = await startProcess(['--import', 'tsx', 'bench/documents.ts', '--s3rver'], { NODE_ENV: 'production' }, (output) => {
    const line = output()
      .split('\n')
      .find((l) => l.startsWith('S3RVER '));
    if (line) config = JSON.parse(line.slice('S3RVER '.length)) as S3Config;
    return Promise.resolve(config !== undefined);
  });
  return { child, config: config! };
}

async function runS3rver(): Promise<void> {
  const { startS3 } = await import('../test/helpers/s3.js');
  const s3 = await startS3();
  process.stdout.write(`S3RVER ${JSON.stringify(s3.config)}\n`);
  process.once('SIGTERM', () => {
    // Its directory under .data/ goes with it.
    void s3.close().finally(() => process.exit(0));
  });
}

// ---------------------------------------------------------------- memory

// ---------------------------------------------------------------- HTTP

/** A PDF by its first bytes (the service sniffs them), then pseudo-random bytes: `size` in all, 64 KiB at a time. */
function* pdfContent(size: number): Generator<Buffer> {
  const header = Buffer.from('%PDF-1.4\n');
  let sent = 0;
  while (sent < size) {
    const n = Math.min(64 * 1024, size - sent);
    const chunk = sent === 0 ? Buffer.concat([header, randomBytes(n - header.length)]) : randomBytes(n);
    sent += n;
    yield chunk;
  }
}

interface Uploaded {
  status: number;
  body: { id?: string; sha256?: string; sizeBytes?: number } & Record<string, unknown>;
  sentSha256: string;
  ms: number;
}

/** POSTs a pièce of `size` bytes as multipart/form-data, written as the socket drains: the bench holds one chunk at a time. */
async function upload(token: string, applicationId: string, size: number, filename: string): Promise<Uploaded> {
  const boundary = `----msp-bench-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nOTHER\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="label"\r\n\r\nBench ${filename}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const hash = createHash('sha256');
  const started = performance.now();
  const request = http.request({
    host: '127.0.0.1',
    port: SERVICE_PORT,
    method: 'POST',
    path: `/api/v1/applications/${applicationId}/documents`,
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + size + tail.length) },
  });
  let finished = false;
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (res) => {
      finished = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.once('error', reject);
    });
  });
  // Resolves on drain, or when the exchange is over (an early answer, an error): never hangs.
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        request.off('drain', done);
        resolve();
      };
      request.once('drain', done);
      void response.then(done, done);
    });
  request.write(head);
  for (const chunk of pdfContent(size)) {
    if (finished) break;
    hash.update(chunk);
    if (!request.write(chunk)) await drained();
  }
  if (!finished) request.end(tail);
  const { status, text } = await response;
  const ms = performance.now() - started;
  let body: Uploaded['body'];
  try {
    body = JSON.parse(text) as Uploaded['body'];
  } catch {
    body = { text };
  }
  return { status, body, sentSha256: hash.digest('hex'), ms };
}

/** GETs a pièce's bytes, hashing them as they come: nothing kept. */
async function download(token: string, applicationId: string, documentId: string): Promise<{ status: number; bytes: number; sha256: string; ms: number }> {
  const started = performance.now();
  const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http
      .get(
        { host: '127.0.0.1', port: SERVICE_PORT, path: `/api/v1/applications/${applicationId}/documents/${documentId}/content`, headers: { authorization: `Bearer ${token}` } },
        resolve,
      )
      .once('error', reject),
  );
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    hash.update(chunk);
  }
  return { status: res.statusCode ?? 0, bytes, sha256: hash.digest('hex'), ms: performance.now() - started };
}

/** Up and down, checked: the SHA-256 sent, the API's and the one read back must be one. */
async function roundTrip(token: string, applicationId: string, size: number, filename: string) {
  const up = await upload(token, applicationId, size, filename);
  if (up.status !== 201) throw new Error(`upload of ${filename}: ${up.status} ${JSON.stringify(up.body)}`);
  if (up.body.sha256 !== up.sentSha256 || up.body.sizeBytes !== size) {
    throw new Error(`upload of ${filename}: the API recorded ${up.body.sizeBytes} bytes, SHA-256 ${up.body.sha256}; sent ${size} bytes, SHA-256 ${up.sentSha256}`);
  }
  const down = await download(token, applicationId, up.body.id!);
  if (down.status !== 200 || down.bytes !== size || down.sha256 !== up.sentSha256) {
    throw new Error(`download of ${filename}: ${down.status}, ${down.bytes} bytes, SHA-256 ${down.sha256}; sent ${size} bytes, SHA-256 ${up.sentSha256}`);
  }
  return { up, down };
}

// ---------------------------------------------------------------- the bench

interface Round {
  storage: string;
  round: number;
  idle: number;
  upload: { peak: number; samples: number; gapMs: number; ms: number };
  afterUpload: number;
  download: { peak: number; samples: number; gapMs: number; ms: number };
  afterDownload: number;
}

/** What logging in needs (an ARS instructor of region 84) and a dossier of the region. */
async function seed(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const promoter = await seedPromoter(c, EMAIL, PASSWORD);
    const project = (
      await c.query<{ id: string }>(
        `INSERT INTO projects (id, region_code, department_code, name, kind, promoter_id, commune_insee, existing, doctors_planned,
                               professionals_planned, population_served, balanced_budget, convention, updated_at)
         VALUES (gen_random_uuid(), '84', '43', 'MSP de Brioude', 'MSP', $1, '43040', false, 3, 6, 4000, true, 'NONE', now()) RETURNING id`,
        [promoter],
      )
    ).rows[0].id;
    return (
      await c.query<{ id: string }>(
        `INSERT INTO applications (id, project_id, region_code, department_code, kind, zone, status, eligible, eligibility_reasons, last_event_at, updated_at)
         VALUES (gen_random_uuid(), $1, '84', '43', 'MSP', 'ZIP', 'SITE_MEETING_HELD', true, ARRAY['bench'], now(), now()) RETURNING id`,
        [project],
      )
    ).rows[0].id;
  } finally {
    await c.end();
  }
}

async function benchStorage(storage: 'postgres' | 's3', url: string, applicationId: string, db: pg.Client, bench: RssSampler): Promise<Round[]> {
  const s3 = storage === 's3' ? await startS3rver() : undefined;
  if (s3) log(`s3rver at ${s3.config.endpoint}, bucket ${s3.config.bucket}`);
  const env: Record<string, string> = {
    ...serviceEnv(url, SERVICE_PORT),
    DOCUMENTS_MAX_BYTES: String(150 * MIB),
    DOCUMENTS_STORAGE: storage,
    ...(s3 && {
      S3_ENDPOINT: s3.config.endpoint!,
      S3_BUCKET: s3.config.bucket,
      S3_REGION: s3.config.region,
      S3_ACCESS_KEY_ID: s3.config.accessKeyId!,
      S3_SECRET_ACCESS_KEY: s3.config.secretAccessKey!,
      S3_FORCE_PATH_STYLE: 'true',
    }),
    ...SERVICE_ENV,
  };
  log(`${storage}: starting the service…`);
  const { child: service } = await startProcess([...SERVICE_NODE_ARGS, SERVICE_MAIN], env, () => serviceReady(SERVICE_PORT), SERVICE_LOG);
  const sampler = new RssSampler(service.pid!, SAMPLE_MS);
  try {
    const login = await fetch(`http://127.0.0.1:${SERVICE_PORT}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
    const token = ((await login.json()) as { accessToken: string }).accessToken;

    // Warm-up: the upload and download paths once small, once over several chunks / S3 parts
    // (their modules loaded, their code compiled), so that the idle figure is the service's
    // ready state, not its state before its first pièce.
    for (const [i, size] of [256 * 1024, 12 * MIB].entries()) await roundTrip(token, applicationId, size, `${storage}-warmup-${i}.pdf`);
    await sleep(2000);
    const idle = await sampler.median(1500);
    log(`${storage}: idle RSS ${mib(idle)} MiB`);

    const rounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const filename = `${storage}-${round}-${FILE_BYTES / MIB}MiB.pdf`;
      bench.start();
      const up = await sampler.during(() => upload(token, applicationId, FILE_BYTES, filename));
      const { status, body, sentSha256, ms: upMs } = up.result;
      if (status !== 201) throw new Error(`${filename}: upload answered ${status} ${JSON.stringify(body)}`);
      if (body.sha256 !== sentSha256 || body.sizeBytes !== FILE_BYTES) {
        throw new Error(`${filename}: the API recorded ${body.sizeBytes} bytes, SHA-256 ${body.sha256}; the bench sent ${FILE_BYTES} bytes, SHA-256 ${sentSha256}`);
      }
      const stored = (
        await db.query<{ storage: string; chunks: number }>(
          'SELECT d.storage::text AS storage, (SELECT count(*)::int FROM document_chunks c WHERE c.key = d.storage_key) AS chunks FROM application_documents d WHERE d.id = $1',
          [body.id],
        )
      ).rows[0];
      // Where the bytes went: chunk rows for PostgreSQL (their size is the store's), none for S3.
      const inStore = storage === 's3' ? stored?.storage === 'S3' && stored.chunks === 0 : stored?.storage === 'POSTGRES' && stored.chunks > 0;
      if (!inStore) throw new Error(`${filename}: stored as ${JSON.stringify(stored)}, not in ${storage}`);
      const afterUpload = await sampler.median(200);
      log(`${storage} #${round}: upload ${(upMs / 1000).toFixed(1)} s, peak ${mib(up.peak)} MiB (${signed(up.peak - idle)}), ${up.samples} samples`);

      const down = await sampler.during(() => download(token, applicationId, body.id!));
      const got = down.result;
      if (got.status !== 200 || got.bytes !== FILE_BYTES || got.sha256 !== sentSha256) {
        throw new Error(`${filename}: download answered ${got.status}, ${got.bytes} bytes, SHA-256 ${got.sha256}; the bench sent ${FILE_BYTES} bytes, SHA-256 ${sentSha256}`);
      }
      const benchSamples = await bench.stop();
      benchPeak = Math.max(benchPeak, ...benchSamples.map((s) => s[1]));
      await sleep(1000);
      const afterDownload = await sampler.median(500);
      log(
        `${storage} #${round}: download ${(got.ms / 1000).toFixed(1)} s, peak ${mib(down.peak)} MiB (${signed(down.peak - idle)}), ${down.samples} samples; SHA-256 ${sentSha256} three times`,
      );
      rounds.push({
        storage,
        round,
        idle,
        upload: { peak: up.peak, samples: up.samples, gapMs: up.gapMs, ms: upMs },
        afterUpload,
        download: { peak: down.peak, samples: down.samples, gapMs: down.gapMs, ms: got.ms },
        afterDownload,
      });
    }
    return rounds;
  } finally {
    await sampler.close();
    await stopProcess(service);
    if (s3) await stopProcess(s3.child);
  }
}

async function main(): Promise<void> {
  const server = await postgresServer();
  const { url, postgresVersion } = await freshDatabase(server, DB_NAME);
  const applicationId = await seed(url);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const bench = new RssSampler(process.pid, SAMPLE_MS);

  const benchIdle = await bench.median(500);
  const rounds: Round[] = [];
  try {
    for (const storage of STORAGES) rounds.push(...(await benchStorage(storage, url, applicationId, db, bench)));
  } finally {
    await bench.close();
    await db.end();
    await server.stop();
  }

  const within = (r: Round) => r.upload.peak - r.idle <= BOUND_KIB && r.download.peak - r.idle <= BOUND_KIB;
  const rate = (ms: number) => (FILE_BYTES / MIB / (ms / 1000)).toFixed(1);
  const rows = rounds.map(
    (r) =>
      `| ${r.storage} | ${r.round} | ${mib(r.idle)} | ${mib(r.upload.peak)} | ${signed(r.upload.peak - r.idle)} | ${mib(r.download.peak)} | ${signed(r.download.peak - r.idle)} | ` +
      `${rate(r.upload.ms)} | ${rate(r.download.ms)} | ${mib(r.afterUpload)} / ${mib(r.afterDownload)} | ${r.upload.samples} / ${r.download.samples} (≤ ${Math.ceil(Math.max(r.upload.gapMs, r.download.gapMs))} ms) | ${within(r) ? 'PASS' : '**FAIL**'} |`,
  );
  const passed = rounds.every(within);
  const table = [
    `# Documents: memory of a ${FILE_BYTES / MIB} MiB pièce — ${today}`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB, Node ${process.version}, PostgreSQL ${postgresVersion}.`,
    `Service: \`node ${SERVICE_MAIN}\`, NODE_ENV=production, DOCUMENTS_MAX_BYTES=${150 * MIB} (150 MiB), workers off, LOG_LEVEL=warn${Object.keys(SERVICE_ENV).length ? `, ${JSON.stringify(SERVICE_ENV)}` : ''}${SERVICE_NODE_ARGS.length ? `, node ${SERVICE_NODE_ARGS.join(' ')}` : ''}; PostgreSQL storage in 1 MiB chunks, ` +
      'S3 storage against s3rver 3.7.1 (its own process, on local disk) through lib-storage, 5 MiB parts one at a time.',
    `Each storage: a fresh service; warm-up (a 256 KiB and a 12 MiB pièce up and down), 2 s settle, then the idle figure (median of 1.5 s of samples); then ${ROUNDS} round(s), each ` +
      `a new ${FILE_BYTES / MIB} MiB file (\`%PDF-1.4\` then random bytes) uploaded (multipart, streamed by the bench from a generator) and downloaded, every peak against that one idle figure. ` +
      `RSS: VmRSS of the service's process (/proc), sampled every ${SAMPLE_MS} ms by a worker thread of the bench; MiB. Each file's SHA-256 is the same as sent, as the API recorded, and as read back.`,
    `Bound: peak ≤ idle + 50 MB (${(BOUND_KIB / 1024).toFixed(1)} MiB), upload and download.`,
    '',
    '| storage | round | idle RSS | upload peak | Δ upload | download peak | Δ download | upload MiB/s | download MiB/s | RSS after upload / after download | samples up / down (largest gap) | ≤ idle + 50 MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Result: ${passed ? 'PASS' : '**FAIL**'} — the bench process itself (tsx, pg, argon2 loaded) went from ${mib(benchIdle)} MiB RSS before to a peak of ${mib(benchPeak)} MiB while sending and reading the files.`,
    '',
  ].join('\n');
  writeFileSync(`bench/results/${today}-documents.md`, table);
  process.stdout.write(`${table}\n`);
  process.stdout.write(`written to bench/results/${today}-documents.md\n`);
}

if (process.argv.includes('--s3rver')) {
  await runS3rver();
} else {
  await main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
