// What the benches that run the production service in a child process share: a PostgreSQL, the
// child processes (killed if the bench dies), the service's environment, and its memory
// sampled by a worker thread.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { migrate } from '../src/database/migrations.js';
import { hashPassword } from '../src/accounts/passwords.js';
import { startEmbeddedPostgres } from '../src/database/embedded.js';
import { withDatabase } from '../src/database/server.js';

export const log = (m: string) => process.stderr.write(`${m}\n`);
export const mib = (kib: number) => (kib / 1024).toFixed(1);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** BENCH_DATABASE_URL, else DATABASE_URL, else an embedded PostgreSQL under .data/. */
export async function postgresServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const configured = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (configured) return { url: withDatabase(configured, 'postgres'), stop: () => Promise.resolve() };
  const embedded = await startEmbeddedPostgres({ dir: '.data/bench-postgres', port: 54331 });
  return { url: embedded.serverUrl, stop: () => embedded.stop() };
}

/** The database `name` on `server`, dropped and created again, migrated: its URL, and the server's version. */
export async function freshDatabase(server: { url: string }, name: string): Promise<{ url: string; postgresVersion: string }> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const postgresVersion = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(server.url, name);
  await migrate(url);
  return { url, postgresVersion };
}

/** What logging in needs (an ARS instructor of region 84, `email`, `password`), a commune of a ZIP zone (Brioude) and its commune promoter, by SQL: the promoter's id. */
export async function seedPromoter(c: pg.Client, email: string, password: string): Promise<string> {
  const org = (
    await c.query<{ id: string }>(`INSERT INTO organizations (id, name, type, region_code, funders, updated_at)
                                   VALUES (gen_random_uuid(), 'ARS Auvergne-Rhône-Alpes', 'ARS', '84', '{ARS}', now()) RETURNING id`)
  ).rows[0].id;
  await c.query(`INSERT INTO users (id, email, password_hash, role, organization_id, updated_at) VALUES (gen_random_uuid(), $1, $2, 'INSTRUCTOR', $3, now())`, [
    email,
    await hashPassword(password),
    org,
  ]);
  await c.query(`INSERT INTO communes (insee_code, name, search_name, department_code, region_code, population, zone, qpv, island, rural, updated_at)
                 VALUES ('43040', 'Brioude', 'brioude', '43', '84', 6600, 'ZIP', false, false, true, now())`);
  return (
    await c.query<{ id: string }>(`INSERT INTO promoters (id, region_code, department_code, name, legal_type, commune_insee, updated_at)
                                   VALUES (gen_random_uuid(), '84', '43', 'Commune de Brioude', 'COMMUNE', '43040', now()) RETURNING id`)
  ).rows[0].id;
}

const children: ChildProcess[] = [];
process.once('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

/** Spawns `node args…`, keeps the end of its output (for the error and the warnings it logs), resolves once `ready` does. */
export async function startProcess(
  args: string[],
  env: Record<string, string>,
  ready: (output: () => string) => Promise<boolean>,
  logFile?: string,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  // Its output is read all along: a full pipe would block the child.
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
    if (logFile) appendFileSync(logFile, d);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  child.once('exit', () => (exited = true));
  const output = () => out;
  for (let i = 0; i < 600 && !exited; i++) {
    if (await ready(output)) return { child, output };
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`node ${args.join(' ')} did not become ready:\n${out}`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** The production service's environment for a bench: its port, its database, no rate limit, no workers. */
export const serviceEnv = (url: string, port: number): Record<string, string> => ({
  NODE_ENV: 'production',
  PORT: String(port),
  HOST: '127.0.0.1',
  DATABASE_URL: url,
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '0',
  WORKERS_ENABLED: 'false',
  MIGRATE_ON_START: 'false',
});

/** Whether the service on `port` answers ready. */
export const serviceReady = async (port: number) => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.ok === true;

/** VmRSS of a process, sampled every `everyMs` by a worker thread while recording (KiB, with the time). */
export class RssSampler {
  private readonly worker: Worker;

  constructor(pid: number, everyMs: number) {
    this.worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const { readFileSync } = require('node:fs');
       let samples = [];
       let recording = false;
       const read = () => {
         try { return Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/' + workerData.pid + '/status', 'utf8'))[1]); } catch { return undefined; }
       };
       setInterval(() => {
         if (!recording) return;
         const kib = read();
         if (kib !== undefined) samples.push([performance.now(), kib]);
       }, workerData.every);
       parentPort.on('message', (m) => {
         if (m === 'start') { samples = []; recording = true; }
         else if (m === 'stop') { recording = false; parentPort.postMessage(samples); }
       });`,
      { eval: true, workerData: { pid, every: everyMs } },
    );
    this.worker.unref();
  }

  start(): void {
    this.worker.postMessage('start');
  }

  stop(): Promise<[number, number][]> {
    const answer = new Promise<[number, number][]>((r) => this.worker.once('message', r));
    this.worker.postMessage('stop');
    return answer;
  }

  /** Samples over `work`: their peak, count and largest gap, and the work's result. */
  async during<T>(work: () => Promise<T>): Promise<{ result: T; peak: number; samples: number; gapMs: number }> {
    this.start();
    try {
      const result = await work();
      const samples = await this.stop();
      if (samples.length < 2) throw new Error('too few RSS samples');
      let gapMs = 0;
      for (let i = 1; i < samples.length; i++) gapMs = Math.max(gapMs, samples[i][0] - samples[i - 1][0]);
      return { result, peak: Math.max(...samples.map((s) => s[1])), samples: samples.length, gapMs };
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** The median of the samples taken over `ms`. */
  async median(ms: number): Promise<number> {
    this.start();
    await sleep(ms);
    const values = (await this.stop()).map((s) => s[1]).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)];
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
