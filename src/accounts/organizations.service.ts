import { requireChange } from '../common/http/validation.js';
import { Injectable } from '@nestjs/common';
import { AuditedWrites } from '../audit/audited-writes.js';
import type { Principal } from '../common/access/principal.js';
import { forbidden, invalid, notFound } from '../common/errors/problem.js';
import { type Page, type PageQuery, pageOf } from '../common/http/pagination.js';
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
    private readonly organizations: OrganizationsRepository,
    private readonly writes: AuditedWrites,
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
    return this.writes.create(principal, {
      entity: 'organization',
      write: () => this.organizations.create({ ...dto, departmentCode: dto.departmentCode ?? null, funders }),
      view: toOrganizationDto,
    });
  }

  async update(principal: Principal, id: string, dto: UpdateOrganizationDto, expectedVersion?: number): Promise<OrganizationDto> {
    requireChange(dto);
    const region = principal.regionCode;
    return this.writes.change(principal, {
      what: `Organisation ${id}`,
      entity: 'organization',
      entityId: id,
      expectedVersion,
      find: () => this.organizations.find(region, id),
      check: (current) => {
        const problems = organizationProblems(current.type, current.departmentCode, dto.funders ?? current.funders);
        if (problems.length) throw invalid(problems);
      },
      write: (before) => this.organizations.update(region, id, before.version, dto),
      view: toOrganizationDto,
    });
  }
}
