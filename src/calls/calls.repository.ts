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
  /** null: no mapping (another démarche, or none). */
  mapping?: object[] | null;
  mappingRevision?: string | null;
}

@Injectable()
export class CallsRepository extends Repository {
  create(data: Omit<CallData, 'mapping' | 'mappingRevision'>): Promise<CallForApplications> {
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
    const { mapping, ...rest } = data;
    const json = mapping === undefined ? {} : { mapping: mapping === null ? Prisma.DbNull : (mapping as Prisma.InputJsonValue) };
    const { count } = await this.db.callForApplications.updateMany({ where: { id, version }, data: { ...rest, ...json, version: { increment: 1 } } });
    return count === 1 ? this.db.callForApplications.findUnique({ where: { id } }) : null;
  }
}
