import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { PrismaService } from '../database/prisma.service.js';
import { updateVersioned } from '../database/versioned.js';
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

  find(territory: Territory, id: string): Promise<Promoter | null> {
    return this.prisma.promoter.findFirst({ where: { id, ...territory } });
  }

  create(data: PromoterData): Promise<Promoter> {
    return this.prisma.promoter.create({ data });
  }

  async update(territory: Territory, id: string, expectedVersion: number | undefined, data: Partial<PromoterData>) {
    await updateVersioned(this.prisma.promoter, { id, ...territory }, expectedVersion, data, () => this.find(territory, id), `Promoter ${id}`);
    return (await this.find(territory, id))!;
  }
}
