import { Injectable } from '@nestjs/common';
import { toDbDate } from '../common/validation/dates.js';
import { Repository } from '../database/repository.js';
import { type CallForApplications, type CallProcedure, Prisma } from '../generated/prisma/client.js';

export interface CallData {
  regionCode: string;
  departmentCodes: string[];
  title: string;
  opensOn: Date;
  closesOn: Date;
  procedure: CallProcedure;
  dsDemarcheNumber: number | null;
  dsTokenCipher: string | null;
  dsInstructeurId?: string | null;
  dsStatusAnnotationId?: string | null;
  dsMessages?: boolean;
  dsSyncedUntil?: Date | null;
  /** null: no mapping (another démarche, or none). */
  mapping?: object[] | null;
  mappingRevision?: string | null;
  mappingDefaults?: object | null;
}

@Injectable()
export class CallsRepository extends Repository {
  create(data: Omit<CallData, 'mapping' | 'mappingRevision' | 'mappingDefaults'>): Promise<CallForApplications> {
    return this.db.callForApplications.create({ data });
  }

  /** The call, in the region (any of its départements' callers read it: a call is public). */
  find(regionCode: string, id: string): Promise<CallForApplications | null> {
    return this.db.callForApplications.findFirst({ where: { id, regionCode } });
  }

  list(regionCode: string, f: { procedure?: CallProcedure; openOn?: string }, after: string | undefined, take: number): Promise<CallForApplications[]> {
    const day = f.openOn ? toDbDate(f.openOn) : undefined;
    return this.db.callForApplications.findMany({
      where: {
        regionCode,
        ...(f.procedure && { procedure: f.procedure }),
        ...(day && { opensOn: { lte: day }, closesOn: { gte: day } }),
        ...(after && { id: { gt: after } }),
      },
      orderBy: { id: 'asc' },
      take,
    });
  }

  /** Writes only while the call is still at `version`, bumping it. */
  async update(id: string, version: number, data: Partial<CallData>): Promise<CallForApplications | null> {
    const { mapping, mappingDefaults, ...rest } = data;
    const jsonOf = (v: object | null) => (v === null ? Prisma.DbNull : (v as Prisma.InputJsonValue));
    const json = {
      ...(mapping !== undefined && { mapping: jsonOf(mapping) }),
      ...(mappingDefaults !== undefined && { mappingDefaults: jsonOf(mappingDefaults) }),
    };
    const { count } = await this.db.callForApplications.updateMany({ where: { id, version }, data: { ...rest, ...json, version: { increment: 1 } } });
    return count === 1 ? this.db.callForApplications.findUnique({ where: { id } }) : null;
  }
}
