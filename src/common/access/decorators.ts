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

// The role groups (the roles of the README, "What the API does"; docs/architecture.md, Access), named once.
export const STAFF_READERS: Role[] = ['ADMIN', 'INSTRUCTOR', 'DIRECTOR', 'PARTNER', 'AUDITOR'];
export const INSTRUCTING: Role[] = ['ADMIN', 'INSTRUCTOR', 'DIRECTOR'];
export const ADMIN_ONLY: Role[] = ['ADMIN'];
export const EVERY_ROLE: Role[] = ['ADMIN', 'INSTRUCTOR', 'DIRECTOR', 'PARTNER', 'AUDITOR', 'REPORTING'];
