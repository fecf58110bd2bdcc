// `npm run bench:pack`: the séance pack (GET /carpec-sessions/:id/pack, a ZIP streamed with
// archiver) of a séance of BENCH_DOSSIERS (30) dossiers, each with 5 pièces uploaded through the
// API (4 PDFs of 300 KB–1.5 MB and a PNG of 150–400 KB, pseudo-random bytes after their
// headers): the time to its first and last byte, its size and entries, and the service's memory
// while it goes out. The service is the production build in a child process; its RSS (VmRSS of
// /proc/<pid>/status) is sampled every 10 ms by a worker thread, so that the bench's own work
// does not delay the samples. Each pack is written to a file, then read back: every entry's
// CRC-32 (and `unzip -t` when there is one), the entries' count and names, and every pièce's
// SHA-256 against the one uploaded. Prints the table and writes bench/results/<date>-pack.md.
// BENCH_DATABASE_URL (else DATABASE_URL, else an embedded PostgreSQL under .data/); the database
// msp_bench_pack is dropped and recreated. BENCH_DOSSIERS (30), BENCH_ROUNDS (3: at full speed),
// then one round read by a slow client at BENCH_SLOW_MIBPS (10; 0: none). To look into the
// service's memory: BENCH_SERVICE_NODE_ARGS, flags for its node (e.g. --max-semi-space-size=1),
// and BENCH_SERVICE_ENV, JSON of more variables for it (e.g. '{"MALLOC_ARENA_MAX":"2"}').
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { crc32 } from 'node:zlib';
import pg from 'pg';
import { freshDatabase, log, mib, postgresServer, RssSampler, seedPromoter, serviceEnv, serviceReady, sleep, startProcess, stopProcess } from './harness.js';

const DOSSIERS = Number(process.env.BENCH_DOSSIERS ?? 30);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SLOW_MIBPS = Number(process.env.BENCH_SLOW_MIBPS ?? 10);
const SERVICE_ENV = JSON.parse(process.env.BENCH_SERVICE_ENV ?? '{}') as Record<string, string>;
const SERVICE_NODE_ARGS = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
const WARMUP_DOSSIERS = 2;
const SAMPLE_MS = 10;
const SERVICE_PORT = 3112;
const DB_NAME = 'msp_bench_pack';
const PASSWORD = 'bench password 2026';
const EMAIL = 'bench-pack@ars.test';
const BASE = `http://127.0.0.1:${SERVICE_PORT}/api/v1`;
const KB = 1000;
const today = new Date().toISOString().slice(0, 10);
/** Dates of the procedure, in its order and in the past (a business date may not lie ahead). */
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const SITE_MEETING_ON = daysAgo(40);
const REQUEST_ON = daysAgo(30);
const SEANCE_ON = daysAgo(20);

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

// ---------------------------------------------------------------- processes

// ---------------------------------------------------------------- memory

// ---------------------------------------------------------------- content

/** A PDF by its first bytes (the service sniffs them), then pseudo-random bytes. */
function pdfBytes(size: number): Buffer {
  const header = Buffer.from('%PDF-1.4\n');
  return Buffer.concat([header, randomBytes(size - header.length)]);
}

/** A PNG's structure (signature, IHDR, one IDAT of pseudo-random bytes, IEND, their CRCs right): it sniffs as image/png. */
function pngBytes(size: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1200, 0);
  ihdr.writeUInt32BE(800, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const fixed = signature.length + (12 + 13) + 12 + 12;
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', randomBytes(size - fixed)), chunk('IEND', Buffer.alloc(0))]);
}

interface PieceSpec {
  kind: string;
  filename: string;
  type: 'application/pdf' | 'image/png';
  size: number;
}

