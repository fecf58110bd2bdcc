import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { PrismaService } from '../database/prisma.service.js';
import { updateIfVersion } from '../database/versioned.js';
import type { Tx } from '../audit/audit.repository.js';
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
export class PromotersRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(territory: Territory, filter: { legalType?: LegalType; q?: string }, after: string | undefined, take: number) {
    const where: Prisma.PromoterWhereInput = { ...territory };
    if (filter.legalType) where.legalType = filter.legalType;
    if (filter.q) where.name = { contains: filter.q, mode: 'insensitive' };
    if (after) where.id = { gt: after };
    return this.prisma.promoter.findMany({ where, orderBy: { id: 'asc' }, take });
  }

  find(territory: Territory, id: string, db: Tx | PrismaService = this.prisma): Promise<Promoter | null> {
    return db.promoter.findFirst({ where: { id, ...territory } });
  }

  create(tx: Tx, data: PromoterData): Promise<Promoter> {
    return tx.promoter.create({ data });
  }

  update(tx: Tx, territory: Territory, id: string, version: number, data: Partial<PromoterData>): Promise<boolean> {
    return updateIfVersion(tx.promoter, { id, ...territory }, version, data);
  }

}
