import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository.js';
import { PrismaService } from '../database/prisma.service.js';
import { changeVersioned } from '../database/versioned.js';
import { type Principal, territoryOf } from '../common/access/principal.js';
import { invalid, notFound } from '../common/errors/problem.js';
import { type Page, pageOf } from '../common/http/pagination.js';
import type { Promoter } from '../generated/prisma/client.js';
import { CommuneLookup } from '../reference/commune-lookup.js';
import type { CreatePromoterDto, PromoterDto, PromoterQuery, UpdatePromoterDto } from './dto/promoter.dto.js';
import { type PromoterData, PromotersRepository } from './promoters.repository.js';

export const toPromoterDto = (p: Promoter): PromoterDto => ({
  id: p.id,
  name: p.name,
  siren: p.siren,
  legalType: p.legalType,
  communeInsee: p.communeInsee,
  regionCode: p.regionCode,
  departmentCode: p.departmentCode,
  version: p.version,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

@Injectable()
export class PromotersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditRepository,
    private readonly promoters: PromotersRepository,
    private readonly communes: CommuneLookup,
  ) {}

  async list(principal: Principal, query: PromoterQuery): Promise<Page<PromoterDto>> {
    return pageOf(query, (after, take) => this.promoters.list(territoryOf(principal), query, after, take), toPromoterDto);
  }

  async get(principal: Principal, id: string): Promise<PromoterDto> {
    const row = await this.promoters.find(territoryOf(principal), id);
    if (!row) throw notFound(`Promoter ${id}`);
    return toPromoterDto(row);
  }

  async create(principal: Principal, dto: CreatePromoterDto): Promise<PromoterDto> {
    const commune = await this.communes.require(territoryOf(principal), dto.communeInsee);
    return this.prisma.$transaction(async (tx) => {
      const row = await this.promoters.create(tx, {
        name: dto.name,
        siren: dto.siren ?? null,
        legalType: dto.legalType,
        communeInsee: commune.inseeCode,
        regionCode: commune.regionCode,
        departmentCode: commune.departmentCode,
      });
      const created = toPromoterDto(row);
      await this.audit.change(tx, principal, { entity: 'promoter', entityId: row.id, regionCode: row.regionCode, after: created });
      return created;
    });
  }

  async update(principal: Principal, id: string, dto: UpdatePromoterDto, expectedVersion?: number): Promise<PromoterDto> {
    if (Object.keys(dto).length === 0) throw invalid([{ field: 'body', message: 'give at least one field to change' }]);
    const territory = territoryOf(principal);
    const data: Partial<PromoterData> = { ...dto };
    if (dto.communeInsee) {
      const commune = await this.communes.require(territory, dto.communeInsee);
      data.departmentCode = commune.departmentCode;
    }
    return this.prisma.$transaction(async (tx) => {
      const after = await changeVersioned({
        what: `Promoter ${id}`,
        expectedVersion,
        find: () => this.promoters.find(territory, id, tx),
        update: (version) => this.promoters.update(tx, territory, id, version, data),
        audit: (before, after) =>
          this.audit.change(tx, principal, { entity: 'promoter', entityId: id, regionCode: after.regionCode, before: toPromoterDto(before), after: toPromoterDto(after) }),
      });
      return toPromoterDto(after);
    });
  }
}
