import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';
import { inTerritory } from '../database/sql.js';
import { uuidv7 } from '../database/uuid.js';
import { type ApplicationStatus, type DocumentKind, type DsState, Prisma, type Procedure, type ProjectKind, type Zone } from '../generated/prisma/client.js';

const view = {
  project: {
    select: {
      name: true,
      existing: true,
      convention: true,
      nature: true,
      kind: true,
      professionalsPlanned: true,
      populationServed: true,
      antenneHoursPerWeek: true,
      antenneMinutesFromMainSite: true,
      antenneSharesInformationSystem: true,
    },
  },
  receipt: true,
  decisions: { orderBy: { createdAt: 'desc' }, take: 1 },
  attestations: { orderBy: { code: 'asc' } },
} satisfies Prisma.ApplicationInclude;

export type ApplicationRow = Prisma.ApplicationGetPayload<{ include: typeof view }> & {
  /** The kinds of its current pièces (neither withdrawn nor superseded), for the checklist. */
  pieces: DocumentKind[];
  /** The DS dossier it came from (null: entered by hand). */
  ds: DsLinkRow | null;
};

/** A dossier's DS link as the dossier's read gives it (JSON). */
export interface DsLinkRow {
  number: number;
  state: DsState;
  url: string;
  syncedAt: string;
  readValues: unknown;
  appliedValues: unknown;
}

type Jsonified<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
interface Nested {
  receipt: Jsonified<NonNullable<ApplicationRow['receipt']>> | null;
  decisions: Jsonified<ApplicationRow['decisions'][number]>[];
  attestations: Jsonified<ApplicationRow['attestations'][number]>[];
}

export interface ApplicationFilter {
  statuses?: ApplicationStatus[];
  departmentCode?: string;
  zone?: Zone;
  kind?: ProjectKind;
  procedure?: Procedure;
  q?: string;
  updatedSince?: Date;
  assigneeId?: string;
  callId?: string;
}

/** What a move may change on the dossier, besides its version. */
export interface MoveData {
  status: ApplicationStatus;
  siteMeetingHeldOn?: Date;
  siteMeetingParticipants?: string;
  siteMeetingFindings?: string;
  requestReceivedOn?: Date;
  deliverablesReceivedOn?: Date;
  receiptDueOn?: Date;
  completionSummary?: string;
  auditPlanDeliveredOn?: Date;
  auditPlanSummary?: string;
  closingReason?: string;
  eligible?: boolean;
  eligibilityReasons?: string[];
}

const MOVE_COLUMNS: { [K in keyof MoveData]-?: (value: unknown) => Prisma.Sql } = {
  status: (v) => Prisma.sql`status = ${v}::"ApplicationStatus"`,
  siteMeetingHeldOn: (v) => Prisma.sql`site_meeting_held_on = ${v}::date`,
  siteMeetingParticipants: (v) => Prisma.sql`site_meeting_participants = ${v}`,
  siteMeetingFindings: (v) => Prisma.sql`site_meeting_findings = ${v}`,
  requestReceivedOn: (v) => Prisma.sql`request_received_on = ${v}::date`,
  deliverablesReceivedOn: (v) => Prisma.sql`deliverables_received_on = ${v}::date`,
  receiptDueOn: (v) => Prisma.sql`receipt_due_on = ${v}::date`,
  completionSummary: (v) => Prisma.sql`completion_summary = ${v}`,
  auditPlanDeliveredOn: (v) => Prisma.sql`audit_plan_delivered_on = ${v}::date`,
  auditPlanSummary: (v) => Prisma.sql`audit_plan_summary = ${v}`,
  closingReason: (v) => Prisma.sql`closing_reason = ${v}`,
  eligible: (v) => Prisma.sql`eligible = ${v}`,
  eligibilityReasons: (v) => Prisma.sql`eligibility_reasons = ${v}::text[]`,
};

export interface NewEvent {
  type: string;
  actorId: string | null;
  actorKind: 'USER' | 'API_KEY' | 'SYSTEM';
  fromStatus?: ApplicationStatus | null;
  toStatus?: ApplicationStatus | null;
  reason?: string | null;
  data?: Prisma.InputJsonValue;
}

@Injectable()
export class ApplicationsRepository extends Repository {
  /**
   * The dossier in the territory, with what its representation shows, in one tagged statement
   * (the same row as `view`): on the path of every read by id and every write of a dossier.
   */
  async find(territory: Territory, id: string): Promise<ApplicationRow | null> {
    const [row] = await this.select(Prisma.sql`a.id = ${id}::uuid AND ${inTerritory(territory)}`, Prisma.empty);
    return row ?? null;
  }