/** Dossier `d`'s 5 pièces: the request (the submit's checklist needs it), 3 more PDFs and a plan as a PNG; sizes spread evenly over their ranges. */
function piecesOf(d: number, position: string): PieceSpec[] {
  const pdfSize = (j: number) => 300 * KB + Math.round(((((d * 4 + j) * 37) % 121) / 120) * 1200 * KB);
  const kinds = ['REQUEST', 'PROJET_DE_SANTE', 'ENGAGEMENT_CONFORMITE', 'REGLEMENT_FONCTIONNEMENT'];
  return [
    ...kinds.map((kind, j) => ({ kind, filename: `d${position}-${kind.toLowerCase().replace(/_/g, '-')}.pdf`, type: 'application/pdf' as const, size: pdfSize(j) })),
    { kind: 'FINANCING_PLAN', filename: `d${position}-plan-de-financement.png`, type: 'image/png', size: 150 * KB + ((d * 53) % 251) * KB },
  ];
}

// ---------------------------------------------------------------- HTTP

async function api<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function login(): Promise<string> {
  const res = await fetch(`${BASE}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) });
  if (!res.ok) throw new Error(`login: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

interface Uploaded extends PieceSpec {
  id: string;
  sha256: string;
}

/** Uploads a pièce (multipart: kind, then the file) and checks what the API recorded against what was sent. */
async function upload(token: string, applicationId: string, spec: PieceSpec): Promise<Uploaded> {
  const bytes = spec.type === 'image/png' ? pngBytes(spec.size) : pdfBytes(spec.size);
  const sent = sha256(bytes);
  const form = new FormData();
  form.append('kind', spec.kind);
  form.append('file', new Blob([bytes], { type: spec.type }), spec.filename);
  const res = await fetch(`${BASE}/applications/${applicationId}/documents`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = (await res.json()) as { id: string; sha256: string; sizeBytes: number; mediaType?: string };
  if (res.status !== 201) throw new Error(`upload of ${spec.filename}: ${res.status} ${JSON.stringify(body)}`);
  if (body.sha256 !== sent || body.sizeBytes !== spec.size) {
    throw new Error(`upload of ${spec.filename}: the API recorded ${body.sizeBytes} bytes, SHA-256 ${body.sha256}; sent ${spec.size} bytes, SHA-256 ${sent}`);
  }
  return { ...spec, id: body.id, sha256: sent };
}

interface Dossier {
  id: string;
  position: number;
  pieces: Uploaded[];
}

/** A séance with `count` dossiers on its agenda for an opinion, each taken there through the API with its pièces. */
async function buildSeance(token: string, title: string, projects: string[], piecesFor: (d: number, position: string) => PieceSpec[]) {
  const session = await api<{ id: string }>(token, 'POST', '/carpec-sessions', { sessionDate: SEANCE_ON, title });
  const dossiers: Dossier[] = [];
  for (const [d, projectId] of projects.entries()) {
    const position = String(d + 1).padStart(2, '0');
    const { id } = await api<{ id: string }>(token, 'POST', '/applications', { projectId });
    await api(token, 'POST', `/applications/${id}/site-meeting`, {
      heldOn: SITE_MEETING_ON,
      participants: 'Maire, 3 médecins généralistes, 2 IDE, ARS (DD43)',
      findings: 'Local communal à réhabiliter ; bench',
    });
    const pieces: Uploaded[] = [];
    for (const spec of piecesFor(d, position)) pieces.push(await upload(token, id, spec));
    await api(token, 'POST', `/applications/${id}/submit`, { receivedOn: REQUEST_ON });
    await api(token, 'POST', `/carpec-sessions/${session.id}/agenda`, { applicationId: id, purpose: 'OPINION' });
    dossiers.push({ id, position: d + 1, pieces });
  }
  return { sessionId: session.id, dossiers };
}

interface Downloaded {
  status: number;
  contentType: string;
  disposition: string;
  bytes: number;
  headersMs: number;
  firstByteMs: number;
  lastByteMs: number;
}

/**
 * GETs the pack into `file` as it comes (the bench holds a chunk at a time), timing its headers,
 * first and last body byte. With `bytesPerSecond`, read no faster: the service must then hold
 * back, not buffer what the client has not taken.
 */
async function downloadPack(token: string, sessionId: string, file: string, bytesPerSecond?: number): Promise<Downloaded> {
  const started = performance.now();
  const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http
      .get({ host: '127.0.0.1', port: SERVICE_PORT, path: `/api/v1/carpec-sessions/${sessionId}/pack`, headers: { authorization: `Bearer ${token}` } }, resolve)
      .once('error', reject),
  );
  const headersMs = performance.now() - started;
  const out = createWriteStream(file);
  let bytes = 0;
  let firstByteMs = NaN;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (bytes === 0) firstByteMs = performance.now() - started;
    bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
    // Not pulling the next chunk leaves it in the socket: TCP's window closes on the service.
    if (bytesPerSecond) await sleep((bytes / bytesPerSecond) * 1000 - (performance.now() - started));
  }
  const lastByteMs = performance.now() - started;
  out.end();
  await once(out, 'finish');
  return {
    status: res.statusCode ?? 0,
    contentType: String(res.headers['content-type']),
    disposition: String(res.headers['content-disposition']),
    bytes,
    headersMs,
    firstByteMs,
    lastByteMs,
  };
}

// ---------------------------------------------------------------- the ZIP

interface ZipEntry {
  name: string;
  method: number;
  size: number;
  sha256: string;
  head: string;
}

/** The entries of a ZIP from its central directory, each one's stored bytes checked against its CRC-32 and size. */
function readZip(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory: the ZIP is cut');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || at === 0xffffffff) throw new Error('a ZIP64 archive: not read by this bench');
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`central directory entry ${n}: bad signature`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`${name}: bad local header`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    if (method !== 0 || compressed !== size) throw new Error(`${name}: method ${method}, ${compressed} bytes for ${size}: not stored`);
    if (crc32(data) !== crc) throw new Error(`${name}: CRC-32 ${crc32(data).toString(16)}, the directory says ${crc.toString(16)}`);
    entries.push({ name, method, size, sha256: sha256(data), head: data.subarray(0, 8).toString('latin1') });
  }
  return entries;
}

