import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiKeysService } from '../../accounts/api-keys.service.js';
import { AccessTokens } from '../../auth/jwt.strategy.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import type { Role } from '../../generated/prisma/enums.js';
import { ApiProblem, forbidden, unauthorized } from '../errors/problem.js';
import { IS_PUBLIC, ROLES } from './decorators.js';
import type { Principal } from './principal.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * The one gate of every route: authenticate (an API key in X-API-Key, or a bearer JWT), apply
 * the per-principal rate limit, then admit the route's roles. Scoping to the caller's
 * territory happens in the repositories, from the same principal.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly limiter: RateLimiter;
  /** What a route's decorators say (by controller, then handler), read once rather than on every request. */
  private readonly routes = new WeakMap<object, WeakMap<object, { public: boolean; roles: readonly Role[] }>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly tokens: AccessTokens,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limiter = new RateLimiter(config.rateLimitPerMinute);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const [handler, controller] = [context.getHandler(), context.getClass()];
    let routes = this.routes.get(controller);
    if (!routes) this.routes.set(controller, (routes = new WeakMap()));
    let route = routes.get(handler);
    if (!route) {
      const targets = [handler, controller];
      route = {
        public: !!this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets),
        roles: this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets) ?? [],
      };
      routes.set(handler, route);
    }
    // A public route is admitted at once, without a promise.
    return route.public || this.admit(context, route.roles);
  }

  private async admit(context: ExecutionContext, roles: readonly Role[]): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const key = request.headers['x-api-key'];
    let principal: Principal;
    if (typeof key === 'string') {
      const byKey = await this.apiKeys.authenticate(key);
      if (!byKey) throw unauthorized('The API key is unknown, revoked or expired.');
      principal = byKey;
    } else {
      principal = await this.tokens.principalOf(request.headers.authorization);
    }
    request.user = principal;
    const retryAfter = this.limiter.take(`${principal.kind}:${principal.id}`);
    if (retryAfter > 0) {
      throw new ApiProblem(429, `Too many requests; try again in ${retryAfter} s.`, 'rate-limited', {}, { 'Retry-After': String(retryAfter) });
    }
    if (!roles.includes(principal.role)) throw forbidden(`The role ${principal.role} may not do this.`);
    return true;
  }
}
