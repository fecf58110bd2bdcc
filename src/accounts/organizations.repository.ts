import { Injectable } from '@nestjs/common';
import { Repository } from '../database/repository.js';
import { updateIfVersion } from '../database/versioned.js';
import type { Funder, Organization, Prisma } from '../generated/prisma/client.js';

@Injectable()
export class OrganizationsRepository extends Repository {
  list(regionCode: string, after: string | undefined, take: number): Promise<Organization[]> {
    return this.db.organization.findMany({
      where: { regionCode, ...(after && { id: { gt: after } }) },
      orderBy: { id: 'asc' },
      take,
    });
  }

  find(regionCode: string, id: string): Promise<Organization | null> {
    return this.db.organization.findFirst({ where: { id, regionCode } });
  }

  /** The region's ARS (the first one created). */
  arsOf(regionCode: string): Promise<Organization | null> {
    return this.db.organization.findFirst({ where: { type: 'ARS', regionCode }, orderBy: { createdAt: 'asc' } });
  }

  create(data: Prisma.OrganizationUncheckedCreateInput): Promise<Organization> {
    return this.db.organization.create({ data });
  }

  update(regionCode: string, id: string, version: number, data: { name?: string; funders?: Funder[] }): Promise<boolean> {
    return updateIfVersion(this.db.organization, { id, regionCode }, version, data);
  }
}
