import { Injectable } from '@nestjs/common';
import { ApplicationsService, assertDateOrder, knownDates } from '../applications/applications.service.js';
import { AuditedWrites } from '../audit/audited-writes.js';
import { type Principal, territoryOf } from '../common/access/principal.js';
import { businessRule, conflict, notFound } from '../common/errors/problem.js';
import { type Page, type PageQuery, pageOf } from '../common/http/pagination.js';
import { fromDbDate, parisToday, toDbDate } from '../common/validation/dates.js';
import { CarpecRepository, type SessionRow } from './carpec.repository.js';
import type { AgendaItemDto, AgendaItemViewDto, CreateSessionDto, OpinionDto, OpinionViewDto, SessionDto } from './dto/carpec.dto.js';

export const toSessionDto = (s: SessionRow): SessionDto => ({
  id: s.id,
  regionCode: s.regionCode,
  sessionDate: fromDbDate(s.sessionDate),
  title: s.title,
  agenda: s.agendaItems.map((i) => ({
    id: i.id,
    sessionId: i.sessionId,
    applicationId: i.applicationId,
    projectName: i.application.project.name,
    departmentCode: i.application.departmentCode,
    purpose: i.purpose,
    outcome: i.opinion?.outcome ?? null,
    reservations: i.opinion?.reservations ?? null,
    createdAt: i.createdAt.toISOString(),
  })),
  version: s.version,
  createdAt: s.createdAt.toISOString(),
});

@Injectable()
export class CarpecService {
  constructor(
    private readonly sessions: CarpecRepository,
    private readonly applications: ApplicationsService,
    private readonly writes: AuditedWrites,
  ) {}

  async list(p: Principal, query: PageQuery): Promise<Page<SessionDto>> {
    return pageOf(query, (after, take) => this.sessions.list(territoryOf(p), after, take), toSessionDto);
  }

  async get(p: Principal, id: string): Promise<SessionDto> {
    const row = await this.sessions.find(territoryOf(p), id);
    if (!row) throw notFound(`CARPEC session ${id}`);
    return toSessionDto(row);
  }

  create(p: Principal, dto: CreateSessionDto): Promise<SessionDto> {
    return this.writes.create(p, {
      entity: 'carpec_session',
      write: () => this.sessions.create({ regionCode: p.regionCode, sessionDate: toDbDate(dto.sessionDate), title: dto.title }),
      view: toSessionDto,
    });
  }

  /** OPINION: a SUBMITTED dossier goes to CARPEC_REVIEW; INFORMATION: a RECEIPT_ISSUED one is listed. */
  async addToAgenda(p: Principal, sessionId: string, dto: AgendaItemDto): Promise<AgendaItemViewDto> {
    const session = await this.sessions.find(territoryOf(p), sessionId);
    if (!session) throw notFound(`CARPEC session ${sessionId}`);
    const { written: item } = await this.applications.transition(p, dto.applicationId, dto.purpose === 'OPINION' ? 'SCHEDULE_OPINION' : 'SCHEDULE_INFORMATION', undefined, {
      event: { type: dto.purpose === 'OPINION' ? 'CARPEC_OPINION_SCHEDULED' : 'CARPEC_INFORMATION_SCHEDULED', data: { sessionId, sessionDate: fromDbDate(session.sessionDate) } },
      check: async (app) => {
        if (await this.sessions.openItem(sessionId, dto.applicationId, dto.purpose)) {
          throw conflict(`The dossier is already on this session's agenda for ${dto.purpose}.`);
        }
        // The séance that gives the opinion comes after the request (docs/domain.md, Dates follow the procedure).
        if (dto.purpose === 'OPINION') assertDateOrder('CARPEC_SESSION', fromDbDate(session.sessionDate), knownDates(app));
      },
      alsoWrite: () => this.sessions.addItem(sessionId, dto.applicationId, dto.purpose),
    });
    return toSessionDto({ ...session, agendaItems: [{ ...item!, opinion: null }] }).agenda[0];
  }

  /** The CARPEC's avis (or NOTED for information), recorded after its séance. */
  async recordOpinion(p: Principal, sessionId: string, dto: OpinionDto): Promise<OpinionViewDto> {
    const session = await this.sessions.find(territoryOf(p), sessionId);
    if (!session) throw notFound(`CARPEC session ${sessionId}`);
    if (fromDbDate(session.sessionDate) > parisToday()) {
      throw businessRule('session-not-held', `The séance of ${fromDbDate(session.sessionDate)} has not taken place yet.`);
    }
    const purpose = dto.outcome === 'NOTED' ? 'INFORMATION' : 'OPINION';
    const { dossier, written: opinion } = await this.applications.transition(p, dto.applicationId, purpose === 'OPINION' ? 'RECORD_OPINION' : 'NOTE_INFORMATION', undefined, {
      event: {
        type: purpose === 'OPINION' ? 'CARPEC_OPINION_RECORDED' : 'CARPEC_INFORMATION_NOTED',
        data: { sessionId, outcome: dto.outcome, reservations: dto.reservations ?? null },
      },
      check: async (app) => {
        if (!(await this.sessions.openItem(sessionId, dto.applicationId, purpose))) {
          throw businessRule('not-on-agenda', `The dossier is not on this session's agenda for ${purpose === 'OPINION' ? 'an opinion' : 'information'} (or it was given already).`);
        }
        if (purpose === 'OPINION') assertDateOrder('CARPEC_SESSION', fromDbDate(session.sessionDate), knownDates(app));
      },
      alsoWrite: async () => {
        const item = (await this.sessions.openItem(sessionId, dto.applicationId, purpose))!;
        return this.sessions.addOpinion({
          sessionId,
          applicationId: dto.applicationId,
          agendaItemId: item.id,
          outcome: dto.outcome,
          reservations: dto.reservations ?? null,
          recordedById: p.id,
        });
      },
    });
    return {
      id: opinion!.id,
      sessionId,
      applicationId: dto.applicationId,
      outcome: opinion!.outcome,
      reservations: opinion!.reservations,
      applicationStatus: dossier.status,
      createdAt: opinion!.createdAt.toISOString(),
    };
  }
}