  /** A page in one tagged statement: the filters, the territory and the keyset are all in its WHERE clause. */
  list(territory: Territory, f: ApplicationFilter, after: string | undefined, take: number): Promise<ApplicationRow[]> {
    const and = [inTerritory(territory)];
    if (f.departmentCode) and.push(Prisma.sql`a.department_code = ${f.departmentCode}`);
    if (f.statuses) and.push(Prisma.sql`a.status = ANY(${f.statuses}::"ApplicationStatus"[])`);
    if (f.zone) and.push(Prisma.sql`a.zone = ${f.zone}::"Zone"`);
    if (f.kind) and.push(Prisma.sql`a.kind = ${f.kind}::"ProjectKind"`);
    if (f.procedure) and.push(Prisma.sql`a.procedure = ${f.procedure}::"Procedure"`);
    if (f.assigneeId) and.push(Prisma.sql`a.assignee_id = ${f.assigneeId}::uuid`);
    if (f.callId) and.push(Prisma.sql`a.call_id = ${f.callId}::uuid`);
    if (f.updatedSince) and.push(Prisma.sql`a.updated_at >= ${f.updatedSince}`);
    // % and _ in what was typed are characters of the name, not wildcards.
    if (f.q) and.push(Prisma.sql`p.name ILIKE ${`%${f.q.replace(/[\\%_]/g, '\\$&')}%`}`);
    if (after) and.push(Prisma.sql`a.id > ${after}::uuid`);
    return this.select(Prisma.join(and, ' AND '), Prisma.sql`ORDER BY a.id LIMIT ${take}`);
  }

  /** Dossiers with what their representation shows (the same rows as the ORM's `include: view`). */
  private async select(where: Prisma.Sql, tail: Prisma.Sql): Promise<ApplicationRow[]> {
    const rows = await this.sql<Omit<ApplicationRow, 'receipt' | 'decisions' | 'attestations'> & Nested>`
      SELECT a.id, a.project_id AS "projectId", a.region_code AS "regionCode", a.department_code AS "departmentCode", a.kind::text AS kind, a.zone::text AS zone,
             a.status::text AS status, a.procedure::text AS procedure, a.letter_of_intent_requested AS "letterOfIntentRequested", a.eligible,
             a.eligibility_reasons AS "eligibilityReasons", a.assignee_id AS "assigneeId", a.created_by_id AS "createdById",
             a.site_meeting_held_on AS "siteMeetingHeldOn", a.site_meeting_participants AS "siteMeetingParticipants", a.site_meeting_findings AS "siteMeetingFindings",
             a.request_received_on AS "requestReceivedOn", a.deliverables_received_on AS "deliverablesReceivedOn", a.receipt_due_on AS "receiptDueOn",
             a.completion_summary AS "completionSummary", a.audit_plan_delivered_on AS "auditPlanDeliveredOn", a.audit_plan_summary AS "auditPlanSummary",
             a.detr_decision::text AS "detrDecision", a.detr_reason AS "detrReason", a.detr_decided_at AS "detrDecidedAt", a.detr_decided_by_id AS "detrDecidedById",
             a.closing_reason AS "closingReason", a.call_id AS "callId", a.last_event_at AS "lastEventAt", a.version, a.created_at AS "createdAt", a.updated_at AS "updatedAt",
             json_build_object('name', p.name, 'existing', p.existing, 'convention', p.convention, 'nature', p.nature, 'kind', p.kind,
                               'professionalsPlanned', p.professionals_planned, 'populationServed', p.population_served,
                               'antenneHoursPerWeek', p.antenne_hours_per_week, 'antenneMinutesFromMainSite', p.antenne_minutes_from_main_site,
                               'antenneSharesInformationSystem', p.antenne_shares_information_system) AS project,
             (SELECT row_to_json(r) FROM (SELECT id, application_id AS "applicationId", issued_on AS "issuedOn", finess_ej AS "finessEj", finess_et AS "finessEt",
                                                 late, issued_by_id AS "issuedById", created_at AS "createdAt"
                                          FROM receipts WHERE application_id = a.id) r) AS receipt,
             coalesce((SELECT json_agg(d) FROM (SELECT id, application_id AS "applicationId", outcome, decided_on AS "decidedOn", motivation,
                                                       differs_from_opinion AS "differsFromOpinion", decided_by_id AS "decidedById", created_at AS "createdAt"
                                                FROM decisions WHERE application_id = a.id ORDER BY created_at DESC LIMIT 1) d), '[]') AS decisions,
             coalesce((SELECT json_agg(t ORDER BY t.code) FROM (SELECT application_id AS "applicationId", code, note, attested_by_id AS "attestedById",
                                                                     attested_at AS "attestedAt"
                                                              FROM application_attestations WHERE application_id = a.id) t), '[]') AS attestations,
             array(SELECT DISTINCT kind::text FROM application_documents
                   WHERE application_id = a.id AND superseded_at IS NULL AND withdrawn_at IS NULL ORDER BY 1) AS pieces,
             (SELECT json_build_object('number', d.ds_number, 'state', d.state, 'url', d.url, 'syncedAt', d.synced_at,
                                       'readValues', d.read_values, 'appliedValues', d.applied_values)
              FROM ds_dossiers d WHERE d.application_id = a.id) AS ds
      FROM applications a JOIN projects p ON p.id = a.project_id
      WHERE ${where} ${tail}`;
    // Dates inside JSON arrive as text.
    return rows.map((row) => ({
      ...row,
      receipt: row.receipt && { ...row.receipt, issuedOn: new Date(row.receipt.issuedOn), createdAt: new Date(row.receipt.createdAt) },
      decisions: row.decisions.map((d) => ({ ...d, decidedOn: new Date(d.decidedOn), createdAt: new Date(d.createdAt) })),
      attestations: row.attestations.map((t) => ({ ...t, attestedAt: new Date(t.attestedAt) })),
    }));
  }

