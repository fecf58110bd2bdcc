import { Injectable } from '@nestjs/common';
import { AuditRepository, type Tx } from '../audit/audit.repository.js';
import { type Principal, territoryOf } from '../common/access/principal.js';
import { ApiProblem, businessRule, conflict, forbidden, invalid, notFound, preconditionFailed } from '../common/errors/problem.js';
import { type Page, pageOf } from '../common/http/pagination.js';
import { addMonths, daysBetween, fromDbDate, parisToday, toDbDate } from '../common/validation/dates.js';
import { PrismaService } from '../database/prisma.service.js';
import { EnvelopesRepository } from '../envelopes/envelopes.repository.js';
import type { ApplicationStatus, Prisma } from '../generated/prisma/client.js';
import { type ApplicationRow, ApplicationsRepository } from './applications.repository.js';
import type {
  ApplicationDto,
  ApplicationQuery,
  CompleteDto,
  DecisionDto,
  DeliverablesDto,
  EventDto,
  ReasonDto,
  ReceiptDto,
  SiteMeetingDto,
  SubmitDto,
} from './dto/application.dto.js';
import { eligibilityOf } from './eligibility.js';
import { type Action, allowedActions, decide, type DossierFacts, statusesOfStep, stepOf } from './workflow.js';

/** A récépissé due within this many days is flagged DUE_SOON. */
export const DUE_SOON_DAYS = 15;

export function receiptStatusOf(a: Pick<ApplicationRow, 'receiptDueOn' | 'receipt'>, today: string) {
  if (!a.receiptDueOn) return { receiptStatus: null, receiptLate: false };
  const due = fromDbDate(a.receiptDueOn);
  if (a.receipt) {
    const late = fromDbDate(a.receipt.issuedOn) > due;
    return { receiptStatus: late ? 'ISSUED_LATE' : 'ISSUED_ON_TIME', receiptLate: late };
  }
  if (today > due) return { receiptStatus: 'OVERDUE', receiptLate: true };
  return { receiptStatus: daysBetween(today, due) <= DUE_SOON_DAYS ? 'DUE_SOON' : 'PENDING', receiptLate: false };
}

