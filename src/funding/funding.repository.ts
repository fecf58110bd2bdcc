import { Injectable } from '@nestjs/common';
import type { Principal, Territory } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';
import { inTerritory } from '../database/sql.js';
import { uuidv7 } from '../database/uuid.js';
import {
  type ApplicationStatus,
  type ExpenseCategory,
  type ExpenseNature,
  type Funder,
  type LegalType,
  type ProjectKind,
  type ProjectNature,
  type Zone,
  type FundingPlanStatus,
  type FundingRuleSet,
  type PaymentKind,
  Prisma,
} from '../generated/prisma/client.js';
import type { Plan } from './calculator.js';

const planView = { lines: { orderBy: { id: 'asc' } }, ruleSet: { select: { revision: true } } } satisfies Prisma.FundingPlanInclude;
export type PlanRow = Prisma.FundingPlanGetPayload<{ include: typeof planView }>;

/** A dossier as the calculator and the funding routes read it. */
export interface FundingDossier {
  id: string;
  regionCode: string;
  departmentCode: string;
  status: ApplicationStatus;
  detrDecision: 'CONFIRMED' | 'REFUSED' | null;
  detrReason: string | null;
  detrDecidedAt: Date | null;
  project: {
    existing: boolean;
    doctorsPlanned: number;
    professionalsPlanned: number;
    balancedBudget: boolean;
    forecastDeficitCents: bigint | null;
    kind: ProjectKind;
    nature: ProjectNature;
    departmentCode: string;
    sisa: boolean;
    operationStartOn: Date | null;
    promoter: {
      legalType: LegalType;
      commune: { population: number; departmentCode: string; epci: { name: string; population: number; largestMemberPopulation: number } | null };
    };
    commune: { zone: Zone; qpv: boolean; island: boolean; rural: boolean };
  };
  expenses: { category: ExpenseCategory; nature: ExpenseNature; label: string; amountCents: bigint; vatCents: bigint }[];
  /** Codes of the conditions attested. */
  attestations: string[];
}

type DossierColumns = Omit<FundingDossier, 'project' | 'expenses'> &
  Omit<FundingDossier['project'], 'promoter' | 'commune' | 'departmentCode'> &
  FundingDossier['project']['commune'] & {
    projectDepartmentCode: string;
    legalType: LegalType;
    promoterCommunePopulation: number;
    promoterCommuneDepartmentCode: string;
    epciName: string | null;
    epciPopulation: number | null;
    epciLargestMemberPopulation: number | null;
    expenses: (Omit<FundingDossier['expenses'][number], 'amountCents' | 'vatCents'> & { amountCents: string; vatCents: string })[];
  };

@Injectable()
export class FundingRepository extends Repository {
  // ------------------------------------------------------------ rule sets

  listRuleSets(regionCode: string, after: string | undefined, take: number): Promise<FundingRuleSet[]> {
    return this.db.fundingRuleSet.findMany({ where: { regionCode, ...(after && { id: { gt: after } }) }, orderBy: { id: 'asc' }, take });
  }

  findRuleSet(regionCode: string, id: string): Promise<FundingRuleSet | null> {
    return this.db.fundingRuleSet.findFirst({ where: { id, regionCode } });
  }

  /** Tagged SQL: read by every compute. */
  async activeRuleSet(regionCode: string): Promise<FundingRuleSet | null> {
    const [row] = await this.sql<FundingRuleSet>`
      SELECT id, region_code AS "regionCode", name, revision, active, public_ceiling_bps AS "publicCeilingBps", ceiling_legal_basis AS "ceilingLegalBasis",
             funders, created_by_id AS "createdById", version, created_at AS "createdAt", updated_at AS "updatedAt"
      FROM funding_rule_sets WHERE region_code = ${regionCode} AND active LIMIT 1`;
    return row ?? null;
  }

  /** Rule sets are immutable: a new one with the same name is the next revision. */
  async createRuleSet(data: { regionCode: string; name: string; publicCeilingBps: number; ceilingLegalBasis: string | null; funders: Prisma.InputJsonValue; createdById: string }) {
    await this.sqlCount`SELECT pg_advisory_xact_lock(hashtext('ruleset:' || ${data.regionCode} || ':' || ${data.name}))`;
    const last = await this.db.fundingRuleSet.findFirst({ where: { regionCode: data.regionCode, name: data.name }, orderBy: { revision: 'desc' } });
    return this.db.fundingRuleSet.create({ data: { ...data, revision: (last?.revision ?? 0) + 1 } });
  }

