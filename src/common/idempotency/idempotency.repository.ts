import { Injectable } from '@nestjs/common';
import { Repository } from '../../database/repository.js';
import { uuidv7 } from '../../database/uuid.js';

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
  /** Claims the key; false when a record already holds it. Expired or abandoned records are taken over. */
  async claim(principal: string, route: string, key: string, requestHash: string): Promise<boolean> {
    // Tagged statements: two on every Idempotency-Key request's path.
    const now = Date.now();
    await this.sqlCount`
      DELETE FROM idempotency_records WHERE principal = ${principal} AND route = ${route} AND key = ${key}
        AND (expires_at < ${new Date(now)} OR (state = 'IN_PROGRESS' AND created_at < ${new Date(now - ABANDONED_AFTER_MS)}))`;
    const inserted = await this.sqlCount`
      INSERT INTO idempotency_records (id, principal, route, key, request_hash, state, expires_at)
      VALUES (${uuidv7()}::uuid, ${principal}, ${route}, ${key}, ${requestHash}, 'IN_PROGRESS', ${new Date(now + IDEMPOTENCY_TTL_MS)})
      ON CONFLICT (principal, route, key) DO NOTHING`;
    return inserted === 1;
  }

  find(principal: string, route: string, key: string) {
    return this.db.idempotencyRecord.findUnique({ where: { principal_route_key: { principal, route, key } } });
  }

  /** Stores the answer, in the current transaction: the request's writes and their answer commit together. */
  async complete(principal: string, route: string, key: string, answer: StoredAnswer): Promise<void> {
    await this.sqlCount`
      UPDATE idempotency_records SET state = 'COMPLETED', response_status = ${answer.status}, response_headers = ${JSON.stringify(answer.headers)}::jsonb,
                                     response_body = ${JSON.stringify(answer.body ?? null)}::jsonb
      WHERE principal = ${principal} AND route = ${route} AND key = ${key}`;
  }

  /** The request failed: nothing was done, so the key is free for a retry. */
  async release(principal: string, route: string, key: string): Promise<void> {
    await this.db.idempotencyRecord.deleteMany({ where: { principal, route, key, state: 'IN_PROGRESS' } });
  }
}