/** Checks a downloaded pack: entries' count and names, PDFs where there should be, every pièce byte for byte; answers the entries' count. */
function verifyPack(file: string, got: Downloaded, dossiers: Dossier[]): { entries: number; unzip: string } {
  if (got.status !== 200) throw new Error(`pack: ${got.status} ${readFileSync(file, 'utf8').slice(0, 2000)}`);
  if (got.contentType !== 'application/zip' || !/^attachment; filename="carpec-.*\.zip"$/.test(got.disposition)) {
    throw new Error(`pack: Content-Type ${got.contentType}, Content-Disposition ${got.disposition}`);
  }
  const entries = readZip(readFileSync(file));
  const expected = 1 + dossiers.reduce((n, d) => n + 1 + d.pieces.length, 0);
  if (entries.length !== expected) throw new Error(`pack: ${entries.length} entries, expected ${expected}: ${entries.map((e) => e.name).join(', ')}`);
  const agenda = entries.filter((e) => e.name === '00-ordre-du-jour.pdf');
  if (agenda.length !== 1 || !agenda[0].head.startsWith('%PDF-')) throw new Error('pack: no agenda PDF (00-ordre-du-jour.pdf)');
  for (const d of dossiers) {
    const prefix = `${String(d.position).padStart(2, '0')}-`;
    const inFolder = entries.filter((e) => e.name.startsWith(prefix) && e.name.includes('/'));
    if (inFolder.length !== 1 + d.pieces.length) throw new Error(`pack: dossier ${d.position} has ${inFolder.length} entries: ${inFolder.map((e) => e.name).join(', ')}`);
    const summary = inFolder.find((e) => e.name.endsWith('/00-fiche-de-synthese.pdf'));
    if (!summary?.head.startsWith('%PDF-')) throw new Error(`pack: dossier ${d.position} has no summary PDF`);
    for (const p of d.pieces) {
      const entry = inFolder.find((e) => e.name.endsWith(`-${p.kind.toLowerCase()}-${p.filename}`));
      if (!entry) throw new Error(`pack: dossier ${d.position} lacks ${p.filename}: ${inFolder.map((e) => e.name).join(', ')}`);
      if (entry.size !== p.size || entry.sha256 !== p.sha256) {
        throw new Error(`pack: ${entry.name} is ${entry.size} bytes, SHA-256 ${entry.sha256}; uploaded ${p.size} bytes, SHA-256 ${p.sha256}`);
      }
    }
  }
  // A second reader, where the machine has one: Info-ZIP's own test of every entry.
  let unzip = 'unzip not installed';
  try {
    const answer = execFileSync('unzip', ['-tq', file], { encoding: 'utf8' }).trim();
    if (!answer.startsWith('No errors detected')) throw new Error(`unzip -t: ${answer}`);
    unzip = 'unzip -t: no errors';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { entries: entries.length, unzip };
}

// ---------------------------------------------------------------- the bench

/** An ARS instructor of region 84, a commune in a ZIP zone, its promoter and `count` projects (one per dossier, each its own name: the pack's folders). */
async function seed(url: string, count: number): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const promoter = await seedPromoter(c, EMAIL, PASSWORD);
    const { rows } = await c.query<{ id: string }>(
      `INSERT INTO projects (id, region_code, department_code, name, kind, promoter_id, commune_insee, existing, doctors_planned,
                             professionals_planned, population_served, balanced_budget, convention, updated_at)
       SELECT gen_random_uuid(), '84', '43', 'Maison de santé pluriprofessionnelle de Brioude n° ' || lpad(n::text, 2, '0'), 'MSP', $1, '43040', false, 3, 6, 4000, true, 'NONE', now()
       FROM generate_series(1, $2::int) n ORDER BY n RETURNING id`,
      [promoter, count],
    );
    return rows.map((r) => r.id);
  } finally {
    await c.end();
  }
}

