import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';
import { updateIfVersion } from '../database/versioned.js';
import type { LegalType, Prisma, Promoter } from '../generated/prisma/client.js';

export interface PromoterData {
  name: string;
  siren: string | null;
  legalType: LegalType;
  communeInsee: string;
  regionCode: string;
  departmentCode: string;
}

@Injectable()
export class PromotersRepository extends Repository {
  list(territory: Territory, filter: { legalType?: LegalType; q?: string }, after: string | undefined, take: number) {
    const where: Prisma.PromoterWhereInput = { ...territory };
    if (filter.legalType) where.legalType = filter.legalType;
    if (filter.q) where.name = { contains: filter.q, mode: 'insensitive' };
    if (after) where.id = { gt: after };
    return this.db.promoter.findMany({ where, orderBy: { id: 'asc' }, take });
  }

  find(territory: Territory, id: string): Promise<Promoter | null> {
    return this.db.promoter.findFirst({ where: { id, ...territory } });
  }

  create(data: PromoterData): Promise<Promoter> {
    return this.db.promoter.create({ data });
  }

  update(territory: Territory, id: string, version: number, data: Partial<PromoterData>): Promise<boolean> {
    return updateIfVersion(this.db.promoter, { id, ...territory }, version, data);
  }
}
