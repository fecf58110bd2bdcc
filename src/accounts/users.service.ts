import { requireChange } from '../common/http/validation.js';
import { Injectable, Logger } from '@nestjs/common';
import { AuditedWrites } from '../audit/audited-writes.js';
import type { Principal } from '../common/access/principal.js';
import { conflict, invalid, notFound } from '../common/errors/problem.js';
import { type Page, pageOf } from '../common/http/pagination.js';
import type { User } from '../generated/prisma/client.js';
import type { CreateUserDto, UpdateUserDto, UserDto, UserQuery } from './dto/accounts.dto.js';
import { roleFits } from './organization-rules.js';
import { OrganizationsRepository } from './organizations.repository.js';
import { hashPassword } from './passwords.js';
import { UsersRepository } from './users.repository.js';

export const toUserDto = (u: User): UserDto => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  role: u.role,
  organizationId: u.organizationId,
  active: u.active,
  lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  version: u.version,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
});

@Injectable()
export class UsersService {
  private readonly security = new Logger('Security');

  constructor(
    private readonly users: UsersRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly writes: AuditedWrites,
  ) {}

  async list(principal: Principal, query: UserQuery): Promise<Page<UserDto>> {
    return pageOf(query, (after, take) => this.users.list(principal.regionCode, query, after, take), toUserDto);
  }

  async get(principal: Principal, id: string): Promise<UserDto> {
    const row = await this.users.find(principal.regionCode, id);
    if (!row) throw notFound(`User ${id}`);
    return toUserDto(row);
  }

  async create(principal: Principal, dto: CreateUserDto): Promise<UserDto> {
    // Another region's organisation is, for this admin, one that does not exist.
    const organization = await this.organizations.find(principal.regionCode, dto.organizationId);
    if (!organization) throw notFound(`Organisation ${dto.organizationId}`);
    if (!roleFits(organization.type, dto.role)) {
      throw invalid([{ field: 'role', message: `a ${organization.type} organisation cannot hold the role ${dto.role}` }]);
    }
    const email = dto.email.toLowerCase();
    const passwordHash = await hashPassword(dto.password);
    const created = await this.writes.create(principal, {
      entity: 'user',
      write: async () => {
        if (await this.users.emailTaken(email)) throw conflict(`An account with the e-mail ${email} already exists.`);
        return this.users.create({ email, displayName: dto.displayName ?? null, passwordHash, role: dto.role, organizationId: organization.id });
      },
      view: toUserDto,
      regionCode: () => organization.regionCode,
    });
    this.security.log({ event: 'user.created', userId: created.id, role: created.role, by: principal.id }, 'account created');
    return created;
  }

  async update(principal: Principal, id: string, dto: UpdateUserDto, expectedVersion?: number): Promise<UserDto> {
    // The DTO instance has every declared property (undefined when not sent): Object.keys would not tell.
    const change = { role: dto.role, active: dto.active, displayName: dto.displayName };
    requireChange(change, 'give role, active or displayName');
    const region = principal.regionCode;
    const actionOf = (before: User, after: User) =>
      before.role !== after.role ? 'user.role_change' : before.active !== after.active ? (after.active ? 'user.activate' : 'user.deactivate') : 'user.update';
    const after = await this.writes.change(principal, {
      what: `User ${id}`,
      entity: 'user',
      entityId: id,
      expectedVersion,
      find: () => this.users.find(region, id),
      check: (current) => {
        if (dto.role && !roleFits(current.organization.type, dto.role)) {
          throw invalid([{ field: 'role', message: `a ${current.organization.type} organisation cannot hold the role ${dto.role}` }]);
        }
        if (current.id === principal.id && (dto.active === false || (dto.role && dto.role !== 'ADMIN'))) {
          throw invalid([{ field: dto.active === false ? 'active' : 'role', message: 'an admin cannot deactivate or demote itself' }]);
        }
      },
      write: (before) => this.users.update(id, before.version, change),
      also: async () => {
        if (dto.active === false) await this.users.revokeRefreshTokens(id);
      },
      view: (row) => row,
      audit: (before, after) => {
        const action = actionOf(before, after);
        this.security.log({ event: action, userId: id, from: before.role, to: after.role, active: after.active, by: principal.id }, 'account changed');
        return { action, before: toUserDto(before), after: toUserDto(after) };
      },
      regionCode: () => region,
    });
    return toUserDto(after);
  }
}