  async activate(regionCode: string, id: string): Promise<void> {
    // One activation at a time per region: two at once lock each other's rows in opposite
    // orders (a deadlock: P2034, which was a 500).
    await this.sqlCount`SELECT pg_advisory_xact_lock(hashtext('ruleset-active:' || ${regionCode}))`;
    await this.db.fundingRuleSet.updateMany({ where: { regionCode, active: true, NOT: { id } }, data: { active: false, version: { increment: 1 } } });
    await this.db.fundingRuleSet.updateMany({ where: { id, active: false }, data: { active: true, version: { increment: 1 } } });
  }

  // ------------------------------------------------------------ dossiers

  /**
   * What the calculator needs of a dossier, in the caller's territory: one tagged statement
   * (read by every compute, expense change, commitment and DETR confirmation).
   */
  async dossier(territory: Territory, id: string): Promise<FundingDossier | null> {
    const [row] = await this.sql<DossierColumns>`
      SELECT a.id, a.region_code AS "regionCode", a.department_code AS "departmentCode", a.status::text AS status,
             a.detr_decision::text AS "detrDecision", a.detr_reason AS "detrReason", a.detr_decided_at AS "detrDecidedAt",
             p.existing, p.doctors_planned AS "doctorsPlanned", p.professionals_planned AS "professionalsPlanned", p.balanced_budget AS "balancedBudget",
             p.forecast_deficit_cents AS "forecastDeficitCents", p.kind::text AS kind, p.nature::text AS nature, p.department_code AS "projectDepartmentCode",
             p.sisa, p.operation_start_on AS "operationStartOn",
             pr.legal_type::text AS "legalType", pc.population AS "promoterCommunePopulation", pc.department_code AS "promoterCommuneDepartmentCode",
             e.name AS "epciName", e.population AS "epciPopulation", e.largest_member_population AS "epciLargestMemberPopulation",
             c.zone::text AS zone, c.qpv, c.island, c.rural,
             coalesce((SELECT json_agg(json_build_object('category', x.category, 'nature', x.nature, 'label', x.label,
                                                         'amountCents', x.amount_cents::text, 'vatCents', x.vat_cents::text) ORDER BY x.position)
                       FROM expenses x WHERE x.application_id = a.id), '[]') AS expenses,
             ARRAY(SELECT t.code FROM application_attestations t WHERE t.application_id = a.id ORDER BY t.code) AS attestations
      FROM applications a
        JOIN projects p ON p.id = a.project_id
        JOIN promoters pr ON pr.id = p.promoter_id
        JOIN communes pc ON pc.insee_code = pr.commune_insee
        LEFT JOIN epcis e ON e.siren = pc.epci_siren
        JOIN communes c ON c.insee_code = p.commune_insee
      WHERE a.id = ${id}::uuid AND ${inTerritory(territory)}`;
    if (!row) return null;
    return {
      id: row.id,
      regionCode: row.regionCode,
      departmentCode: row.departmentCode,
      status: row.status,
      detrDecision: row.detrDecision,
      detrReason: row.detrReason,
      detrDecidedAt: row.detrDecidedAt,
      project: {
        existing: row.existing,
        doctorsPlanned: row.doctorsPlanned,
        professionalsPlanned: row.professionalsPlanned,
        balancedBudget: row.balancedBudget,
        forecastDeficitCents: row.forecastDeficitCents,
        kind: row.kind,
        nature: row.nature,
        departmentCode: row.projectDepartmentCode,
        sisa: row.sisa,
        operationStartOn: row.operationStartOn,
        promoter: {
          legalType: row.legalType,
          commune: {
            population: row.promoterCommunePopulation,
            departmentCode: row.promoterCommuneDepartmentCode,
            epci: row.epciName === null ? null : { name: row.epciName, population: row.epciPopulation!, largestMemberPopulation: row.epciLargestMemberPopulation! },
          },
        },
        commune: { zone: row.zone, qpv: row.qpv, island: row.island, rural: row.rural },
      },
      // Cents inside JSON arrive as text.
      expenses: row.expenses.map((x) => ({ ...x, amountCents: BigInt(x.amountCents), vatCents: BigInt(x.vatCents) })),
      attestations: row.attestations,
    };
  }