  async create(data: Prisma.ApplicationUncheckedCreateInput): Promise<ApplicationRow> {
    return { ...(await this.db.application.create({ data, include: view })), pieces: [], ds: null };
  }

  /**
   * Moves the dossier only if it is still in `from` at `version` (the compare-and-set that
   * makes concurrent moves safe): the dossier after (its relations as they were in `app`), or
   * null when another request moved it first. Tagged SQL: one statement on every move's path.
   */
  async move(app: ApplicationRow, data: MoveData): Promise<ApplicationRow | null> {
    const sets = Object.entries(data)
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => MOVE_COLUMNS[field as keyof MoveData](value));
    const [row] = await this.sql<{ version: number; updatedAt: Date; lastEventAt: Date }>`
      UPDATE applications SET ${Prisma.join(sets)}, version = version + 1, updated_at = now(), last_event_at = now()
      WHERE id = ${app.id}::uuid AND status = ${app.status}::"ApplicationStatus" AND version = ${app.version}
      RETURNING version, updated_at AS "updatedAt", last_event_at AS "lastEventAt"`;
    return row ? { ...app, ...data, ...row } : null;
  }

  /** Changes fields other than the status, only if the dossier is still at `version`. */
  async setFields(id: string, version: number, data: { assigneeId?: string | null; letterOfIntentRequested?: boolean }): Promise<boolean> {
    const { count } = await this.db.application.updateMany({ where: { id, version }, data: { ...data, version: { increment: 1 }, lastEventAt: new Date() } });
    return count === 1;
  }

  /** Records an attestation, or replaces the one of the same code: whether it replaced one. */
  async attest(applicationId: string, code: string, note: string | null, attestedById: string | null): Promise<boolean> {
    const before = await this.db.applicationAttestation.findUnique({ where: { applicationId_code: { applicationId, code } } });
    await this.db.applicationAttestation.upsert({
      where: { applicationId_code: { applicationId, code } },
      create: { applicationId, code, note, attestedById },
      update: { note, attestedById, attestedAt: new Date() },
    });
    return before !== null;
  }

  /** Removes an attestation: the removed row, or null when there was none. */
  async unattest(applicationId: string, code: string) {
    const row = await this.db.applicationAttestation.findUnique({ where: { applicationId_code: { applicationId, code } } });
    if (row) await this.db.applicationAttestation.delete({ where: { applicationId_code: { applicationId, code } } });
    return row;
  }

  addDecision(data: Prisma.DecisionUncheckedCreateInput) {
    return this.db.decision.create({ data });
  }

  addReceipt(data: Prisma.ReceiptUncheckedCreateInput) {
    return this.db.receipt.create({ data });
  }

  async addEvent(applicationId: string, e: NewEvent): Promise<void> {
    // Tagged SQL, not the ORM: one statement on every move's path.
    await this.sqlCount`
      INSERT INTO application_events (id, application_id, actor_id, actor_kind, type, from_status, to_status, reason, data)
      VALUES (${uuidv7()}::uuid, ${applicationId}::uuid, ${e.actorId}::uuid, ${e.actorKind}::"ActorKind", ${e.type}, ${e.fromStatus ?? null}::"ApplicationStatus",
              ${e.toStatus ?? null}::"ApplicationStatus", ${e.reason ?? null}, ${JSON.stringify(e.data ?? {})}::jsonb)`;
  }

  events(applicationId: string, after: string | undefined, take: number) {
    return this.db.applicationEvent.findMany({
      where: { applicationId, ...(after && { id: { gt: after } }) },
      orderBy: { id: 'asc' },
      take,
    });
  }

  /** Whether the dossier has a CARPEC opinion (not a mere NOTED information). */
  async hasOpinion(applicationId: string): Promise<{ outcome: string; session: { sessionDate: Date } } | null> {
    return this.db.carpecOpinion.findFirst({
      where: { applicationId, outcome: { not: 'NOTED' } },
      orderBy: { createdAt: 'desc' },
      select: { outcome: true, session: { select: { sessionDate: true } } },
    });
  }

  projectWithCommune(territory: Territory, projectId: string) {
    return this.db.project.findFirst({ where: { id: projectId, ...territory }, include: { commune: true } });
  }

  commune(applicationId: string) {
    return this.db.application.findUniqueOrThrow({ where: { id: applicationId }, select: { project: { select: { commune: true } } } });
  }

  userInRegion(userId: string, regionCode: string) {
    return this.db.user.findFirst({ where: { id: userId, active: true, organization: { regionCode, type: 'ARS' } }, select: { id: true, role: true } });
  }
}