export function toApplicationDto(a: ApplicationRow, principal: Principal, today = parisToday()): ApplicationDto {
  const decision = a.decisions[0];
  return {
    id: a.id,
    projectId: a.projectId,
    projectName: a.project.name,
    status: a.status,
    step: stepOf(a.status),
    eligible: a.eligible,
    eligibilityReasons: a.eligibilityReasons,
    assigneeId: a.assigneeId,
    regionCode: a.regionCode,
    departmentCode: a.departmentCode,
    kind: a.kind,
    zone: a.zone,
    siteMeeting: a.siteMeetingHeldOn
      ? { heldOn: fromDbDate(a.siteMeetingHeldOn), participants: a.siteMeetingParticipants ?? '', findings: a.siteMeetingFindings ?? '' }
      : null,
    decision: decision
      ? { outcome: decision.outcome, decidedOn: fromDbDate(decision.decidedOn), motivation: decision.motivation, differsFromOpinion: decision.differsFromOpinion }
      : null,
    deliverablesReceivedOn: a.deliverablesReceivedOn ? fromDbDate(a.deliverablesReceivedOn) : null,
    receiptDueOn: a.receiptDueOn ? fromDbDate(a.receiptDueOn) : null,
    ...receiptStatusOf(a, today),
    receipt: a.receipt
      ? { issuedOn: fromDbDate(a.receipt.issuedOn), finessEj: a.receipt.finessEj, finessEt: a.receipt.finessEt, late: a.receipt.late }
      : null,
    completionSummary: a.completionSummary,
    closingReason: a.closingReason,
    allowedActions: allowedActions(a.status, principal.role),
    lastEventAt: a.lastEventAt.toISOString(),
    version: a.version,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export interface Move {
  /** Column changes that go with the move. */
  data?: (app: ApplicationRow, to: ApplicationStatus) => Prisma.ApplicationUncheckedUpdateManyInput;
  event: { type: string; reason?: string; data?: Prisma.InputJsonValue };
  /** Checks that need the dossier (422), before anything is written. */
  check?: (app: ApplicationRow, tx: Tx) => Promise<void> | void;
  /** Rows written with the move (decision, récépissé, agenda item, opinion). */
  alsoWrite?: (tx: Tx, app: ApplicationRow, to: ApplicationStatus) => Promise<unknown>;
}

@Injectable()
export class ApplicationsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly applications: ApplicationsRepository,
    private readonly audit: AuditRepository,
    private readonly envelopes: EnvelopesRepository,
  ) {}

  async list(principal: Principal, query: ApplicationQuery): Promise<Page<ApplicationDto>> {
    let statuses: ApplicationStatus[] | undefined;
    if (query.step) statuses = statusesOfStep(query.step);
    if (query.status) statuses = statuses ? statuses.filter((s) => s === query.status) : [query.status];
    const filter = {
      statuses,
      departmentCode: query.departmentCode,
      zone: query.zone,
      kind: query.kind,
      q: query.q,
      updatedSince: query.updatedSince ? new Date(query.updatedSince) : undefined,
      assigneeId: query.assignee === 'me' ? principal.id : query.assignee,
    };
    const today = parisToday();
    return pageOf(query, (after, take) => this.applications.list(territoryOf(principal), filter, after, take), (r) => toApplicationDto(r, principal, today));
  }

  async get(principal: Principal, id: string): Promise<ApplicationDto> {
    const row = await this.applications.find(territoryOf(principal), id);
    if (!row) throw notFound(`Dossier ${id}`);
    return toApplicationDto(row, principal);
  }

  async create(principal: Principal, projectId: string): Promise<ApplicationDto> {
    const project = await this.applications.projectWithCommune(territoryOf(principal), projectId);
    if (!project) throw invalid([{ field: 'projectId', message: `no project ${projectId} in your territory` }]);
    const eligibility = eligibilityOf(project.commune);
    return this.prisma.$transaction(async (tx) => {
      const row = await this.applications.create(tx, {
        projectId: project.id,
        regionCode: project.regionCode,
        departmentCode: project.departmentCode,
        kind: project.kind,
        zone: project.commune.zone,
        eligible: eligibility.eligible,
        eligibilityReasons: eligibility.reasons,
        // The creator instructs the dossier until someone reassigns it.
        assigneeId: principal.kind === 'USER' ? principal.id : null,
        createdById: principal.kind === 'USER' ? principal.id : null,
      });
      await this.applications.addEvent(tx, row.id, {
        type: 'CREATED',
        actorId: principal.id,
        actorKind: principal.kind,
        toStatus: 'DRAFT',
        data: { eligible: eligibility.eligible, eligibilityReasons: eligibility.reasons },
      });
      const dto = toApplicationDto(row, principal);
      await this.audit.change(tx, principal, { entity: 'application', entityId: row.id, regionCode: row.regionCode, after: dto });
      return dto;
    });
  }

  async assign(principal: Principal, id: string, assigneeId: string | null, expectedVersion?: number): Promise<ApplicationDto> {
    if (assigneeId !== null) {
      const user = await this.applications.userInRegion(assigneeId, principal.regionCode);
      if (!user || !['INSTRUCTOR', 'DIRECTOR'].includes(user.role)) {
        throw invalid([{ field: 'assigneeId', message: 'must be an active instructor or director of your ARS' }]);
      }
    }
    const territory = territoryOf(principal);
    return this.prisma.$transaction(async (tx) => {
      const before = await this.applications.find(territory, id, tx);
      if (!before) throw notFound(`Dossier ${id}`);
      if (expectedVersion !== undefined && expectedVersion !== before.version) throw preconditionFailed(before.version);
      if (!(await this.applications.setAssignee(tx, id, before.version, assigneeId))) {
        const now = await this.applications.find(territory, id, tx);
        // 412 answers an If-Match; a request without one lost a race: 409.
        if (expectedVersion === undefined) throw changedMeanwhile(now?.status ?? before.status, principal);
        throw preconditionFailed(now?.version ?? before.version);
      }
      await this.applications.addEvent(tx, id, {
        type: 'ASSIGNED', actorId: principal.id, actorKind: principal.kind, data: { from: before.assigneeId, to: assigneeId },
      });
      const after = (await this.applications.find(territory, id, tx))!;
      await this.audit.change(tx, principal, {
        action: 'application.assign', entity: 'application', entityId: id, regionCode: after.regionCode,
        before: { assigneeId: before.assigneeId }, after: { assigneeId },
      });
      return toApplicationDto(after, principal);
    });
  }

  async events(principal: Principal, id: string, query: { limit?: number; cursor?: string }): Promise<Page<EventDto>> {
    if (!(await this.applications.find(territoryOf(principal), id))) throw notFound(`Dossier ${id}`);
    return pageOf(query, (after, take) => this.applications.events(id, after, take), (e) => ({
      at: e.at.toISOString(),
      actor: { id: e.actorId, kind: e.actorKind },
      type: e.type,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      reason: e.reason,
      data: e.data,
    }));
  }

  // ---------------------------------------------------------------- the moves

  siteMeeting(p: Principal, id: string, dto: SiteMeetingDto, v?: number) {
    return this.transition(p, id, 'RECORD_SITE_MEETING', v, {
      data: () => ({ siteMeetingHeldOn: toDbDate(dto.heldOn), siteMeetingParticipants: dto.participants, siteMeetingFindings: dto.findings }),
      event: { type: 'SITE_MEETING_RECORDED', data: { heldOn: dto.heldOn } },
    });
  }

  submit(p: Principal, id: string, dto: SubmitDto, v?: number) {
    return this.transition(p, id, 'SUBMIT', v, {
      event: { type: 'SUBMITTED', data: { receivedOn: dto.receivedOn ?? parisToday() } },
    });
  }

  decide(p: Principal, id: string, dto: DecisionDto, v?: number) {
    if (dto.outcome === 'REJECTED' && !dto.motivation?.trim()) {
      throw invalid([{ field: 'motivation', message: 'is required to reject' }]);
    }
    let differs = false;
    return this.transition(p, id, dto.outcome === 'APPROVED' ? 'APPROVE' : 'REJECT', v, {
      check: async (app, tx) => {
        const opinion = await this.applications.hasOpinion(tx, app.id);
        // The DG may decide against the CARPEC's opinion: the decision keeps track of it.
        differs = opinion !== null && (dto.outcome === 'APPROVED') !== (opinion.outcome !== 'UNFAVORABLE');
      },
      event: { type: dto.outcome === 'APPROVED' ? 'APPROVED' : 'REJECTED', reason: dto.motivation, data: { decidedOn: dto.decidedOn } },
      alsoWrite: (tx, app) =>
        tx.decision.create({
          data: { applicationId: app.id, outcome: dto.outcome, decidedOn: toDbDate(dto.decidedOn), motivation: dto.motivation ?? null, differsFromOpinion: differs, decidedById: p.id },
        }),
    });
  }

  deliverables(p: Principal, id: string, dto: DeliverablesDto, v?: number) {
    const due = addMonths(dto.receivedOn, 2);
    return this.transition(p, id, 'RECEIVE_DELIVERABLES', v, {
      data: () => ({ deliverablesReceivedOn: toDbDate(dto.receivedOn), receiptDueOn: toDbDate(due) }),
      event: { type: 'DELIVERABLES_RECEIVED', data: { receivedOn: dto.receivedOn, receiptDueOn: due } },
    });
  }

  receipt(p: Principal, id: string, dto: ReceiptDto, v?: number) {
    return this.transition(p, id, 'ISSUE_RECEIPT', v, {
      check: (app) => {
        if (app.deliverablesReceivedOn && dto.issuedOn < fromDbDate(app.deliverablesReceivedOn)) {
          throw businessRule('receipt-before-deliverables', `The récépissé cannot be issued (${dto.issuedOn}) before the deliverables were received (${fromDbDate(app.deliverablesReceivedOn)}).`);
        }
      },
      event: { type: 'RECEIPT_ISSUED', data: { issuedOn: dto.issuedOn, finessEj: dto.finessEj, finessEt: dto.finessEt } },
      alsoWrite: (tx, app) =>
        tx.receipt.create({
          data: {
            applicationId: app.id,
            issuedOn: toDbDate(dto.issuedOn),
            finessEj: dto.finessEj,
            finessEt: dto.finessEt,
            late: app.receiptDueOn !== null && dto.issuedOn > fromDbDate(app.receiptDueOn),
            issuedById: p.id,
          },
        }),
    });
  }

  complete(p: Principal, id: string, dto: CompleteDto, v?: number) {
    return this.transition(p, id, 'COMPLETE', v, {
      data: () => ({ completionSummary: dto.summary }),
      event: { type: 'COMPLETED', data: { summary: dto.summary } },
    });
  }

  // Withdrawing or closing gives back to the envelopes what a committed plan consumed.
  withdraw(p: Principal, id: string, dto: ReasonDto, v?: number) {
    return this.transition(p, id, 'WITHDRAW', v, {
      data: () => ({ closingReason: dto.reason }),
      event: { type: 'WITHDRAWN', reason: dto.reason },
      alsoWrite: (tx, app) => this.envelopes.releaseApplication(tx, app.id, p.id, `dossier withdrawn: ${dto.reason}`),
    });
  }

  close(p: Principal, id: string, dto: ReasonDto, v?: number) {
    return this.transition(p, id, 'CLOSE', v, {
      data: () => ({ closingReason: dto.reason }),
      event: { type: 'CLOSED', reason: dto.reason },
      alsoWrite: (tx, app) => this.envelopes.releaseApplication(tx, app.id, p.id, `dossier closed: ${dto.reason}`),
    });
  }

  /**
   * One move, in one transaction: read the dossier in the caller's territory, ask the
   * workflow, move it only if it is still where it was read (status and version), write the
   * event, the rows that go with the move, and the audit row. Of N simultaneous identical
   * moves exactly one succeeds; the others answer 409.
   */
  async transition(principal: Principal, id: string, action: Action, expectedVersion: number | undefined, move: Move): Promise<ApplicationDto> {
    const territory = territoryOf(principal);
    return this.prisma.$transaction(async (tx) => {
      const app = await this.applications.find(territory, id, tx);
      if (!app) throw notFound(`Dossier ${id}`);
      if (expectedVersion !== undefined && expectedVersion !== app.version) throw preconditionFailed(app.version);

      const facts = await this.factsFor(tx, app, action);
      const verdict = decide(app.status, action, principal.role, facts);
      if (!verdict.ok) {
        if (verdict.kind === 'FORBIDDEN') throw forbidden(verdict.detail);
        if (verdict.kind === 'ILLEGAL') throw illegalMove(app.status, verdict.detail, allowedActions(app.status, principal.role));
        throw businessRule(verdict.breach.rule, verdict.breach.detail);
      }
      await move.check?.(app, tx);

      const data = { status: verdict.to, ...move.data?.(app, verdict.to) };
      if (action === 'APPROVE') Object.assign(data, { eligible: facts.eligible, eligibilityReasons: facts.eligibilityReasons });
      if (!(await this.applications.move(tx, id, app.status, app.version, data))) {
        const now = await this.applications.find(territory, id, tx);
        if (now && now.status !== app.status) {
          throw illegalMove(now.status, `The dossier moved to ${now.status} meanwhile.`, allowedActions(now.status, principal.role));
        }
        // 412 answers an If-Match; a request without one lost a race: 409.
        if (expectedVersion === undefined) throw changedMeanwhile(now?.status ?? app.status, principal);
        throw preconditionFailed(now?.version ?? app.version);
      }
      await this.applications.addEvent(tx, id, {
        type: move.event.type,
        actorId: principal.id,
        actorKind: principal.kind,
        fromStatus: app.status,
        toStatus: verdict.to,
        reason: move.event.reason,
        data: move.event.data,
      });
      await move.alsoWrite?.(tx, app, verdict.to);
      const after = (await this.applications.find(territory, id, tx))!;
      const dto = toApplicationDto(after, principal);
      await this.audit.change(tx, principal, {
        action: `application.${action.toLowerCase()}`,
        entity: 'application',
        entityId: id,
        regionCode: after.regionCode,
        before: { status: app.status, version: app.version },
        after: { status: after.status, version: after.version, event: move.event.type },
      });
      return dto;
    });
  }

  private async factsFor(tx: Tx, app: ApplicationRow, action: Action): Promise<DossierFacts> {
    const facts: DossierFacts = {
      existing: app.project.existing,
      eligible: app.eligible,
      eligibilityReasons: app.eligibilityReasons,
      convention: app.project.convention,
      hasOpinion: app.status === 'AWAITING_DECISION',
    };
    if (action === 'APPROVE' || action === 'REJECT') {
      // Decided on the commune's zoning of today, which the ARS may have revised since creation.
      const { project } = await this.applications.commune(tx, app.id);
      const eligibility = eligibilityOf(project.commune);
      facts.eligible = eligibility.eligible;
      facts.eligibilityReasons = eligibility.reasons;
      facts.hasOpinion = (await this.applications.hasOpinion(tx, app.id)) !== null;
    }
    return facts;
  }
}

export function illegalMove(status: ApplicationStatus, detail: string, allowed: Action[]): ApiProblem {
  return conflict(detail, { currentStatus: status, allowedActions: allowed });
}

/** Another write changed the dossier between its read and this one's (a request without If-Match). */
const changedMeanwhile = (status: ApplicationStatus, principal: Principal): ApiProblem =>
  illegalMove(status, 'The dossier was changed by another request meanwhile; read it again and retry.', allowedActions(status, principal.role));
