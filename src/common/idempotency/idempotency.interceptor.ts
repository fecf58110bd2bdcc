import { createHash } from 'node:crypto';
import { type CallHandler, type ExecutionContext, HttpStatus, Injectable, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { canonicalJson } from '../canonical-json.js';
import { TransactionHost } from '../../database/transaction-host.js';
import type { Principal } from '../access/principal.js';
import { ApiProblem, conflict, invalid } from '../errors/problem.js';
import { IdempotencyRepository } from './idempotency.repository.js';

const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ['location', 'etag'];

/**
 * `Idempotency-Key` on any authenticated POST: the same key with the same body returns the
 * first answer again and does nothing twice; with another body, 422; while the first is still
 * running, 409. Keys belong to the caller and the path (24 h). The answer is stored in the
 * request's own transaction; a request that fails frees its key (its transaction rolled back:
 * nothing was done). Public POSTs (login, refresh, logout)
 * are left out: replaying a token to whoever repeats a key would hand it out.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyRepository,
    private readonly reflector: Reflector,
    private readonly tx: TransactionHost,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined || !request.user) return next.handle();
    const key = String(header);
    if (!KEY.test(key)) throw invalid([{ field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' }]);

    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const principal = `${request.user.kind}:${request.user.id}`;
    const route = `POST ${request.url.split('?')[0]}`;
    const hash = createHash('sha256')
      .update(typeof request.body === 'string' ? request.body : canonicalJson(request.body ?? null))
      .digest('hex');
    const status: number = this.reflector.get(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;

    return from(this.run(principal, route, key, hash, status, reply, next));
  }

  /**
   * The first answer is stored in the business transaction itself (a unit of work: see
   * `TransactionHost.unitOfWork`), so a commit carries both or neither: a write whose commit
   * went through but whose answer was lost finds its answer on retry, never a second effect.
   */
  private async run(principal: string, route: string, key: string, hash: string, status: number, reply: FastifyReply, next: CallHandler): Promise<unknown> {
    if (!(await this.store.claim(principal, route, key, hash))) return this.replay(principal, route, key, hash, reply);
    try {
      return await this.tx.unitOfWork(
        () => lastValueFrom(next.handle(), { defaultValue: undefined }),
        (body) => {
          const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((h) => (reply.getHeader(h) === undefined ? [] : [[h, String(reply.getHeader(h))]])));
          return this.store.complete(principal, route, key, { status, headers, body: body ?? null });
        },
      );
    } catch (error) {
      // Rolled back, or never started: the key is free again. Had the commit gone through
      // (its answer lost with the connection), the record is COMPLETED and stays.
      // Under overload the release itself may find no connection: it tries again, bounded
      // (a key left IN_PROGRESS is only 409 "still running" until it is abandoned).
      for (let attempt = 0; attempt < 5; attempt++) {
        if (
          await this.store.release(principal, route, key).then(
            () => true,
            () => false,
          )
        )
          break;
        await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1)));
      }
      throw error;
    }
  }

  private async replay(principal: string, route: string, key: string, hash: string, reply: FastifyReply): Promise<unknown> {
    const record = await this.store.find(principal, route, key);
    if (!record) throw conflict('This Idempotency-Key was just released; send the request again.');
    if (record.requestHash !== hash) {
      throw new ApiProblem(422, 'This Idempotency-Key was used with another body.', 'idempotency-key-reused');
    }
    if (record.state === 'IN_PROGRESS') throw conflict('A request with this Idempotency-Key is still running.');
    for (const [name, value] of Object.entries((record.responseHeaders ?? {}) as Record<string, string>)) void reply.header(name, value);
    void reply.header('Idempotent-Replayed', 'true');
    return record.responseBody;
  }
}
