import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';

/** What a repository sends its statements through: the current transaction, or the pool. */
export type Db = Prisma.TransactionClient | PrismaService;

/**
 * The unit of work: the transaction travels with the call (AsyncLocalStorage), so services
 * declare where a transaction starts (`transaction`) and repositories use the current one
 * (`db`) without any transaction parameter. Same idea as `@nestjs-cls/transactional`'s
 * TransactionHost, without its per-request context: a read outside any transaction costs
 * nothing here (docs/architecture.md, Unit of work).
 */
@Injectable()
export class TransactionHost {
  private readonly current = new AsyncLocalStorage<Prisma.TransactionClient>();

  constructor(private readonly prisma: PrismaService) {}

  /** The current transaction, or the client itself outside one. */
  get db(): Db {
    return this.current.getStore() ?? this.prisma;
  }

  /**
   * Runs `work` in one transaction: the current one when there is one (nested calls join it),
   * else a new one, which itself joins the request's unit of work when an `Idempotency-Key`
   * holds one open (PrismaService.unitOfWork).
   */
  transaction<T>(work: () => Promise<T>, options?: { timeout?: number; maxWait?: number; isolationLevel?: Prisma.TransactionIsolationLevel }): Promise<T> {
    if (this.current.getStore()) return work();
    return this.prisma.$transaction((tx) => this.current.run(tx, work), options);
  }

  /**
   * The request as one unit of work: every transaction `work` opens is one, and
   * `beforeCommit(result)` writes in it last (the stored answer of an `Idempotency-Key`).
   */
  unitOfWork<T>(work: () => Promise<T>, beforeCommit: (result: T) => Promise<void>): Promise<T> {
    return this.prisma.unitOfWork(work, (db, result) => (db === this.prisma ? beforeCommit(result) : this.current.run(db, () => beforeCommit(result))));
  }

  /** Runs `effect` now, or, inside a unit of work, once it has committed (a queued job). */
  afterCommit(effect: () => Promise<unknown>): Promise<void> {
    return this.prisma.afterCommit(effect);
  }
}
