import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service.js';
import { Repository } from '../../database/repository.js';
import { TransactionHost } from '../../database/transaction-host.js';
import type { Prisma } from '../../generated/prisma/client.js';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** A key still IN_PROGRESS after this long belongs to a request that died: it may be reused. */
export const ABANDONED_AFTER_MS = 5 * 60_000;

export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

@Injectable()
export class IdempotencyRepository extends Repository {
  constructor(
    txHost: TransactionHost,
    private readonly prisma: PrismaService,
  ) {
    super(txHost);
  }

  /** Claims the key; false when a record already holds it. Expired or abandoned records are taken over. */
  async claim(principal: string, route: string, key: string, requestHash: string): Promise<boolean> {
    const now = Date.now();
    await this.prisma.idempotencyRecord.deleteMany({
      where: {
        principal,
        route,
        key,
        OR: [{ expiresAt: { lt: new Date(now) } }, { state: 'IN_PROGRESS', createdAt: { lt: new Date(now - ABANDONED_AFTER_MS) } }],
      },
    });
    const inserted = await this.prisma.$executeRaw`
      INSERT INTO idempotency_records (id, principal, route, key, request_hash, state, expires_at)
      VALUES (gen_random_uuid(), ${principal}, ${route}, ${key}, ${requestHash}, 'IN_PROGRESS', ${new Date(now + IDEMPOTENCY_TTL_MS)})
      ON CONFLICT (principal, route, key) DO NOTHING`;
    return inserted === 1;
  }

  find(principal: string, route: string, key: string) {
    return this.prisma.idempotencyRecord.findUnique({ where: { principal_route_key: { principal, route, key } } });
  }

  /** Stores the answer, in the current transaction: the request's writes and their answer commit together. */
  async complete(principal: string, route: string, key: string, answer: StoredAnswer): Promise<void> {
    await this.db.idempotencyRecord.update({
      where: { principal_route_key: { principal, route, key } },
      data: {
        state: 'COMPLETED',
        responseStatus: answer.status,
        responseHeaders: answer.headers,
        responseBody: (answer.body ?? null) as Prisma.InputJsonValue,
      },
    });
  }

  /** The request failed: nothing was done, so the key is free for a retry. */
  async release(principal: string, route: string, key: string): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { principal, route, key, state: 'IN_PROGRESS' } });
  }
}
