import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { busy, unavailable } from '../common/errors/problem.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PG_TYPES, toPgValue } from './pg-types.js';
import { afterLent, PrismaService, type Route } from './prisma.service.js';

/** What a repository sends its ORM statements through (they run on the current transaction's connection). */
export type Db = PrismaService;

export interface TransactionOptions {
  /** How long the transaction may stay open before it is rolled back (ms; 5 s, as Prisma's). */
  timeout?: number;
  /** How long to wait for a pool connection before answering busy (ms; 2 s, as Prisma's). */
  maxWait?: number;
  isolationLevel?: Prisma.TransactionIsolationLevel;
}

/** A transaction in progress, shared by every call of the async context that opened it. */
interface Scope extends Route {
  /** An `Idempotency-Key` request's unit of work: its transaction stays open until the answer is stored. */
  unit: boolean;
  /** Set while the connection is being taken and BEGIN sent: concurrent calls wait for it. */
  opening?: Promise<void>;
  timer?: NodeJS.Timeout;
  afterCommit: (() => Promise<unknown>)[];
}

const ISOLATION: Record<string, string> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

/**
 * The unit of work: the transaction travels with the call (AsyncLocalStorage), so services
 * declare where a transaction starts (`transaction`) and repositories use the current one
 * (`db` for the ORM, `query` for tagged statements) without any transaction parameter. Same
 * idea as `@nestjs-cls/transactional`'s TransactionHost. The transaction is opened on a pool
 * connection here (BEGIN … COMMIT), not through Prisma's interactive transactions, whose
 * per-statement bookkeeping cost more than the statements (docs/architecture.md, Unit of work).
 */
@Injectable()
export class TransactionHost {
  private readonly scopes = new AsyncLocalStorage<Scope>();

  constructor(private readonly prisma: PrismaService) {
    prisma.routeThrough(() => this.scopes.getStore());
  }

  /** The ORM; inside a transaction its statements run on the transaction's connection. */
  get db(): Db {
    return this.prisma;
  }

  /**
   * A tagged statement, sent as a prepared statement to the current transaction's connection
   * (or the pool) without the ORM: for the statements on every request's path. Rows as the
   * ORM's raw queries give them (pg-types.ts). `background`: a worker's poll, not told to the
   * statement listeners (which count a request's statements).
   */
  query<R extends pg.QueryResultRow>(sql: Prisma.Sql, options: { background?: boolean } = {}): Promise<pg.QueryResult<R>> {
    const scope = this.scopes.getStore();
    if (scope?.expired) return Promise.reject(scope.expired);
    if (scope?.lent) return afterLent(scope).then(() => this.query<R>(sql, options));
    if (!options.background) this.prisma.sent(sql.text);
    const client = scope?.conn ?? this.prisma.pool;
    return client.query<R>({ name: this.prisma.statementName?.({ sql: sql.text }), text: sql.text, values: sql.values.map(toPgValue), types: PG_TYPES });
  }

  /**
   * Runs `work` outside any transaction, even from within one: its statements go to the pool
   * and commit on their own. For what must outlive a rollback of the caller's transaction (the
   * ledger of an object being written to the storage, whose sweep must find it).
   */
  outside<T>(work: () => Promise<T>): Promise<T> {
    return this.scopes.exit(work);
  }

  /**
   * Runs `work` in one transaction: the current one when there is one (nested calls join it),
   * else a new one, which itself joins the request's unit of work when an `Idempotency-Key`
   * holds one open.
   */
  async transaction<T>(work: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const current = this.scopes.getStore();
    if (current?.expired) throw current.expired;
    if (current?.conn) return work();
    if (current?.unit) {
      await this.open(current, options);
      return work();
    }
    const scope: Scope = { unit: false, afterCommit: [] };
    return this.scopes.run(scope, async () => {
      await this.open(scope, options);
      let result: T;
      try {
        result = await work();
      } catch (error) {
        await this.end(scope, error);
        throw error;
      }
      await this.end(scope);
      return result;
    });
  }

