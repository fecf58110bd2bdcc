import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { type Prisma, PrismaClient } from '../generated/prisma/client.js';

export const DATABASE_URL = Symbol('DATABASE_URL');

export function createPool(url: string, config: AppConfig, applicationName = 'msp-funding'): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: config.database.poolSize,
    // A database that does not answer fails the request within these bounds (503) instead
    // of holding it.
    connectionTimeoutMillis: config.database.connectTimeoutMs,
    idleTimeoutMillis: config.database.idleTimeoutMs,
    statement_timeout: config.database.statementTimeoutMs,
    query_timeout: config.database.statementTimeoutMs + 2000,
    application_name: applicationName,
  });
  // An idle connection killed by the server (restart, pg_terminate_backend) must not crash
  // the process: the pool drops it and opens another on the next request.
  pool.on('error', (error) => new Logger('Database').warn(`idle connection lost: ${error.message}`));
  // pg-pool takes its idle listener off a client before a promise-based `connect()` (Prisma's
  // transactions) resumes and adds its own: a session ended by the server in that instant (its
  // FATAL read in the same chunk as the last result) is emitted as 'error' with no listener,
  // which crashes the process. Every client keeps a listener of its own; whoever holds it gets
  // the error from its next query (503).
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** The one Prisma client of the process, over an explicitly sized `pg` pool. */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  readonly pool: pg.Pool;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(DATABASE_URL) url: string) {
    const pool = createPool(url, config);
    super({ adapter: new PrismaPg(pool), log: config.database.queryEvents ? [{ emit: 'event', level: 'query' }] : [] });
    this.pool = pool;
  }

  /** Every SQL statement sent, when DATABASE_QUERY_EVENTS is on (else never called). */
  onQuery(listener: (event: Prisma.QueryEvent) => void): void {
    (this as unknown as PrismaClient<'query'>).$on('query', listener);
  }

  /**
   * Closed last: Nest closes the HTTP server (which waits for the requests in flight) after the
   * onModuleDestroy hooks and before the onApplicationShutdown ones, and this global module's
   * hooks run after those of the modules that use it (the job workers stop first).
   */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    await this.pool.end();
  }
}
