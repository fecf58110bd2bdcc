// What the reliability tests share: a PostgreSQL the test owns (embedded, its own directory
// under .data/ and its own port, so that it can be stopped and started at will), the built
// service run as operators run it (`node dist/main.js`, a child process), and timed HTTP calls.
import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { type EmbeddedDatabase, ensureDatabaseExists, startEmbeddedPostgres } from '../../src/database/embedded.js';
import { checkLater } from '../helpers/openapi-validator.js';

export const ADMIN_EMAIL = 'root@ars.test';
export const ADMIN_PASSWORD = 'bootstrap password of reliability';
export const DATABASE = 'msp';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on the loopback interface in [from, to], starting at a random point. */
export async function freePort(from: number, to: number): Promise<number> {
  const span = to - from + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = from + ((start + i) % span);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

/** An embedded PostgreSQL of the test's own, which it may stop and start again. */
export class OwnedPostgres {
  private server?: EmbeddedDatabase;
  private serverUrl?: string;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(name: string, ports: [number, number]): Promise<OwnedPostgres> {
    const dir = join('.data', `reliability-${name}-${process.pid}`);
    await rm(dir, { recursive: true, force: true });
    const db = new OwnedPostgres(dir, await freePort(...ports));
    try {
      await db.start();
      await ensureDatabaseExists(db.serverUrl!, DATABASE);
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return db;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** The service's database (the same URL across restarts: the password is kept in `dir`). */
  get url(): string {
    const u = new URL(this.serverUrl!);
    u.pathname = `/${DATABASE}`;
    return u.toString();
  }

  async start(): Promise<void> {
    if (this.server) return;
    this.server = await startEmbeddedPostgres({ dir: this.dir, port: this.port });
    this.serverUrl = this.server.serverUrl;
  }

  /** A fast shutdown (SIGINT): the server ends every session and stops. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }

  async query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /**
   * Ends every session of the service's database but this one's (pg_terminate_backend); says
   * how many, and how many of them were the API's, in a statement or a transaction.
   */
  async terminateServiceConnections(): Promise<{ terminated: number; inFlight: number }> {
    const rows = await this.query<{ terminated: boolean; application_name: string; state: string | null }>(
      `SELECT pg_terminate_backend(pid) AS terminated, application_name, state
       FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [DATABASE],
    );
    const terminated = rows.filter((r) => r.terminated);
    return {
      terminated: terminated.length,
      inFlight: terminated.filter((r) => r.application_name === 'msp-funding' && (r.state === 'active' || r.state?.startsWith('idle in transaction'))).length,
    };
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when the process had exited. */
  at: number;
}

/** The built service, `node dist/main.js`, as a child process. */
export class ServiceProcess {
  output = '';
  readonly exited: Promise<Exit>;
  private exit?: Exit;

  private constructor(
    readonly child: ChildProcess,
    readonly base: string,
  ) {
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal, at: performance.now() };
        resolve(this.exit);
      }),
    );
  }

  static start(databaseUrl: string, port: number, env: Record<string, string> = {}): ServiceProcess {
    const child = spawn(process.execPath, ['dist/main.js'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        JWT_SECRET: 'a-production-secret-of-at-least-32-bytes!',
        BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
        BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
        BOOTSTRAP_REGION_CODE: '84',
        RATE_LIMIT_PER_MINUTE: '0',
        LOG_LEVEL: 'warn',
        WORKERS_ENABLED: 'true',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(child, `http://127.0.0.1:${port}`);
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Resolves once /health/ready answers 200; fails with the service's output otherwise. */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`the service exited (${JSON.stringify(this.exit)}):\n${this.tail()}`);
      const ok = await fetch(`${this.base}/health/ready`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await sleep(100);
    }
    throw new Error(`the service did not become ready within ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** Sends the signal and resolves when the process has exited (SIGKILL after `timeoutMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<Exit> {
    if (!this.running) return this.exit!;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  tail(lines = 40): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  ms: number;
}

/**
 * One HTTP call, timed. `timeoutMs` bounds it: a call that gets no answer in time rejects
 * (a hang is a failure, not a wait).
 */
export async function call(base: string, method: string, path: string, options: { token?: string; body?: unknown; timeoutMs?: number } = {}): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
  });
  const text = await res.text();
  checkLater(method, path, { status: res.status, headers: Object.fromEntries(res.headers), text });
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, headers: res.headers, body, ms: performance.now() - started };
}

export async function login(base: string): Promise<string> {
  const res = await call(base, 'POST', '/api/v1/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { accessToken: string }).accessToken;
}

/** A commune of region 84 (Ain, 01) with the given INSEE code. */
export const communeBody = (inseeCode: string, name = `Commune ${inseeCode}`) => ({
  inseeCode,
  name,
  departmentCode: inseeCode.slice(0, 2),
  regionCode: '84',
  population: 1500,
  zone: 'ZAC',
  qpv: false,
  island: false,
  rural: true,
});

/** The 503 of the API's convention: problem+json, status 503, Retry-After. */
export function isUnavailableProblem(a: Answer): boolean {
  return (
    a.status === 503 &&
    (a.headers.get('content-type') ?? '').startsWith('application/problem+json') &&
    (a.body as { status?: number })?.status === 503 &&
    Number(a.headers.get('retry-after')) > 0
  );
}

export const describeAnswer = (a: Answer) => `${a.status} ${a.headers.get('content-type')} retry-after=${a.headers.get('retry-after')} ${JSON.stringify(a.body).slice(0, 300)}`;

/** Polls a report run until it ends (20 s at most) and gives its last status. */
export async function finalRunStatus(api: (method: string, path: string) => Promise<Answer>, runId: string): Promise<string | undefined> {
  let status: string | undefined;
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline) {
    status = ((await api('GET', `/api/v1/reports/runs/${runId}`)).body as { status?: string }).status;
    if (status === 'SUCCEEDED' || status === 'FAILED') break;
    await sleep(200);
  }
  return status;
}

export { sleep };
