import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiProblem } from '../common/errors/problem.js';

/**
 * A cross-site request never carries the cookie (SameSite=Strict); one from another origin is
 * refused all the same, before any password is checked (403 same-origin). The hosts are
 * compared, not the schemes: behind a proxy that ends TLS the service sees http.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== request.host) {
      throw new ApiProblem(403, `A console session is opened from the console itself (${request.host}), not from ${origin}.`, 'forbidden', { rule: 'same-origin' });
    }
    return true;
  }
}
