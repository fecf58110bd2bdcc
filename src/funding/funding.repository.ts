import { Injectable } from '@nestjs/common';
import type { Tx } from '../audit/audit.repository.js';
import type { Territory } from '../common/access/principal.js';
import { PrismaService } from '../database/prisma.service.js';
import type { ApplicationStatus, Funder, FundingPlanStatus, FundingRuleSet, PaymentKind, Prisma } from '../generated/prisma/client.js';
import type { Plan } from './calculator.js';

const planView = { lines: { orderBy: { id: 'asc' } }, ruleSet: { select: { revision: true } } } satisfies Prisma.FundingPlanInclude;
export type PlanRow = Prisma.FundingPlanGetPayload<{ include: typeof planView }>;

@Injectable()
export class FundingRepository {
  constructor(private readonly prisma: PrismaService) {}

  // ------------------------------------------------------------ rule sets

  listRuleSets(regionCode: string, after: string | undefined, take: number): Promise<FundingRuleSet[]> {
    return this.prisma.fundingRuleSet.findMany({ where: { regionCode, ...(after && { id: { gt: after } }) }, orderBy: { id: 'asc' }, take });
  }

  findRuleSet(regionCode: string, id: string, db: Tx | PrismaService = this.prisma): Promise<FundingRuleSet | null> {
    return db.fundingRuleSet.findFirst({ where: { id, regionCode } });
  }

  activeRuleSet(regionCode: string, db: Tx | PrismaService = this.prisma): Promise<FundingRuleSet | null> {
    return db.fundingRuleSet.findFirst({ where: { regionCode, active: true } });
  }

