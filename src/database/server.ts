import type { AppConfig } from '../config/config.js';
import { ensureDatabaseExists, startEmbeddedPostgres } from './embedded.js';

export interface DatabaseServer {
  /** The service's database. */
  url: string;
  /** Another database on the same server (tests, scratch databases). */
  urlFor(database: string): string;
  embedded: boolean;
  stop(): Promise<void>;
}

export const EMBEDDED_DATABASE_NAME = 'msp_funding';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** `DATABASE_URL` when set; otherwise starts (or reuses) the embedded PostgreSQL. */
export async function openDatabase(config: AppConfig, log: (m: string) => void): Promise<DatabaseServer> {
  if (config.databaseUrl) {
    const url = config.databaseUrl;
    return { url, urlFor: (db) => withDatabase(url, db), embedded: false, stop: () => Promise.resolve() };
  }
  const server = await startEmbeddedPostgres({ dir: config.embedded.dir, port: config.embedded.port, log });
  await ensureDatabaseExists(server.serverUrl, EMBEDDED_DATABASE_NAME);
  log(`embedded PostgreSQL on 127.0.0.1:${config.embedded.port}, data in ${config.embedded.dir}`);
  return { url: server.urlFor(EMBEDDED_DATABASE_NAME), urlFor: (db) => server.urlFor(db), embedded: true, stop: () => server.stop() };
}
