import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';
import type { Epci, Prisma } from '../generated/prisma/client.js';

@Injectable()
export class EpcisRepository extends Repository {
  /** An EPCI is in a territory when one of its member communes is. */
  list(territory: Territory, f: { q?: string; departmentCode?: string }, after: string | undefined, take: number): Promise<Epci[]> {
    const where: Prisma.EpciWhereInput = {
      communes: { some: { ...territory, ...(f.departmentCode && { AND: [{ departmentCode: f.departmentCode }] }) } },
    };
    if (f.q) where.name = { contains: f.q, mode: 'insensitive' };
    if (after) where.siren = { gt: after };
    return this.db.epci.findMany({ where, orderBy: { siren: 'asc' }, take });
  }

  find(territory: Territory, siren: string): Promise<Epci | null> {
    return this.db.epci.findFirst({ where: { siren, communes: { some: { ...territory } } } });
  }
}