interface Round {
  round: number;
  /** The client's pace: full speed, or at most this many MiB/s. */
  mibps?: number;
  got: Downloaded;
  entries: number;
  unzip: string;
  peak: number;
  samples: number;
  gapMs: number;
  after: number;
}

async function main(): Promise<void> {
  const server = await postgresServer();
  const { url, postgresVersion } = await freshDatabase(server, DB_NAME);
  const projects = await seed(url, DOSSIERS + WARMUP_DOSSIERS);
  const dir = join(tmpdir(), `msp-bench-pack-${process.pid}`);
  mkdirSync(dir, { recursive: true });

  log('starting the service…');
  const service = await startProcess([...SERVICE_NODE_ARGS, 'dist/main.js'], { ...serviceEnv(url, SERVICE_PORT), ...SERVICE_ENV }, () => serviceReady(SERVICE_PORT));
  const sampler = new RssSampler(service.child.pid!, SAMPLE_MS);
  const rounds: Round[] = [];
  try {
    let token = await login();
    const started = await sampler.median(500);

    log(`building a séance of ${DOSSIERS} dossiers, 5 pièces each…`);
    const buildStarted = performance.now();
    const seance = await buildSeance(token, `CARPEC bench du ${SEANCE_ON}`, projects.slice(0, DOSSIERS), piecesOf);
    const buildMs = performance.now() - buildStarted;
    const pieces = seance.dossiers.flatMap((d) => d.pieces);
    const uploadedBytes = pieces.reduce((n, p) => n + p.size, 0);
    log(`built in ${(buildMs / 1000).toFixed(1)} s: ${pieces.length} pièces, ${(uploadedBytes / 1e6).toFixed(1)} MB`);

    // Warm-up: a small séance's pack (archiver, pdfkit and its fonts loaded, the route's code
    // compiled), so that the idle figure is the ready state, not the state before a first pack.
    const warmup = await buildSeance(token, `CARPEC bench (warm-up) du ${SEANCE_ON}`, projects.slice(DOSSIERS), (d, position) => [
      { kind: 'REQUEST', filename: `w${position}-request.pdf`, type: 'application/pdf', size: 200 * KB },
      { kind: 'FINANCING_PLAN', filename: `w${position}-plan.png`, type: 'image/png', size: 100 * KB },
    ]);
    const warmupFile = join(dir, 'warmup.zip');
    const warm = verifyPack(warmupFile, await downloadPack(token, warmup.sessionId, warmupFile), warmup.dossiers);
    log(`warm-up pack: ${warm.entries} entries, ${warm.unzip}`);
    await sleep(2000);
    const idle = await sampler.median(1500);
    log(`idle RSS ${mib(idle)} MiB (after start ${mib(started)} MiB)`);

    const paces: (number | undefined)[] = [...Array<undefined>(ROUNDS).fill(undefined), ...(SLOW_MIBPS > 0 ? [SLOW_MIBPS] : [])];
    for (const [i, mibps] of paces.entries()) {
      const round = i + 1;
      token = await login();
      const file = join(dir, `pack-${round}.zip`);
      const measured = await sampler.during(() => downloadPack(token, seance.sessionId, file, mibps && mibps * 1_048_576));
      const { entries, unzip } = verifyPack(file, measured.result, seance.dossiers);
      await sleep(1000);
      const after = await sampler.median(500);
      const got = measured.result;
      log(
        `#${round}${mibps ? ` (reader at ${mibps} MiB/s)` : ''}: ${(got.bytes / 1e6).toFixed(1)} MB, ${entries} entries, first byte ${got.firstByteMs.toFixed(0)} ms, last ${got.lastByteMs.toFixed(0)} ms; ` +
          `peak RSS ${mib(measured.peak)} MiB (+${mib(measured.peak - idle)}), ${measured.samples} samples; every pièce's SHA-256 as uploaded; ${unzip}`,
      );
      rounds.push({ round, mibps, got, entries, unzip, peak: measured.peak, samples: measured.samples, gapMs: measured.gapMs, after });
      rmSync(file);
    }

    // Its pino lines of level warn and above, by their message only: the rest is the bootstrap's notice (with the admin's password: never copied).
    const warnings = service
      .output()
      .split('\n')
      .flatMap((l) => {
        try {
          const line = JSON.parse(l) as { level?: number; msg?: string; err?: { message?: string } };
          return (line.level ?? 0) >= 40 ? [`${line.level} ${line.msg ?? ''}${line.err?.message ? `: ${line.err.message}` : ''}`] : [];
        } catch {
          return [];
        }
      });
    if (warnings.length) log(`the service logged:\n${warnings.join('\n')}`);
    const rows = rounds.map(
      (r) =>
        `| ${r.round}${r.mibps ? ` (reader at ${r.mibps} MiB/s)` : ''} | ${(r.got.bytes / 1e6).toFixed(1)} | ${r.entries} | ${r.got.headersMs.toFixed(0)} | ${r.got.firstByteMs.toFixed(0)} | ${r.got.lastByteMs.toFixed(0)} | ` +
        `${(r.got.bytes / 1_048_576 / (r.got.lastByteMs / 1000)).toFixed(1)} | ${mib(idle)} | ${mib(r.peak)} | +${mib(r.peak - idle)} | ${mib(r.after)} | ${r.samples} (≤ ${Math.ceil(r.gapMs)} ms) |`,
    );
    const expected = 1 + DOSSIERS * 6;
    const table = [
      `# Séance pack: ${DOSSIERS} dossiers, ${pieces.length} pièces — ${today}`,
      '',
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB, Node ${process.version}, PostgreSQL ${postgresVersion}.`,
      `Service: \`node ${[...SERVICE_NODE_ARGS, 'dist/main.js'].join(' ')}\`, NODE_ENV=production, workers off, LOG_LEVEL=warn, rate limit off${Object.keys(SERVICE_ENV).length ? `, ${JSON.stringify(SERVICE_ENV)}` : ''}; pièces stored in PostgreSQL (1 MiB chunks, the default). ` +
        'Service, PostgreSQL and the bench share the machine.',
      '',
      '## Method',
      '',
      `- A fresh database (${DB_NAME}), migrated; an ARS instructor, a commune (ZIP), its promoter and one project per dossier, by SQL. Everything else through the API: ` +
        `a CARPEC séance dated ${SEANCE_ON}; ${DOSSIERS} dossiers, each: created, site meeting (${SITE_MEETING_ON}), 5 pièces uploaded (multipart), submitted (request received ${REQUEST_ON}), ` +
        `put on the séance's agenda for an opinion. Pièces: 4 PDFs (\`%PDF-1.4\` then random bytes) of 300 KB–1.5 MB (the REQUEST the submit's checklist needs, PROJET_DE_SANTE, ` +
        'ENGAGEMENT_CONFORMITE, REGLEMENT_FONCTIONNEMENT) and a FINANCING_PLAN as a PNG (signature, IHDR, one IDAT of random bytes, IEND) of 150–400 KB; each upload checked (size, SHA-256).',
      `- Built in **${(buildMs / 1000).toFixed(1)} s** (one request at a time): ${pieces.length} pièces, ${(uploadedBytes / 1e6).toFixed(1)} MB uploaded.`,
      `- Warm-up: the pack of a séance of ${WARMUP_DOSSIERS} small dossiers (2 pièces each), checked like the others; 2 s settle; idle = median RSS over 1.5 s. RSS after the service's start (before any dossier): ${mib(started)} MiB.`,
      `- ${ROUNDS} rounds, each: a fresh login, then \`GET /api/v1/carpec-sessions/:id/pack\` written to a file as it comes; headers, first body byte and last byte timed from the request. ` +
        (SLOW_MIBPS > 0
          ? `Then one round whose reader takes at most ${SLOW_MIBPS} MiB/s (it stops pulling from the socket when ahead): a service that held back (backpressure) stays near its full-speed peak; one that buffered what the client had not taken would grow by up to the pack's size. `
          : '') +
        `The service's RSS (VmRSS, /proc) sampled every ${SAMPLE_MS} ms by a worker thread over the download; peak and Δ against the idle figure; "after" = median over 0.5 s, 1 s after.`,
      `- Each pack read back from disk: central directory, every entry stored and its CRC-32 right, ${expected} entries (agenda + ${DOSSIERS} × (summary + 5 pièces)), the agenda and each summary a PDF, ` +
        `and **every** pièce (${pieces.length}) found in its dossier's folder with the size and SHA-256 uploaded; ${rounds[0]?.unzip ?? ''}.`,
      '',
      '## Results',
      '',
      '| round | size MB | entries | headers ms | first byte ms | last byte ms | MiB/s | idle RSS MiB | peak RSS MiB | Δ peak MiB | RSS after MiB | samples (largest gap) |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `Service log lines of level warn or above over the run: ${warnings.length ? `${warnings.length}:` : 'none.'}`,
      ...warnings.slice(0, 5).map((l) => `- \`${l.slice(0, 300).replace(/`/g, "'")}\``),
      '',
    ].join('\n');
    writeFileSync(`bench/results/${today}-pack.md`, table);
    process.stdout.write(`${table}\nwritten to bench/results/${today}-pack.md\n`);
  } finally {
    await sampler.close();
    await stopProcess(service.child);
    rmSync(dir, { recursive: true, force: true });
    await server.stop();
  }
}

await main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
