import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';
import type { AgendaPurpose, Prisma } from '../generated/prisma/client.js';

/** What an agenda item shows of its dossier: the project's name and the département. */
const dossier = { application: { select: { departmentCode: true, project: { select: { name: true } } } } } satisfies Prisma.CarpecAgendaItemInclude;
const withAgenda = { agendaItems: { include: { opinion: true, ...dossier }, orderBy: { createdAt: 'asc' } } } satisfies Prisma.CarpecSessionInclude;
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
      include: { opinion: true, ...dossier },
      orderBy: { createdAt: 'asc' },
    },
  }) satisfies Prisma.CarpecSessionInclude;

@Injectable()
export class CarpecRepository extends Repository {
  list(territory: Territory, after: string | undefined, take: number): Promise<SessionRow[]> {
    return this.db.carpecSession.findMany({
      where: { regionCode: territory.regionCode, ...(after && { id: { gt: after } }) },
      include: agendaIn(territory),
      orderBy: { id: 'asc' },
      take,
    });
  }

  find(territory: Territory, id: string): Promise<SessionRow | null> {
    return this.db.carpecSession.findFirst({ where: { id, regionCode: territory.regionCode }, include: agendaIn(territory) });
  }

  create(data: Prisma.CarpecSessionUncheckedCreateInput): Promise<SessionRow> {
    return this.db.carpecSession.create({ data, include: withAgenda });
  }

  addItem(sessionId: string, applicationId: string, purpose: AgendaPurpose) {
    return this.db.carpecAgendaItem.create({ data: { sessionId, applicationId, purpose }, include: dossier });
  }

  /** The item of this session that awaits an opinion for the dossier, for this purpose. */
  openItem(sessionId: string, applicationId: string, purpose: AgendaPurpose) {
    return this.db.carpecAgendaItem.findFirst({ where: { sessionId, applicationId, purpose, opinion: null } });
  }

  addOpinion(data: Prisma.CarpecOpinionUncheckedCreateInput) {
    return this.db.carpecOpinion.create({ data });
  }
}
