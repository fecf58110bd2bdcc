import { Injectable } from '@nestjs/common';
import type { Tx } from '../audit/audit.repository.js';
import { PrismaService } from '../database/prisma.service.js';
import type { AgendaPurpose, Prisma } from '../generated/prisma/client.js';

const withAgenda = { agendaItems: { include: { opinion: true }, orderBy: { createdAt: 'asc' } } } satisfies Prisma.CarpecSessionInclude;
export type SessionRow = Prisma.CarpecSessionGetPayload<{ include: typeof withAgenda }>;

@Injectable()
export class CarpecRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(regionCode: string, after: string | undefined, take: number): Promise<SessionRow[]> {
    return this.prisma.carpecSession.findMany({
      where: { regionCode, ...(after && { id: { gt: after } }) },
      include: withAgenda,
      orderBy: { id: 'asc' },
      take,
    });
  }

  find(regionCode: string, id: string, db: Tx | PrismaService = this.prisma): Promise<SessionRow | null> {
    return db.carpecSession.findFirst({ where: { id, regionCode }, include: withAgenda });
  }

  create(tx: Tx, data: Prisma.CarpecSessionUncheckedCreateInput): Promise<SessionRow> {
    return tx.carpecSession.create({ data, include: withAgenda });
  }

  addItem(tx: Tx, sessionId: string, applicationId: string, purpose: AgendaPurpose) {
    return tx.carpecAgendaItem.create({ data: { sessionId, applicationId, purpose } });
  }

  /** The item of this session that awaits an opinion for the dossier, for this purpose. */
  openItem(tx: Tx, sessionId: string, applicationId: string, purpose: AgendaPurpose) {
    return tx.carpecAgendaItem.findFirst({ where: { sessionId, applicationId, purpose, opinion: null } });
  }

  addOpinion(tx: Tx, data: Prisma.CarpecOpinionUncheckedCreateInput) {
    return tx.carpecOpinion.create({ data });
  }
}
