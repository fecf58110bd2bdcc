import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';
import { uuidv7 } from '../database/uuid.js';
import type { ApplicationStatus, Funder, FundingPlanStatus, FundingRuleSet, PaymentKind, Prisma } from '../generated/prisma/client.js';
import type { Plan } from './calculator.js';

const planView = { lines: { orderBy: { id: 'asc' } }, ruleSet: { select: { revision: true } } } satisfies Prisma.FundingPlanInclude;
export type PlanRow = Prisma.FundingPlanGetPayload<{ include: typeof planView }>;

@Injectable()
export class FundingRepository extends Repository {
  // ------------------------------------------------------------ rule sets

  listRuleSets(regionCode: string, after: string | undefined, take: number): Promise<FundingRuleSet[]> {
    return this.db.fundingRuleSet.findMany({ where: { regionCode, ...(after && { id: { gt: after } }) }, orderBy: { id: 'asc' }, take });
  }

  findRuleSet(regionCode: string, id: string): Promise<FundingRuleSet | null> {
    return this.db.fundingRuleSet.findFirst({ where: { id, regionCode } });
  }

  activeRuleSet(regionCode: string): Promise<FundingRuleSet | null> {
    return this.db.fundingRuleSet.findFirst({ where: { regionCode, active: true } });
  }

  /** Rule sets are immutable: a new one with the same name is the next revision. */
  async createRuleSet(data: { regionCode: string; name: string; publicCeilingBps: number; ceilingLegalBasis: string | null; funders: Prisma.InputJsonValue; createdById: string }) {
    await this.db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('ruleset:' || ${data.regionCode} || ':' || ${data.name}))`;
    const last = await this.db.fundingRuleSet.findFirst({ where: { regionCode: data.regionCode, name: data.name }, orderBy: { revision: 'desc' } });
    return this.db.fundingRuleSet.create({ data: { ...data, revision: (last?.revision ?? 0) + 1 } });
  }

  async activate(regionCode: string, id: string): Promise<void> {
    // One activation at a time per region: two at once lock each other's rows in opposite
    // orders (a deadlock: P2034, which was a 500).
    await this.db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('ruleset-active:' || ${regionCode}))`;
    await this.db.fundingRuleSet.updateMany({ where: { regionCode, active: true, NOT: { id } }, data: { active: false, version: { increment: 1 } } });
    await this.db.fundingRuleSet.updateMany({ where: { id, active: false }, data: { active: true, version: { increment: 1 } } });
  }

  // ------------------------------------------------------------ dossiers

  /** What the calculator needs of a dossier, in the caller's territory. */
  dossier(territory: Territory, id: string) {
    return this.db.application.findFirst({
      where: { id, ...territory },
      include: {
        project: {
          include: {
            promoter: {
              select: {
                legalType: true,
                commune: { select: { population: true, departmentCode: true, epci: { select: { name: true, population: true, largestMemberPopulation: true } } } },
              },
            },
            commune: { select: { zone: true, qpv: true, island: true, rural: true } },
          },
        },
        expenses: { orderBy: { position: 'asc' } },
        attestations: { select: { code: true } },
      },
    });
  }

  async replaceExpenses(
    applicationId: string,
    expenses: { category: Prisma.ExpenseCreateManyInput['category']; nature: Prisma.ExpenseCreateManyInput['nature']; label: string; amountCents: bigint; vatCents: bigint }[],
  ) {
    await this.db.expense.deleteMany({ where: { applicationId } });
    await this.db.expense.createMany({ data: expenses.map((e, position) => ({ ...e, applicationId, position })) });
  }

  /** The préfecture's DETR decision on the dossier, with its event in the dossier's history. */
  async setDetrDecision(id: string, d: { decision: 'CONFIRMED' | 'REFUSED'; reason: string; actorId: string; actorKind: 'USER' | 'API_KEY' }) {
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
    const [saved] = await this.db.$queryRaw<Omit<PlanRow, 'lines' | 'ruleSet'>[]>`
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
    await this.db.$executeRaw`DELETE FROM funding_plan_lines WHERE plan_id = ${saved.id}::uuid`;
    const lines = await this.db.fundingPlanLine.createManyAndReturn({
      data: plan.lines.map((l) => ({
        planId: saved.id,
        funder: l.funder,
        eligible: l.eligible,
        reasons: l.reasons,
        baseCents: l.baseCents,
        requestedRateBps: l.requestedRateBps,
        appliedRateBps: l.appliedRateBps,
        amountCents: l.amountCents,
        boundBy: l.boundBy,
      })),
    });
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
    const [row] = await this.db.$queryRaw<{ status: ApplicationStatus }[]>`SELECT status::text AS status FROM applications WHERE id = ${applicationId}::uuid FOR SHARE`;
    return row.status;
  }

  /**
   * The dossier's plan row, locked for the rest of the transaction: a change on a partner's
   * line and the release of the plan (withdrawal, closure) serialize on it.
   */
  async lockPlan(applicationId: string): Promise<{ id: string; status: FundingPlanStatus } | null> {
    const [row] = await this.db.$queryRaw<{ id: string; status: FundingPlanStatus }[]>`
      SELECT id, status::text AS status FROM funding_plans WHERE application_id = ${applicationId}::uuid FOR UPDATE`;
    return row ?? null;
  }

  /** The line, locked for the rest of the transaction (commitments and payments serialize). */
  async lockLine(planId: string, funder: Funder) {
    const [row] = await this.db.$queryRaw<{ id: string }[]>`SELECT id FROM funding_plan_lines WHERE plan_id = ${planId}::uuid AND funder = ${funder}::"Funder" FOR UPDATE`;
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