  async replaceExpenses(
    applicationId: string,
    expenses: { category: Prisma.ExpenseCreateManyInput['category']; nature: Prisma.ExpenseCreateManyInput['nature']; label: string; amountCents: bigint; vatCents: bigint }[],
  ) {
    await this.db.expense.deleteMany({ where: { applicationId } });
    await this.db.expense.createMany({ data: expenses.map((e, position) => ({ ...e, applicationId, position })) });
  }

  /** The préfecture's DETR decision on the dossier, with its event in the dossier's history. */
  async setDetrDecision(id: string, d: { decision: 'CONFIRMED' | 'REFUSED'; reason: string; actorId: string; actorKind: Principal['kind'] }) {
    const row = await this.db.application.update({
      where: { id },
      data: { detrDecision: d.decision, detrReason: d.reason, detrDecidedAt: new Date(), detrDecidedById: d.actorId, version: { increment: 1 }, lastEventAt: new Date() },
      select: { detrDecision: true, detrReason: true, detrDecidedAt: true },
    });
    await this.db.applicationEvent.create({
      data: { applicationId: id, actorId: d.actorId, actorKind: d.actorKind, type: `DETR_${d.decision}`, reason: d.reason, data: { decision: d.decision } },
    });
    return row;
  }

  // ------------------------------------------------------------ plans

  findPlan(applicationId: string): Promise<PlanRow | null> {
    return this.db.fundingPlan.findUnique({ where: { applicationId }, include: planView });
  }

  /**
   * The dossier's current plan becomes this one, lines replaced, in three statements: the plan
   * upserted only while COMPUTED, its old lines deleted, the new lines inserted. The delete is
   * a statement of its own: after a concurrent compute of the dossier that held the plan's row,
   * its snapshot sees the lines that compute committed (one in the upsert's statement would
   * not, and the insert would collide with them). Null when the dossier's plan is no longer
   * COMPUTED (committed or released).
   */
  async savePlan(applicationId: string, ruleSet: { id: string; revision: number }, requestedRates: Prisma.InputJsonValue, plan: Plan): Promise<PlanRow | null> {
    const [saved] = await this.sql<Omit<PlanRow, 'lines' | 'ruleSet'>>`
      WITH saved AS (
        INSERT INTO funding_plans (id, application_id, rule_set_id, status, total_cents, eligible_cost_cents, public_ceiling_cents, self_financing_cents,
                                   requested_rates, computed_at, updated_at)
        VALUES (${uuidv7()}::uuid, ${applicationId}::uuid, ${ruleSet.id}::uuid, 'COMPUTED', ${plan.totalCents}, ${plan.eligibleCostCents}, ${plan.publicCeilingCents},
                ${plan.selfFinancingCents}, ${JSON.stringify(requestedRates)}::jsonb, now(), now())
        ON CONFLICT (application_id) DO UPDATE SET
          rule_set_id = EXCLUDED.rule_set_id, total_cents = EXCLUDED.total_cents, eligible_cost_cents = EXCLUDED.eligible_cost_cents,
          public_ceiling_cents = EXCLUDED.public_ceiling_cents, self_financing_cents = EXCLUDED.self_financing_cents,
          requested_rates = EXCLUDED.requested_rates, computed_at = now(), updated_at = now(), version = funding_plans.version + 1
        WHERE funding_plans.status = 'COMPUTED'
        RETURNING *
      )
      SELECT id, application_id AS "applicationId", rule_set_id AS "ruleSetId", status::text AS status, total_cents AS "totalCents",
             eligible_cost_cents AS "eligibleCostCents", public_ceiling_cents AS "publicCeilingCents", self_financing_cents AS "selfFinancingCents",
             requested_rates AS "requestedRates", computed_at AS "computedAt", committed_at AS "committedAt", committed_by_id AS "committedById",
             released_at AS "releasedAt", version, created_at AS "createdAt", updated_at AS "updatedAt"
      FROM saved`;
    if (!saved) return null;
    await this.sqlCount`DELETE FROM funding_plan_lines WHERE plan_id = ${saved.id}::uuid`;
    const values = plan.lines.map(
      (l) => Prisma.sql`(${uuidv7()}::uuid, ${saved.id}::uuid, ${l.funder}::"Funder", ${l.eligible}, ${l.reasons}::text[], ${l.baseCents}, ${l.requestedRateBps}::int,
                         ${l.appliedRateBps}, ${l.amountCents}, ${l.boundBy}::"BoundBy", now())`,
    );
    const lines = await this.sql<PlanRow['lines'][number]>`
      INSERT INTO funding_plan_lines (id, plan_id, funder, eligible, reasons, base_cents, requested_rate_bps, applied_rate_bps, amount_cents, bound_by, updated_at)
      VALUES ${Prisma.join(values)}
      RETURNING id, plan_id AS "planId", funder::text AS funder, eligible, reasons, base_cents AS "baseCents", requested_rate_bps AS "requestedRateBps",
                applied_rate_bps AS "appliedRateBps", amount_cents AS "amountCents", bound_by::text AS "boundBy", committed_cents AS "committedCents",
                paid_cents AS "paidCents", version, updated_at AS "updatedAt"`;
    return { ...saved, lines: lines.sort((x, y) => (x.id < y.id ? -1 : 1)), ruleSet: { revision: ruleSet.revision } };
  }

