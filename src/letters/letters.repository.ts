import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';
import { inTerritory } from '../database/sql.js';
import type { DecisionOutcome, DocumentKind, OpinionOutcome } from '../generated/prisma/enums.js';
import { REGIONS } from '../reference/regions.js';
import type { DossierFacts, OpinionFacts, SummaryFacts } from './letters.js';

type Row = Omit<DossierFacts, 'regionName'> & {
  regionCode: string;
  procedure: 'ACCOMPANIMENT' | 'AUDIT';
  status: SummaryFacts['status'];
  eligible: boolean;
  eligibilityReasons: string[];
  qpv: boolean;
  island: boolean;
  detrDecision: string | null;
  doctorsPlanned: number;
  professionalsPlanned: number;
  populationServed: number;
  deliverablesReceivedOn: Date | null;
  receiptDueOn: Date | null;
};

const day = (d: Date) => d.toISOString().slice(0, 10);

/** What the letters and the séance pack say of a dossier, read in a few statements. */
@Injectable()
export class LettersRepository extends Repository {
  async dossier(id: string): Promise<(DossierFacts & Omit<Row, 'regionCode'>) | null> {
    const [row] = await this.sql<Row>`
      SELECT a.id, a.region_code AS "regionCode", a.department_code AS "departmentCode", a.kind::text AS kind, a.zone::text AS zone, a.procedure::text AS procedure,
             a.status::text AS status, a.eligible, a.eligibility_reasons AS "eligibilityReasons", a.detr_decision::text AS "detrDecision",
             a.deliverables_received_on AS "deliverablesReceivedOn", a.receipt_due_on AS "receiptDueOn",
             p.name AS "projectName", p.doctors_planned AS "doctorsPlanned", p.professionals_planned AS "professionalsPlanned", p.population_served AS "populationServed",
             pr.name AS "promoterName", c.name AS "communeName", c.insee_code AS "inseeCode", c.qpv, c.island,
             coalesce((SELECT o.name FROM organizations o WHERE o.type = 'ARS' AND o.region_code = a.region_code ORDER BY o.created_at LIMIT 1), 'Agence régionale de santé') AS "arsName"
      FROM applications a JOIN projects p ON p.id = a.project_id JOIN promoters pr ON pr.id = p.promoter_id JOIN communes c ON c.insee_code = p.commune_insee
      WHERE a.id = ${id}::uuid`;
    return row ? { ...row, regionName: REGIONS[row.regionCode] ?? row.regionCode } : null;
  }

  async receipt(applicationId: string) {
    const [row] = await this.sql<{ issuedOn: Date; finessEj: string; finessEt: string; late: boolean; signedBy: string | null }>`
      SELECT r.issued_on AS "issuedOn", r.finess_ej AS "finessEj", r.finess_et AS "finessEt", r.late, u.display_name AS "signedBy"
      FROM receipts r LEFT JOIN users u ON u.id = r.issued_by_id WHERE r.application_id = ${applicationId}::uuid`;
    return row ? { ...row, issuedOn: day(row.issuedOn) } : null;
  }

  async decision(applicationId: string) {
    const [row] = await this.sql<{ outcome: DecisionOutcome; decidedOn: Date; motivation: string | null; differsFromOpinion: boolean; signedBy: string | null }>`
      SELECT d.outcome::text AS outcome, d.decided_on AS "decidedOn", d.motivation, d.differs_from_opinion AS "differsFromOpinion", u.display_name AS "signedBy"
      FROM decisions d LEFT JOIN users u ON u.id = d.decided_by_id WHERE d.application_id = ${applicationId}::uuid ORDER BY d.created_at DESC LIMIT 1`;
    return row ? { ...row, decidedOn: day(row.decidedOn) } : null;
  }

  /** The latest opinion (not a mere information noted) given on the dossier. */
  async opinion(applicationId: string): Promise<OpinionFacts | null> {
    const [row] = await this.sql<{ sessionDate: Date; sessionTitle: string; outcome: OpinionOutcome; reservations: string | null }>`
      SELECT s.session_date AS "sessionDate", s.title AS "sessionTitle", o.outcome::text AS outcome, o.reservations
      FROM carpec_opinions o JOIN carpec_sessions s ON s.id = o.session_id
      WHERE o.application_id = ${applicationId}::uuid AND o.outcome <> 'NOTED' ORDER BY o.created_at DESC LIMIT 1`;
    return row ? { ...row, sessionDate: day(row.sessionDate) } : null;
  }

  /** The séance, and its agenda items of the caller's territory, in the agenda's order. */
  async session(territory: Territory, id: string) {
    const [session] = await this.sql<{ id: string; title: string; sessionDate: Date; regionCode: string }>`
      SELECT id, title, session_date AS "sessionDate", region_code AS "regionCode" FROM carpec_sessions WHERE id = ${id}::uuid AND region_code = ${territory.regionCode}`;
    if (!session) return null;
    const items = await this.sql<{ applicationId: string; purpose: 'OPINION' | 'INFORMATION' }>`
      SELECT i.application_id AS "applicationId", i.purpose::text AS purpose
      FROM carpec_agenda_items i JOIN applications a ON a.id = i.application_id
      WHERE i.session_id = ${id}::uuid AND ${inTerritory(territory)} ORDER BY i.created_at, i.id`;
    return { ...session, sessionDate: day(session.sessionDate), items };
  }

  async plan(applicationId: string): Promise<SummaryFacts['plan']> {
    const [plan] = await this.sql<{ id: string; status: 'COMPUTED' | 'COMMITTED' | 'RELEASED'; totalCents: bigint; publicCeilingCents: bigint; selfFinancingCents: bigint }>`
      SELECT id, status::text AS status, total_cents AS "totalCents", public_ceiling_cents AS "publicCeilingCents", self_financing_cents AS "selfFinancingCents"
      FROM funding_plans WHERE application_id = ${applicationId}::uuid`;
    if (!plan) return null;
    const lines = await this.sql<{ funder: string; baseCents: bigint; rateBps: number; amountCents: bigint }>`
      SELECT funder::text AS funder, base_cents AS "baseCents", applied_rate_bps AS "rateBps", amount_cents AS "amountCents"
      FROM funding_plan_lines WHERE plan_id = ${plan.id}::uuid ORDER BY funder`;
    return { status: plan.status, totalCents: plan.totalCents, publicCeilingCents: plan.publicCeilingCents, selfFinancingCents: plan.selfFinancingCents, lines };
  }

  /** The dossier's current pièces (neither replaced nor withdrawn), oldest first. */
  pieces(applicationId: string) {
    return this.sql<{ id: string; kind: DocumentKind; filename: string; version: number; storageKey: string; sizeBytes: bigint }>`
      SELECT id, kind::text AS kind, filename, version, storage_key AS "storageKey", size_bytes AS "sizeBytes"
      FROM application_documents WHERE application_id = ${applicationId}::uuid AND superseded_at IS NULL AND withdrawn_at IS NULL ORDER BY series_id`;
  }
}