  /** Rule sets are immutable: a new one with the same name is the next revision. */
  async createRuleSet(tx: Tx, data: { regionCode: string; name: string; publicCeilingBps: number; ceilingLegalBasis: string | null; funders: Prisma.InputJsonValue; createdById: string }) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('ruleset:' || ${data.regionCode} || ':' || ${data.name}))`;
    const last = await tx.fundingRuleSet.findFirst({ where: { regionCode: data.regionCode, name: data.name }, orderBy: { revision: 'desc' } });
    return tx.fundingRuleSet.create({ data: { ...data, revision: (last?.revision ?? 0) + 1 } });
  }

  async activate(tx: Tx, regionCode: string, id: string): Promise<void> {
    // One activation at a time per region: two at once lock each other's rows in opposite
    // orders (a deadlock: P2034, which was a 500).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('ruleset-active:' || ${regionCode}))`;
    await tx.fundingRuleSet.updateMany({ where: { regionCode, active: true, NOT: { id } }, data: { active: false, version: { increment: 1 } } });
    await tx.fundingRuleSet.updateMany({ where: { id, active: false }, data: { active: true, version: { increment: 1 } } });
  }

  // ------------------------------------------------------------ dossiers

  /** What the calculator needs of a dossier, in the caller's territory. */
  dossier(territory: Territory, id: string, db: Tx | PrismaService = this.prisma) {
    return db.application.findFirst({
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
    tx: Tx,
    applicationId: string,
    expenses: { category: Prisma.ExpenseCreateManyInput['category']; nature: Prisma.ExpenseCreateManyInput['nature']; label: string; amountCents: bigint; vatCents: bigint }[],
  ) {
    await tx.expense.deleteMany({ where: { applicationId } });
    await tx.expense.createMany({ data: expenses.map((e, position) => ({ ...e, applicationId, position })) });
  }

  /** The préfecture's DETR decision on the dossier, with its event in the dossier's history. */
  async setDetrDecision(tx: Tx, id: string, d: { decision: 'CONFIRMED' | 'REFUSED'; reason: string; actorId: string; actorKind: 'USER' | 'API_KEY' }) {
    const row = await tx.application.update({
      where: { id },
      data: { detrDecision: d.decision, detrReason: d.reason, detrDecidedAt: new Date(), detrDecidedById: d.actorId, version: { increment: 1 }, lastEventAt: new Date() },
      select: { detrDecision: true, detrReason: true, detrDecidedAt: true },
    });
    await tx.applicationEvent.create({
      data: { applicationId: id, actorId: d.actorId, actorKind: d.actorKind, type: `DETR_${d.decision}`, reason: d.reason, data: { decision: d.decision } },
    });
    return row;
  }

  // ------------------------------------------------------------ plans

  findPlan(applicationId: string, db: Tx | PrismaService = this.prisma): Promise<PlanRow | null> {
    return db.fundingPlan.findUnique({ where: { applicationId }, include: planView });
  }

  /** The dossier's current plan becomes this one (lines replaced); only while not committed. */
  async savePlan(tx: Tx, applicationId: string, ruleSetId: string, requestedRates: Prisma.InputJsonValue, plan: Plan): Promise<PlanRow> {
    const data = {
      ruleSetId,
      requestedRates,
      totalCents: plan.totalCents,
      eligibleCostCents: plan.eligibleCostCents,
      publicCeilingCents: plan.publicCeilingCents,
      selfFinancingCents: plan.selfFinancingCents,
      computedAt: new Date(),
    };
    const saved = await tx.fundingPlan.upsert({
      where: { applicationId },
      create: { applicationId, ...data },
      update: { ...data, version: { increment: 1 } },
    });
    await tx.fundingPlanLine.deleteMany({ where: { planId: saved.id } });
    await tx.fundingPlanLine.createMany({
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
    return (await this.findPlan(applicationId, tx))!;
  }

  /** COMPUTED → COMMITTED, once: false when it was committed meanwhile. */
  async markCommitted(tx: Tx, planId: string, version: number, actorId: string): Promise<boolean> {
    const { count } = await tx.fundingPlan.updateMany({
      where: { id: planId, status: 'COMPUTED', version },
      data: { status: 'COMMITTED', committedAt: new Date(), committedById: actorId, version: { increment: 1 } },
    });
    return count === 1;
  }

  /**
   * The dossier's status, its row held (FOR SHARE) for the rest of the transaction: a move of
   * the dossier (withdrawal, closure) waits until then.
   */
  async holdDossier(tx: Tx, applicationId: string): Promise<ApplicationStatus> {
    const [row] = await tx.$queryRaw<{ status: ApplicationStatus }[]>`SELECT status::text AS status FROM applications WHERE id = ${applicationId}::uuid FOR SHARE`;
    return row.status;
  }

  /**
   * The dossier's plan row, locked for the rest of the transaction: a change on a partner's
   * line and the release of the plan (withdrawal, closure) serialize on it.
   */
  async lockPlan(tx: Tx, applicationId: string): Promise<{ id: string; status: FundingPlanStatus } | null> {
    const [row] = await tx.$queryRaw<{ id: string; status: FundingPlanStatus }[]>`
      SELECT id, status::text AS status FROM funding_plans WHERE application_id = ${applicationId}::uuid FOR UPDATE`;
    return row ?? null;
  }

  /** The line, locked for the rest of the transaction (commitments and payments serialize). */
  async lockLine(tx: Tx, planId: string, funder: Funder) {
    const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM funding_plan_lines WHERE plan_id = ${planId}::uuid AND funder = ${funder}::"Funder" FOR UPDATE`;
    return row ? tx.fundingPlanLine.findUniqueOrThrow({ where: { id: row.id }, include: { payments: { orderBy: { createdAt: 'asc' } } } }) : null;
  }

  async setCommitment(tx: Tx, lineId: string, committedCents: bigint): Promise<void> {
    await tx.fundingPlanLine.update({ where: { id: lineId }, data: { committedCents, version: { increment: 1 } } });
  }

  async addPayment(tx: Tx, lineId: string, p: { kind: PaymentKind; amountCents: bigint; paidOn: Date; recordedById: string }): Promise<void> {
    await tx.payment.create({ data: { lineId, ...p } });
    await tx.fundingPlanLine.update({ where: { id: lineId }, data: { paidCents: { increment: p.amountCents }, version: { increment: 1 } } });
  }
}