  /**
   * The request as one unit of work: every transaction `work` opens is one, and
   * `beforeCommit(result)` writes in it last (the stored answer of an `Idempotency-Key`), so a
   * commit carries the business rows and the stored answer together, or neither. Without any
   * transaction, `beforeCommit` writes on its own.
   */
  unitOfWork<T>(work: () => Promise<T>, beforeCommit: (result: T) => Promise<void>): Promise<T> {
    const scope: Scope = { unit: true, afterCommit: [] };
    return this.scopes.run(scope, async () => {
      let result: T;
      try {
        result = await work();
        await scope.opening;
        await beforeCommit(result);
      } catch (error) {
        await scope.opening?.catch(() => undefined);
        await this.end(scope, error);
        throw error;
      }
      await this.end(scope);
      return result;
    });
  }

  /** Runs `effect` now, or, inside a transaction or a unit of work, once it has committed (a queued job). */
  async afterCommit(effect: () => Promise<unknown>): Promise<void> {
    const scope = this.scopes.getStore();
    if (scope && (scope.unit || scope.conn)) scope.afterCommit.push(effect);
    else await effect();
  }

  /** Takes a connection and sends BEGIN, once per scope. */
  private async open(scope: Scope, options: TransactionOptions): Promise<void> {
    if (scope.conn) return;
    scope.opening ??= (async () => {
      const conn = await this.connect(options.maxWait ?? 2000);
      try {
        const isolation = options.isolationLevel && ISOLATION[options.isolationLevel];
        await conn.query(isolation ? `BEGIN ISOLATION LEVEL ${isolation}` : 'BEGIN');
      } catch (error) {
        conn.release(error as Error);
        throw error;
      }
      scope.conn = conn;
      const timeout = options.timeout ?? 5000;
      // Past its timeout the transaction is rolled back at once and its connection given back
      // (after the statement in flight, bounded by statement_timeout); its work's next statement fails.
      scope.timer = setTimeout(() => {
        scope.expired = new Error(`Transaction already closed: an expired transaction (open for more than ${timeout} ms) was rolled back.`);
        scope.conn = undefined;
        conn.query('ROLLBACK').then(
          () => conn.release(),
          (error: Error) => conn.release(error),
        );
      }, timeout);
      scope.timer.unref();
    })();
    try {
      await scope.opening;
    } finally {
      scope.opening = undefined;
    }
  }

  /** A pool connection within `maxWait`, else busy (every connection taken) or unavailable (none could be opened). */
  private connect(maxWait: number): Promise<pg.PoolClient> {
    const pool = this.prisma.pool;
    return new Promise((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(pool.totalCount >= (pool.options.max ?? 10) && pool.idleCount === 0 ? busy() : unavailable());
      }, maxWait);
      pool.connect().then(
        (conn) => {
          clearTimeout(timer);
          if (late) conn.release();
          else resolve(conn);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (!late) reject(error);
        },
      );
    });
  }

  /** Commits (or, after `error` or past the timeout, rolls back) and gives the connection back; then the afterCommit effects. */
  private async end(scope: Scope, error?: unknown): Promise<void> {
    clearTimeout(scope.timer);
    const conn = scope.conn;
    const expired = scope.expired;
    scope.conn = undefined;
    scope.expired = undefined;
    if (!conn) {
      // Rolled back at its timeout: the work's success is not the transaction's.
      if (expired && error === undefined) throw expired;
      if (error === undefined) await this.runAfterCommit(scope);
      return;
    }
    if (error !== undefined || expired) {
      try {
        await conn.query('ROLLBACK');
        conn.release();
      } catch (rollbackError) {
        conn.release(rollbackError as Error);
      }
      if (error === undefined) throw expired as Error;
      return;
    }
    let committed: pg.QueryResult;
    try {
      committed = await conn.query('COMMIT');
    } catch (commitError) {
      conn.release(commitError as Error);
      throw commitError;
    }
    conn.release();
    // COMMIT of a transaction in which a statement failed (an error caught and ignored) rolls back.
    if (committed.command === 'ROLLBACK') throw new Error('The transaction had failed and was rolled back at its commit.');
    await this.runAfterCommit(scope);
  }

  private async runAfterCommit(scope: Scope): Promise<void> {
    const effects = scope.afterCommit.splice(0);
    for (const effect of effects) await effect();
  }
}
