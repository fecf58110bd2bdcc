import { moveEvents } from '../outbox/dossier-events.js';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import { CallsRepository } from '../calls/calls.repository.js';
import { Injectable } from '@nestjs/common';
import { AuditedWrites } from '../audit/audited-writes.js';
import { PlanRelease } from '../funding/plan-release.js';
import { INSTRUCTORS } from '../common/access/roles.js';
import { type Principal, territoryOf } from '../common/access/principal.js';
import { ApiProblem, businessRule, conflict, forbidden, invalid, notFound, preconditionFailed } from '../common/errors/problem.js';
import { type Page, pageOf } from '../common/http/pagination.js';
import { addMonths, daysBetween, fromDbDate, parisToday, toDbDate } from '../common/validation/dates.js';
import type { ApplicationStatus, Prisma } from '../generated/prisma/client.js';
import { type ApplicationRow, ApplicationsRepository, type MoveData } from './applications.repository.js';
import type {
  ApplicationDto,
  ApplicationQuery,
  AttestationDto,
  AttestationViewDto,
  AuditPlanDto,
  ApplicationDsDto,
  CompleteDto,
  DecisionDto,
  DeliverablesDto,
  EventDto,
  ReasonDto,
  ReceiptDto,
  SiteMeetingDto,
  SubmitDto,
  UpdateApplicationDto,
} from './dto/application.dto.js';
import { eligibilityOf, warningsOf } from './eligibility.js';
import { type DatedEvent, dateOrderBreach, type KnownDates } from './procedure-dates.js';
import { changesBetween, type DossierValues } from '../calls/mapping.js';
import { type Action, allowedActions, checklist, decide, type DossierFacts, statusesOfStep, stepOf } from './workflow.js';
import type { Procedure } from '../generated/prisma/enums.js';

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

/** The dates the dossier already has, for the procedure's order (the séance is looked up where needed). */
export function knownDates(a: ApplicationRow): KnownDates {
  const decision = a.decisions[0];
  return {
    SITE_MEETING: a.siteMeetingHeldOn ? fromDbDate(a.siteMeetingHeldOn) : null,
    REQUEST: a.requestReceivedOn ? fromDbDate(a.requestReceivedOn) : null,
    DECISION: decision ? fromDbDate(decision.decidedOn) : null,
    DELIVERABLES: a.deliverablesReceivedOn ? fromDbDate(a.deliverablesReceivedOn) : null,
  };
}

/** 422 `dates-out-of-order` when `event` dated `date` would precede an earlier event of the dossier. */
export function assertDateOrder(event: DatedEvent, date: string, known: KnownDates): void {
  const breach = dateOrderBreach(event, date, known);
  if (breach) {
    const { rule, detail, ...values } = breach;
    throw businessRule(rule, detail, values);
  }
}

