import { Injectable } from '@nestjs/common';
import type { Tx } from '../audit/audit.repository.js';
import type { Territory } from '../common/access/principal.js';
import { PrismaService } from '../database/prisma.service.js';
import type { AgendaPurpose, Prisma } from '../generated/prisma/client.js';

const withAgenda = { agendaItems: { include: { opinion: true }, orderBy: { createdAt: 'asc' } } } satisfies Prisma.CarpecSessionInclude;
export type SessionRow = Prisma.CarpecSessionGetPayload<{ include: typeof withAgenda }>;

/**
 * A séance of the region, with the agenda items (and opinions) of the dossiers in the
 * territory only: a département's caller sees the séance (date, title) and its own
 * département's items; an item of another département is simply absent. Same statement.
 */
const agendaIn = (territory: Territory) =>
  ({
    agendaItems: {
      ...(territory.departmentCode && { where: { application: { departmentCode: territory.departmentCode } } }),
      include: { opinion: true },
      orderBy: { createdAt: 'asc' },
    },
  }) satisfies Prisma.CarpecSessionInclude;

@Injectable()
export class CarpecRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(territory: Territory, after: string | undefined, take: number): Promise<SessionRow[]> {
    return this.prisma.carpecSession.findMany({
      where: { regionCode: territory.regionCode, ...(after && { id: { gt: after } }) },
      include: agendaIn(territory),
      orderBy: { id: 'asc' },
      take,
    });
  }

  find(territory: Territory, id: string, db: Tx | PrismaService = this.prisma): Promise<SessionRow | null> {
    return db.carpecSession.findFirst({ where: { id, regionCode: territory.regionCode }, include: agendaIn(territory) });
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
