import { Injectable } from '@nestjs/common';
import type { Tx } from '../audit/audit.repository.js';
import { PrismaService } from '../database/prisma.service.js';
import type { Organization, Prisma } from '../generated/prisma/client.js';

@Injectable()
export class OrganizationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(regionCode: string, after: string | undefined, take: number): Promise<Organization[]> {
    return this.prisma.organization.findMany({
      where: { regionCode, ...(after && { id: { gt: after } }) },
      orderBy: { id: 'asc' },
      take,
    });
  }

  find(regionCode: string, id: string, db: Tx | PrismaService = this.prisma): Promise<Organization | null> {
    return db.organization.findFirst({ where: { id, regionCode } });
  }

  create(tx: Tx, data: Prisma.OrganizationUncheckedCreateInput): Promise<Organization> {
    return tx.organization.create({ data });
  }
}
