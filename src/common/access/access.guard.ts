import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ApiKeysService } from '../../accounts/api-keys.service.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import type { Role } from '../../generated/prisma/enums.js';
import { ApiProblem, forbidden, unauthorized } from '../errors/problem.js';
import { IS_PUBLIC, ROLES } from './decorators.js';
import type { Principal } from './principal.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * The one gate of every route: authenticate (an API key in X-API-Key, or a bearer JWT through
 * passport-jwt), apply the per-principal rate limit, then admit the route's roles. Scoping to
 * the caller's territory happens in the repositories, from the same principal.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super();
    this.limiter = new RateLimiter(config.rateLimitPerMinute);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const key = request.headers['x-api-key'];
    if (typeof key === 'string') {
      const principal = await this.apiKeys.authenticate(key);
      if (!principal) throw unauthorized('The API key is unknown, revoked or expired.');
      request.user = principal;
    } else {
      await super.canActivate(context);
    }
    const principal = request.user!;
    const retryAfter = this.limiter.take(`${principal.kind}:${principal.id}`);
    if (retryAfter > 0) {
      throw new ApiProblem(429, `Too many requests; try again in ${retryAfter} s.`, 'rate-limited', {}, { 'Retry-After': String(retryAfter) });
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets) ?? [];
    if (!roles.includes(principal.role)) throw forbidden(`The role ${principal.role} may not do this.`);
    return true;
  }

  override handleRequest<T>(error: unknown, user: T, info: unknown): T {
    if (error) throw error instanceof Error ? error : new Error('authentication failed');
    if (!user) {
      const reason = info instanceof Error && /expired/i.test(info.message) ? 'The access token has expired.' : undefined;
      throw unauthorized(reason ?? 'A valid access token (Authorization: Bearer …) or API key (X-API-Key) is required.');
    }
    return user;
  }
}
