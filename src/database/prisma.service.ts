import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { PrismaClient } from '../generated/prisma/client.js';

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

/** Distinct statements kept prepared on each connection; past this, statements are sent unnamed. */
const MAX_PREPARED_STATEMENTS = 1000;

/**
 * Names for prepared statements, one per distinct SQL text. pg keeps a named statement parsed
 * on its connection and PostgreSQL keeps its plan: here planning costs more than executing
 * (an application read: 0.65 ms unprepared, 0.16 ms prepared). Bounded, because SQL texts with
 * a variable number of parameters (IN lists) are distinct statements.
 */
export function statementNames(): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined && names.size < MAX_PREPARED_STATEMENTS) {
      name = `p_${createHash('sha1').update(sql).digest('base64url')}`;
      names.set(sql, name);
    }
    // undefined: an unnamed statement, parsed and planned for this execution only.
    return name as string;
  };
}

/** The one Prisma client of the process, over an explicitly sized `pg` pool. */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  readonly pool: pg.Pool;
  private readonly directQueryListeners: ((event: { query: string }) => void)[] = [];

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(DATABASE_URL) url: string) {
    const pool = createPool(url, config);
    const adapter = new PrismaPg(pool, config.database.preparedStatements ? { statementNameGenerator: statementNames() } : undefined);
    super({ adapter, log: config.database.queryEvents ? [{ emit: 'event', level: 'query' }] : [] });
    this.pool = pool;
  }

  /** Every SQL statement sent, through Prisma or `direct`, when DATABASE_QUERY_EVENTS is on. */
  onQuery(listener: (event: { query: string }) => void): void {
    (this as unknown as PrismaClient<'query'>).$on('query', listener);
    this.directQueryListeners.push(listener);
  }

  /**
   * A named (prepared) statement sent to the pool without the ORM: for the few statements on
   * every request's path, where Prisma's own per-query work would dominate.
   */
  direct<R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    for (const listener of this.directQueryListeners) listener({ query: text });
    return this.pool.query<R>({ name, text, values });
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
