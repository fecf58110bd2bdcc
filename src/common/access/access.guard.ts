import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Role } from '../../generated/prisma/enums.js';
import { forbidden, unauthorized } from '../errors/problem.js';
import { IS_PUBLIC, ROLES } from './decorators.js';
import type { Principal } from './principal.js';

/**
 * The one gate of every route: authenticate (passport-jwt), then admit the route's roles.
 * Scoping to the caller's territory happens in the repositories, from the same principal.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    await super.canActivate(context);
    const principal = context.switchToHttp().getRequest<{ user: Principal }>().user;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets) ?? [];
    if (!roles.includes(principal.role)) throw forbidden(`The role ${principal.role} may not do this.`);
    return true;
  }

  override handleRequest<T>(error: unknown, user: T, info: unknown): T {
    if (error) throw error;
    if (!user) {
      const reason = info instanceof Error && /expired/i.test(info.message) ? 'The access token has expired.' : undefined;
      throw unauthorized(reason ?? 'A valid access token is required (Authorization: Bearer …).');
    }
    return user;
  }
}
