import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '../../generated/prisma/enums.js';
import type { Principal } from './principal.js';

export const IS_PUBLIC = 'access:public';
export const ROLES = 'access:roles';

/** No authentication: health, metrics, docs, login. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The roles a route admits. A route without it admits nobody (403): every route must say. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<{ user: Principal; id: string }>();
  return { ...request.user, requestId: request.id };
});
