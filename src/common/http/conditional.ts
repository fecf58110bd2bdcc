import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { invalid } from '../errors/problem.js';

/**
 * The version a write expects, from `If-Match: "3"` (or W/"3"); undefined without the header.
 * `*` matches any version.
 */
export function expectedVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!match) throw invalid([{ field: 'If-Match', message: 'must be an ETag this service gave, such as "3"' }]);
  return Number(match[1]);
}

/** Every answer that is a versioned resource carries its version as ETag. */
@Injectable()
export class ETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        const version = (body as { version?: unknown } | null)?.version;
        if (typeof version === 'number') void reply.header('ETag', `"${version}"`);
        return body;
      }),
    );
  }
}
