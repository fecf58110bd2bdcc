import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository.js';
import type { Principal } from '../common/access/principal.js';
import { forbidden, invalid, notFound } from '../common/errors/problem.js';
import { type Page, type PageQuery, pageOf } from '../common/http/pagination.js';
import { PrismaService } from '../database/prisma.service.js';
import { changeVersioned, updateIfVersion } from '../database/versioned.js';
import type { Organization } from '../generated/prisma/client.js';
import type { CreateOrganizationDto, OrganizationDto, UpdateOrganizationDto } from './dto/accounts.dto.js';
import { organizationProblems } from './organization-rules.js';
import { OrganizationsRepository } from './organizations.repository.js';

export const toOrganizationDto = (o: Organization): OrganizationDto => ({
  id: o.id,
  name: o.name,
  type: o.type,
  regionCode: o.regionCode,
  departmentCode: o.departmentCode,
  funders: o.funders,
  version: o.version,
  createdAt: o.createdAt.toISOString(),
  updatedAt: o.updatedAt.toISOString(),
});

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly organizations: OrganizationsRepository,
    private readonly audit: AuditRepository,
  ) {}

  async list(principal: Principal, query: PageQuery): Promise<Page<OrganizationDto>> {
    return pageOf(query, (after, take) => this.organizations.list(principal.regionCode, after, take), toOrganizationDto);
  }

  async get(principal: Principal, id: string): Promise<OrganizationDto> {
    const row = await this.organizations.find(principal.regionCode, id);
    if (!row) throw notFound(`Organisation ${id}`);
    return toOrganizationDto(row);
  }

  async create(principal: Principal, dto: CreateOrganizationDto): Promise<OrganizationDto> {
    if (dto.regionCode !== principal.regionCode) {
      throw forbidden(`You manage region ${principal.regionCode}, not ${dto.regionCode}.`);
    }
    const funders = dto.funders ?? [];
    const problems = organizationProblems(dto.type, dto.departmentCode, funders);
    if (problems.length) throw invalid(problems);
    return this.prisma.$transaction(async (tx) => {
      const row = await this.organizations.create(tx, { ...dto, departmentCode: dto.departmentCode ?? null, funders });
      const created = toOrganizationDto(row);
      await this.audit.change(tx, principal, { entity: 'organization', entityId: row.id, regionCode: row.regionCode, after: created });
      return created;
    });
  }

  async update(principal: Principal, id: string, dto: UpdateOrganizationDto, expectedVersion?: number): Promise<OrganizationDto> {
    if (Object.keys(dto).length === 0) throw invalid([{ field: 'body', message: 'give at least one field to change' }]);
    const region = principal.regionCode;
    return this.prisma.$transaction(async (tx) => {
      const after = await changeVersioned({
        what: `Organisation ${id}`,
        expectedVersion,
        find: () => this.organizations.find(region, id, tx),
        update: async (version) => {
          const current = (await this.organizations.find(region, id, tx))!;
          const problems = organizationProblems(current.type, current.departmentCode, dto.funders ?? current.funders);
          if (problems.length) throw invalid(problems);
          return updateIfVersion(tx.organization, { id, regionCode: region }, version, { ...dto });
        },
        audit: (before, after) =>
          this.audit.change(tx, principal, {
            entity: 'organization', entityId: id, regionCode: region, before: toOrganizationDto(before), after: toOrganizationDto(after),
          }),
      });
      return toOrganizationDto(after);
    });
  }
}