export function toApplicationDto(a: ApplicationRow, principal: Principal, today = parisToday()): ApplicationDto {
  const decision = a.decisions[0];
  const answers = new Map(a.attestations.map((x) => [x.code, x]));
  return {
    id: a.id,
    projectId: a.projectId,
    projectName: a.project.name,
    procedure: a.procedure,
    status: a.status,
    step: stepOf(a.status),
    eligible: a.eligible,
    eligibilityReasons: a.eligibilityReasons,
    // Computed at read: a dossier follows its project.
    warnings: warningsOf(a.project).map((w) => ({ ...w, answered: answers.has(w.rule), answer: answers.get(w.rule)?.note ?? null })),
    attestations: a.attestations.map(toAttestationView),
    letterOfIntentRequested: a.letterOfIntentRequested,
    assigneeId: a.assigneeId,
    regionCode: a.regionCode,
    departmentCode: a.departmentCode,
    kind: a.kind,
    zone: a.zone,
    siteMeeting: a.siteMeetingHeldOn ? { heldOn: fromDbDate(a.siteMeetingHeldOn), participants: a.siteMeetingParticipants ?? '', findings: a.siteMeetingFindings ?? '' } : null,
    requestReceivedOn: a.requestReceivedOn ? fromDbDate(a.requestReceivedOn) : null,
    decision: decision
      ? { outcome: decision.outcome, decidedOn: fromDbDate(decision.decidedOn), motivation: decision.motivation, differsFromOpinion: decision.differsFromOpinion }
      : null,
    deliverablesReceivedOn: a.deliverablesReceivedOn ? fromDbDate(a.deliverablesReceivedOn) : null,
    receiptDueOn: a.receiptDueOn ? fromDbDate(a.receiptDueOn) : null,
    ...receiptStatusOf(a, today),
    receipt: a.receipt ? { issuedOn: fromDbDate(a.receipt.issuedOn), finessEj: a.receipt.finessEj, finessEt: a.receipt.finessEt, late: a.receipt.late } : null,
    completionSummary: a.completionSummary,
    auditPlan: a.auditPlanDeliveredOn ? { deliveredOn: fromDbDate(a.auditPlanDeliveredOn), summary: a.auditPlanSummary ?? '' } : null,
    detrConfirmation: a.detrDecision ? { decision: a.detrDecision, reason: a.detrReason ?? '', decidedAt: a.detrDecidedAt ? a.detrDecidedAt.toISOString() : null } : null,
    closingReason: a.closingReason,
    callId: a.callId,
    ds: a.ds && {
      number: a.ds.number,
      state: a.ds.state,
      url: a.ds.url,
      syncedAt: new Date(a.ds.syncedAt).toISOString(),
      pendingChanges: changesBetween(a.ds.appliedValues as DossierValues, a.ds.readValues as DossierValues) as ApplicationDsDto['pendingChanges'],
    },
    allowedActions: allowedActions(a.procedure, a.status, principal.role),
    checklist: checklist(a.status, factsOf(a)),
    lastEventAt: a.lastEventAt.toISOString(),
    version: a.version,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** What the workflow's guards look at, as the dossier row gives it (decisions look again at the commune and the opinion). */
export const factsOf = (app: ApplicationRow): DossierFacts => ({
  procedure: app.procedure,
  existing: app.project.existing,
  nature: app.project.nature,
  eligible: app.eligible,
  eligibilityReasons: app.eligibilityReasons,
  convention: app.project.convention,
  hasOpinion: app.status === 'AWAITING_DECISION',
  kind: app.kind,
  letterOfIntentRequested: app.letterOfIntentRequested,
  pieces: app.pieces,
});

const toAttestationView = (x: ApplicationRow['attestations'][number]): AttestationViewDto => ({
  code: x.code,
  note: x.note,
  attestedBy: x.attestedById,
  attestedAt: x.attestedAt.toISOString(),
});

export interface Move<W, C = void> {
  /** Column changes that go with the move. */
  data?: (app: ApplicationRow, to: ApplicationStatus) => Omit<MoveData, 'status'>;
  event: { type: string; reason?: string; data?: Prisma.InputJsonValue };
  /** Checks that need the dossier (422), before anything is written; what they read goes on to `alsoWrite`. */
  check?: (app: ApplicationRow) => Promise<C> | C;
  /** Rows written with the move (decision, récépissé, agenda item, opinion): what it gives is answered. */
  alsoWrite?: (app: ApplicationRow, to: ApplicationStatus, checked: C) => Promise<W>;
}

/**
 * What another feature writes with a move, in its transaction, once the move and its rows are
 * written (the letters of the DG's decisions): a failure undoes the move.
 */
export type MoveListener = (principal: Principal, dossierId: string, action: Action) => Promise<void>;

@Injectable()
export class ApplicationsService {
  private readonly listeners = new Map<Action, MoveListener[]>();

  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly writes: AuditedWrites,
    private readonly plans: PlanRelease,
    private readonly outbox: OutboxRepository,
    private readonly calls: CallsRepository,
  ) {}

  /** Registers what is written with these moves (by a module that depends on this one: no cycle). */
  onMove(actions: Action[], listener: MoveListener): void {
    for (const action of actions) this.listeners.set(action, [...(this.listeners.get(action) ?? []), listener]);
  }

  async list(principal: Principal, query: ApplicationQuery): Promise<Page<ApplicationDto>> {
    let statuses: ApplicationStatus[] | undefined;
    if (query.step) statuses = statusesOfStep(query.step);
    if (query.status) statuses = statuses ? statuses.filter((s) => s === query.status) : [query.status];
    const filter = {
      statuses,
      departmentCode: query.departmentCode,
      zone: query.zone,
      kind: query.kind,
      procedure: query.procedure,
      q: query.q,
      updatedSince: query.updatedSince ? new Date(query.updatedSince) : undefined,
      assigneeId: query.assignee === 'me' ? principal.id : query.assignee,
      callId: query.callId,
    };
    const today = parisToday();
    return pageOf(
      query,
      (after, take) => this.applications.list(territoryOf(principal), filter, after, take),
      (r) => toApplicationDto(r, principal, today),
    );
  }

  async get(principal: Principal, id: string): Promise<ApplicationDto> {
    const row = await this.applications.find(territoryOf(principal), id);
    if (!row) throw notFound(`Dossier ${id}`);
    return toApplicationDto(row, principal);
  }

  async create(principal: Principal, projectId: string, procedure: Procedure = 'ACCOMPANIMENT', callId?: string): Promise<ApplicationDto> {
    const project = await this.applications.projectWithCommune(territoryOf(principal), projectId);
    if (!project) throw invalid([{ field: 'projectId', message: `no project ${projectId} in your territory` }]);
    if (callId) await this.checkCall(principal, callId, procedure, project.departmentCode);
    if (procedure === 'AUDIT' && !project.existing) {
      throw businessRule(
        'audit-existing-centre',
        `An audit is for an existing centre (antennes included): the project "${project.name}" is not an existing centre (existing: false).`,
        { projectId: project.id, existing: project.existing },
      );
    }
    const eligibility = eligibilityOf(project.commune, project);
    return this.writes.create(principal, {
      entity: 'application',
      write: () =>
        this.applications.create({
          projectId: project.id,
          procedure,
          regionCode: project.regionCode,
          departmentCode: project.departmentCode,
          kind: project.kind,
          zone: project.commune.zone,
          eligible: eligibility.eligible,
          eligibilityReasons: eligibility.reasons,
          // The creator instructs the dossier until someone reassigns it.
          assigneeId: principal.kind === 'USER' ? principal.id : null,
          createdById: principal.kind === 'USER' ? principal.id : null,
          callId: callId ?? null,
        }),
      also: (row) =>
        this.applications.addEvent(row.id, {
          type: 'CREATED',
          actorId: principal.id,
          actorKind: principal.kind,
          toStatus: 'DRAFT',
          data: { procedure, eligible: eligibility.eligible, eligibilityReasons: eligibility.reasons, ...(callId && { callId }) },
        }),
      view: (row) => toApplicationDto(row, principal),
    });
  }

  /** PATCH: the instructor in charge, and whether the ARS asked the promoter for a letter of intent. */
  /** A dossier answers a call of its region, open to its département, for its procedure (422 naming what differs). */
  private async checkCall(principal: Principal, callId: string, procedure: Procedure, departmentCode: string): Promise<void> {
    const call = await this.calls.find(principal.regionCode, callId);
    if (!call) throw invalid([{ field: 'callId', message: `no call ${callId} in your region` }]);
    const opens = call.procedure === 'AUDIT' ? 'AUDIT' : 'ACCOMPANIMENT';
    if (opens !== procedure) {
      throw businessRule(
        'call-procedure',
        `The call "${call.title}" opens ${call.procedure === 'AUDIT' ? 'audits' : 'étape 1 requests (accompaniment)'}; this dossier's procedure is ${procedure}.`,
        {
          callProcedure: call.procedure,
          procedure,
        },
      );
    }
    if (call.departmentCodes.length && !call.departmentCodes.includes(departmentCode)) {
      throw businessRule('call-territory', `The call "${call.title}" is open to départements ${call.departmentCodes.join(', ')}; the project is in ${departmentCode}.`, {
        departmentCodes: call.departmentCodes,
        departmentCode,
      });
    }
  }

  async update(principal: Principal, id: string, dto: UpdateApplicationDto, expectedVersion?: number): Promise<ApplicationDto> {
    const { assigneeId, letterOfIntentRequested } = dto;
    if (assigneeId === undefined && letterOfIntentRequested === undefined) {
      throw invalid([{ field: 'body', message: 'give assigneeId or letterOfIntentRequested' }]);
    }
    if (assigneeId !== undefined && assigneeId !== null) {
      const user = await this.applications.userInRegion(assigneeId, principal.regionCode);
      if (!user || !INSTRUCTORS.includes(user.role)) {
        throw invalid([{ field: 'assigneeId', message: 'must be an active instructor or director of your ARS' }]);
      }
    }
    const territory = territoryOf(principal);
    const changes = {
      ...(assigneeId !== undefined && { assigneeId }),
      ...(letterOfIntentRequested !== undefined && { letterOfIntentRequested }),
    };
    return this.writes.change(principal, {
      what: `Dossier ${id}`,
      entity: 'application',
      action: assigneeId !== undefined && letterOfIntentRequested === undefined ? 'application.assign' : 'application.update',
      entityId: id,
      expectedVersion,
      find: () => this.applications.find(territory, id),
      write: (before) => this.applications.setFields(id, before.version, changes),
      lost: (now, before) => this.lostRace(now, before, expectedVersion, principal),
      also: async (before) => {
        if (assigneeId !== undefined) {
          await this.applications.addEvent(id, {
            type: 'ASSIGNED',
            actorId: principal.id,
            actorKind: principal.kind,
            data: { from: before.assigneeId, to: assigneeId },
          });
        }
        if (letterOfIntentRequested !== undefined && letterOfIntentRequested !== before.letterOfIntentRequested) {
          await this.applications.addEvent(id, {
            type: letterOfIntentRequested ? 'LETTER_OF_INTENT_REQUESTED' : 'LETTER_OF_INTENT_NOT_REQUESTED',
            actorId: principal.id,
            actorKind: principal.kind,
            data: { letterOfIntentRequested },
          });
        }
      },
      view: (row) => toApplicationDto(row, principal),
      audit: (before, after) => ({
        before: { assigneeId: before.assigneeId, letterOfIntentRequested: before.letterOfIntentRequested },
        after: { assigneeId: after.assigneeId, letterOfIntentRequested: after.letterOfIntentRequested },
      }),
    });
  }

  async events(principal: Principal, id: string, query: { limit?: number; cursor?: string }): Promise<Page<EventDto>> {
    if (!(await this.applications.find(territoryOf(principal), id))) throw notFound(`Dossier ${id}`);
    return pageOf(
      query,
      (after, take) => this.applications.events(id, after, take),
      (e) => ({
        at: e.at.toISOString(),
        actor: { id: e.actorId, kind: e.actorKind },
        type: e.type,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        reason: e.reason,
        data: e.data,
      }),
    );
  }

  // ---------------------------------------------------------------- the moves

  siteMeeting(p: Principal, id: string, dto: SiteMeetingDto, v?: number) {
    return this.move(p, id, 'RECORD_SITE_MEETING', v, {
      data: () => ({ siteMeetingHeldOn: toDbDate(dto.heldOn), siteMeetingParticipants: dto.participants, siteMeetingFindings: dto.findings }),
      event: { type: 'SITE_MEETING_RECORDED', data: { heldOn: dto.heldOn } },
    });
  }

  submit(p: Principal, id: string, dto: SubmitDto, v?: number) {
    const receivedOn = dto.receivedOn ?? parisToday();
    return this.move(p, id, 'SUBMIT', v, {
      check: (app) => assertDateOrder('REQUEST', receivedOn, knownDates(app)),
      data: () => ({ requestReceivedOn: toDbDate(receivedOn) }),
      event: { type: 'SUBMITTED', data: { receivedOn } },
    });
  }

  decide(p: Principal, id: string, dto: DecisionDto, v?: number) {
    if (dto.outcome === 'REJECTED' && !dto.motivation?.trim()) {
      throw invalid([{ field: 'motivation', message: 'is required to reject' }]);
    }
    return this.move(p, id, dto.outcome === 'APPROVED' ? 'APPROVE' : 'REJECT', v, {
      check: async (app) => {
        const opinion = await this.applications.hasOpinion(app.id);
        assertDateOrder('DECISION', dto.decidedOn, { ...knownDates(app), CARPEC_SESSION: opinion ? fromDbDate(opinion.session.sessionDate) : null });
        return opinion;
      },
      event: { type: dto.outcome === 'APPROVED' ? 'APPROVED' : 'REJECTED', reason: dto.motivation, data: { decidedOn: dto.decidedOn } },
      alsoWrite: async (app, _to, opinion) => {
        // The DG may decide against the CARPEC's opinion: the decision keeps track of it.
        const differsFromOpinion = opinion !== null && (dto.outcome === 'APPROVED') !== (opinion.outcome !== 'UNFAVORABLE');
        await this.applications.addDecision({
          applicationId: app.id,
          outcome: dto.outcome,
          decidedOn: toDbDate(dto.decidedOn),
          motivation: dto.motivation ?? null,
          differsFromOpinion,
          decidedById: p.id,
        });
      },
    });
  }

  deliverables(p: Principal, id: string, dto: DeliverablesDto, v?: number) {
    const due = addMonths(dto.receivedOn, 2);
    return this.move(p, id, 'RECEIVE_DELIVERABLES', v, {
      check: (app) => assertDateOrder('DELIVERABLES', dto.receivedOn, knownDates(app)),
      data: () => ({ deliverablesReceivedOn: toDbDate(dto.receivedOn), receiptDueOn: toDbDate(due) }),
      event: { type: 'DELIVERABLES_RECEIVED', data: { receivedOn: dto.receivedOn, receiptDueOn: due } },
    });
  }

  receipt(p: Principal, id: string, dto: ReceiptDto, v?: number) {
    return this.move(p, id, 'ISSUE_RECEIPT', v, {
      // Formerly its own rule (receipt-before-deliverables): now one of the procedure's dates.
      check: (app) => assertDateOrder('RECEIPT', dto.issuedOn, knownDates(app)),
      event: { type: 'RECEIPT_ISSUED', data: { issuedOn: dto.issuedOn, finessEj: dto.finessEj, finessEt: dto.finessEt } },
      alsoWrite: (app) =>
        this.applications.addReceipt({
          applicationId: app.id,
          issuedOn: toDbDate(dto.issuedOn),
          finessEj: dto.finessEj,
          finessEt: dto.finessEt,
          late: app.receiptDueOn !== null && dto.issuedOn > fromDbDate(app.receiptDueOn),
          issuedById: p.id,
        }),
    });
  }

  complete(p: Principal, id: string, dto: CompleteDto, v?: number) {
    return this.move(p, id, 'COMPLETE', v, {
      data: () => ({ completionSummary: dto.summary }),
      event: { type: 'COMPLETED', data: { summary: dto.summary } },
    });
  }

  /** The audit's deliverable, the plan to return to balance: AUDIT_IN_PROGRESS → AUDIT_DELIVERED. */
  auditPlan(p: Principal, id: string, dto: AuditPlanDto, v?: number) {
    return this.move(p, id, 'DELIVER_AUDIT_PLAN', v, {
      check: (app) => assertDateOrder('AUDIT_PLAN', dto.deliveredOn, knownDates(app)),
      data: () => ({ auditPlanDeliveredOn: toDbDate(dto.deliveredOn), auditPlanSummary: dto.summary }),
      event: { type: 'AUDIT_PLAN_DELIVERED', data: { deliveredOn: dto.deliveredOn, summary: dto.summary } },
    });
  }

  // ---------------------------------------------------------------- attestations

  /**
   * What the instructor attests on the dossier: a condition of a rule set no data can check,
   * or the answer to a warning (the code is the warning's rule). The same code again replaces
   * it. Answers whether it replaced one, and the attestation.
   */
  attest(principal: Principal, id: string, dto: AttestationDto): Promise<{ replaced: boolean; attestation: AttestationViewDto }> {
    const note = dto.note ?? null;
    // The dossier's representation changes (attestations, answered warnings): a new version,
    // taken first so that concurrent attestations of one dossier take turns.
    return this.writes.change(principal, {
      what: `Dossier ${id}`,
      entity: 'application',
      entityId: id,
      expectedVersion: undefined,
      find: () => this.applications.find(territoryOf(principal), id),
      write: (before) => this.applications.setFields(id, before.version, {}),
      lost: (now, before) => this.lostRace(now, before, undefined, principal),
      also: async () => {
        const replaced = await this.applications.attest(id, dto.code, note, principal.kind === 'USER' ? principal.id : null);
        await this.applications.addEvent(id, { type: 'ATTESTED', actorId: principal.id, actorKind: principal.kind, data: { code: dto.code, note, replaced } });
        return replaced;
      },
      view: (row, replaced) => {
        const attestation = row.attestations.find((x) => x.code === dto.code);
        return { replaced: replaced ?? false, attestation: attestation ? toAttestationView(attestation) : (null as unknown as AttestationViewDto) };
      },
      audit: (before, after, _checked) => {
        const previous = before.attestations.find((x) => x.code === dto.code);
        return {
          action: previous ? 'application.attestation.replace' : 'application.attestation.create',
          before: previous ? toAttestationView(previous) : null,
          after: toAttestationView(after.attestations.find((x) => x.code === dto.code)!),
        };
      },
    });
  }

  async unattest(principal: Principal, id: string, code: string): Promise<void> {
    await this.writes.change(principal, {
      what: `Dossier ${id}`,
      entity: 'application',
      action: 'application.attestation.delete',
      entityId: id,
      expectedVersion: undefined,
      find: () => this.applications.find(territoryOf(principal), id),
      check: (before) => {
        const existing = before.attestations.find((x) => x.code === code);
        if (!existing) throw notFound(`Attestation ${code} of dossier ${id}`);
        return existing;
      },
      write: async (before) => (await this.applications.unattest(id, code)) !== null && this.applications.setFields(id, before.version, {}),
      lost: (now, before) => this.lostRace(now, before, undefined, principal),
      also: () => this.applications.addEvent(id, { type: 'ATTESTATION_REMOVED', actorId: principal.id, actorKind: principal.kind, data: { code } }),
      view: () => undefined,
      audit: (_before, _after, removed) => ({ before: toAttestationView(removed), after: null }),
    });
  }

  // Withdrawing or closing releases the money of a committed plan, with the move: the plan
  // becomes RELEASED (no more commitment or payment; what was paid is to recover) and what it
  // consumed goes back to the envelopes (docs/domain.md, Released plans).
  withdraw(p: Principal, id: string, dto: ReasonDto, v?: number) {
    return this.leave(p, id, 'WITHDRAW', dto, v);
  }

  close(p: Principal, id: string, dto: ReasonDto, v?: number) {
    return this.leave(p, id, 'CLOSE', dto, v);
  }

  private leave(p: Principal, id: string, action: 'WITHDRAW' | 'CLOSE', dto: ReasonDto, v?: number) {
    const [event, word] = action === 'WITHDRAW' ? (['WITHDRAWN', 'withdrawn'] as const) : (['CLOSED', 'closed'] as const);
    return this.move(p, id, action, v, {
      data: () => ({ closingReason: dto.reason }),
      event: { type: event, reason: dto.reason },
      alsoWrite: (app) => this.plans.release(p, app, `dossier ${word}: ${dto.reason}`),
    });
  }

  private async move<C>(principal: Principal, id: string, action: Action, expectedVersion: number | undefined, move: Move<unknown, C>): Promise<ApplicationDto> {
    return (await this.transition(principal, id, action, expectedVersion, move)).dossier;
  }

  /**
   * One move, in one transaction (the audited write): read the dossier in the caller's
   * territory, ask the workflow, move it only if it is still where it was read (status and
   * version), write the event, the rows that go with the move (what they give is answered
   * as `written`), and the audit row. Of N simultaneous identical moves exactly one
   * succeeds; the others answer 409.
   */
  transition<W, C = void>(
    principal: Principal,
    id: string,
    action: Action,
    expectedVersion: number | undefined,
    move: Move<W, C>,
  ): Promise<{ dossier: ApplicationDto; written: W | undefined }> {
    return this.writes.change(principal, {
      what: `Dossier ${id}`,
      entity: 'application',
      action: `application.${action.toLowerCase()}`,
      entityId: id,
      expectedVersion,
      find: () => this.applications.find(territoryOf(principal), id),
      check: async (app) => {
        const facts = await this.factsFor(app, action);
        const verdict = decide(app.status, action, principal.role, facts);
        if (!verdict.ok) {
          if (verdict.kind === 'FORBIDDEN') throw forbidden(verdict.detail);
          if (verdict.kind === 'ILLEGAL') throw illegalMove(app.status, verdict.detail, allowedActions(app.procedure, app.status, principal.role));
          throw businessRule(verdict.breach.rule, verdict.breach.detail, verdict.breach.values);
        }
        const checked = (await move.check?.(app)) as C;
        return { to: verdict.to, facts, checked };
      },
      write: (app, { to, facts }) => {
        const data: MoveData = {
          status: to,
          ...move.data?.(app, to),
          ...(action === 'APPROVE' && { eligible: facts.eligible, eligibilityReasons: facts.eligibilityReasons }),
        };
        // Without rows written with the move, the dossier after is the one read, moved: no second read.
        return this.applications.move(app, data).then((moved) => (moved && (move.alsoWrite || this.listeners.has(action)) ? true : moved));
      },
      lost: (now, app) =>
        now && now.status !== app.status
          ? illegalMove(now.status, `The dossier moved to ${now.status} meanwhile.`, allowedActions(now.procedure, now.status, principal.role))
          : this.lostRace(now, app, expectedVersion, principal),
      also: async (app, { to, checked }) => {
        await this.applications.addEvent(id, {
          type: move.event.type,
          actorId: principal.id,
          actorKind: principal.kind,
          fromStatus: app.status,
          toStatus: to,
          reason: move.event.reason,
          data: move.event.data,
        });
        for (const event of moveEvents(app, { action, fromStatus: app.status, toStatus: to, event: move.event })) await this.outbox.publish(event);
        const written = await move.alsoWrite?.(app, to, checked);
        for (const listener of this.listeners.get(action) ?? []) await listener(principal, id, action);
        return written;
      },
      view: (row, written) => ({ dossier: toApplicationDto(row, principal), written }),
      audit: (before, after) => ({
        before: { status: before.status, version: before.version },
        after: { status: after.status, version: after.version, event: move.event.type },
      }),
    });
  }

  /** A race lost on a dossier: 412 for a stale If-Match, else 409 with what the caller may do now. */
  private lostRace(now: ApplicationRow | null, before: ApplicationRow, expectedVersion: number | undefined, principal: Principal): ApiProblem {
    if (now && expectedVersion !== undefined) return preconditionFailed(now.version);
    return changedMeanwhile(before.procedure, now?.status ?? before.status, principal);
  }

  private async factsFor(app: ApplicationRow, action: Action): Promise<DossierFacts> {
    const facts = factsOf(app);
    if (action === 'APPROVE' || action === 'REJECT') {
      // Decided on the commune's zoning and the project's facts of today, which may have been
      // revised since creation.
      const { project } = await this.applications.commune(app.id);
      const eligibility = eligibilityOf(project.commune, app.project);
      facts.eligible = eligibility.eligible;
      facts.eligibilityReasons = eligibility.reasons;
      facts.ineligibleRule = eligibility.rule;
      facts.hasOpinion = (await this.applications.hasOpinion(app.id)) !== null;
    }
    return facts;
  }
}

export function illegalMove(status: ApplicationStatus, detail: string, allowed: Action[]): ApiProblem {
  return conflict(detail, { currentStatus: status, allowedActions: allowed });
}

/** Another write changed the dossier between its read and this one's (a request without If-Match). */
const changedMeanwhile = (procedure: Procedure, status: ApplicationStatus, principal: Principal): ApiProblem =>
  illegalMove(status, 'The dossier was changed by another request meanwhile; read it again and retry.', allowedActions(procedure, status, principal.role));
