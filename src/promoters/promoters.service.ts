import { requireChange } from '../common/http/validation.js';
import { Injectable } from '@nestjs/common';
import { AuditedWrites } from '../audit/audited-writes.js';
import { type Principal, territoryOf } from '../common/access/principal.js';
import { notFound } from '../common/errors/problem.js';
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
    private readonly writes: AuditedWrites,
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
    return this.writes.create(principal, {
      entity: 'promoter',
      write: () =>
        this.promoters.create({
          name: dto.name,
          siren: dto.siren ?? null,
          legalType: dto.legalType,
          communeInsee: commune.inseeCode,
          regionCode: commune.regionCode,
          departmentCode: commune.departmentCode,
        }),
      view: toPromoterDto,
    });
  }

  async update(principal: Principal, id: string, dto: UpdatePromoterDto, expectedVersion?: number): Promise<PromoterDto> {
    requireChange(dto);
    const territory = territoryOf(principal);
    const data: Partial<PromoterData> = { ...dto };
    if (dto.communeInsee) {
      const commune = await this.communes.require(territory, dto.communeInsee);
      data.departmentCode = commune.departmentCode;
    }
    return this.writes.change(principal, {
      what: `Promoter ${id}`,
      entity: 'promoter',
      entityId: id,
      expectedVersion,
      find: () => this.promoters.find(territory, id),
      write: (before) => this.promoters.update(territory, id, before.version, data),
      view: toPromoterDto,
    });
  }
}