  /**
   * COMMITTED → RELEASED, when its dossier leaves the procedure (withdrawal, closure): no more
   * commitments or payments. A plan only computed stays as it is. The plan released, or null.
   */
  async releasePlan(applicationId: string): Promise<{ id: string } | null> {
    const [plan] = await this.db.fundingPlan.updateManyAndReturn({
      where: { applicationId, status: 'COMMITTED' },
      data: { status: 'RELEASED', releasedAt: new Date(), version: { increment: 1 } },
      select: { id: true },
    });
    return plan ?? null;
  }

  /** COMPUTED → COMMITTED, once: false when it was committed meanwhile. */
  async markCommitted(planId: string, version: number, actorId: string): Promise<boolean> {
    const { count } = await this.db.fundingPlan.updateMany({
      where: { id: planId, status: 'COMPUTED', version },
      data: { status: 'COMMITTED', committedAt: new Date(), committedById: actorId, version: { increment: 1 } },
    });
    return count === 1;
  }

  /**
   * The dossier's status, its row held (FOR SHARE) for the rest of the transaction: a move of
   * the dossier (withdrawal, closure) waits until then.
   */
  async holdDossier(applicationId: string): Promise<ApplicationStatus> {
    const [row] = await this.sql<{ status: ApplicationStatus }>`SELECT status::text AS status FROM applications WHERE id = ${applicationId}::uuid FOR SHARE`;
    return row.status;
  }

  /**
   * The dossier's plan row, locked for the rest of the transaction: a change on a partner's
   * line and the release of the plan (withdrawal, closure) serialize on it.
   */
  async lockPlan(applicationId: string): Promise<{ id: string; status: FundingPlanStatus } | null> {
    const [row] = await this.sql<{ id: string; status: FundingPlanStatus }>`
      SELECT id, status::text AS status FROM funding_plans WHERE application_id = ${applicationId}::uuid FOR UPDATE`;
    return row ?? null;
  }

  /** The line, locked for the rest of the transaction (commitments and payments serialize). */
  async lockLine(planId: string, funder: Funder) {
    const [row] = await this.sql<{ id: string }>`SELECT id FROM funding_plan_lines WHERE plan_id = ${planId}::uuid AND funder = ${funder}::"Funder" FOR UPDATE`;
    return row ? this.db.fundingPlanLine.findUniqueOrThrow({ where: { id: row.id }, include: { payments: { orderBy: { createdAt: 'asc' } } } }) : null;
  }

  async setCommitment(lineId: string, committedCents: bigint): Promise<void> {
    await this.db.fundingPlanLine.update({ where: { id: lineId }, data: { committedCents, version: { increment: 1 } } });
  }

  async addPayment(lineId: string, p: { kind: PaymentKind; amountCents: bigint; paidOn: Date; recordedById: string }): Promise<void> {
    await this.db.payment.create({ data: { lineId, ...p } });
    await this.db.fundingPlanLine.update({ where: { id: lineId }, data: { paidCents: { increment: p.amountCents }, version: { increment: 1 } } });
  }
}
