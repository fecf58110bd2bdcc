import { OutboxRepository } from '../outbox/outbox.repository.js';
import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AuditedWrites } from '../audit/audited-writes.js';
import { assertRegionWide, fundersVisibleTo, type Principal, territoryOf } from '../common/access/principal.js';
import { businessRule, conflict, type FieldError, forbidden, invalid, notFound } from '../common/errors/problem.js';
import { type Page, type PageQuery, pageOf } from '../common/http/pagination.js';
import { centsFromJsonOrNull, centsToJson, centsToJsonOrNull, totalCents } from '../common/money.js';
import { fromDbDate, parisToday, toDbDate } from '../common/validation/dates.js';
import { EnvelopesRepository } from '../envelopes/envelopes.repository.js';
import type { FundingRuleSet, Prisma } from '../generated/prisma/client.js';
import { type ApplicationStatus, ExpenseCategory, type ExpenseNature, Funder } from '../generated/prisma/enums.js';
import { promoterDetr } from '../reference/detr.js';
import { type CalculationInput, computePlan, type DetrFacts, type Plan, RateOutOfBand, type RuleSet, TERRITORIES } from './calculator.js';
import {
  type CommitmentDto,
  type DetrConfirmationDto,
  type DetrConfirmationResultDto,
  type ComputeDto,
  type ExpenseDto,
  type ExpensesViewDto,
  type CreateRuleSetDto,
  FunderRuleDto,
  type PaymentDto,
  type PlanDto,
  type RuleSetDto,
  type SimulateDto,
} from './dto/funding.dto.js';
import { type FundingDossier, FundingRepository, type PlanRow } from './funding.repository.js';
import { commitmentRefusal, lineRefusal, paymentRefusal, type Refusal, toRecover } from './tranches.js';
import { envelopeDepartment } from '../envelopes/envelope-rules.js';

const FUNDERS = Object.values(Funder);
const CATEGORIES = Object.values(ExpenseCategory);
/** A plan is committed once the DG approved the dossier, and while it is open. */
const COMMITTABLE: ApplicationStatus[] = ['STEP2_IN_PROGRESS', 'DELIVERABLES_RECEIVED', 'RECEIPT_ISSUED', 'STEP3_IN_PROGRESS'];
const CLOSED: ApplicationStatus[] = ['REJECTED', 'WITHDRAWN', 'CLOSED', 'COMPLETED'];

export const toRuleSetDto = (r: FundingRuleSet): RuleSetDto => ({
  id: r.id,
  name: r.name,
  regionCode: r.regionCode,
  revision: r.revision,
  active: r.active,
  publicCeilingBps: r.publicCeilingBps,
  ceilingLegalBasis: r.ceilingLegalBasis,
  funders: r.funders as Record<string, unknown>,
  version: r.version,
  createdAt: r.createdAt.toISOString(),
});

/** The stored rule set as the calculator takes it (caps as bigint cents). */
export function toRuleSet(r: Pick<FundingRuleSet, 'publicCeilingBps' | 'funders'>): RuleSet {
  const funders: RuleSet['funders'] = {};
  for (const [funder, raw] of Object.entries(r.funders as unknown as Record<string, FunderRuleDto>)) {
    const { capCents, capCentsExisting, baseCapCents, ...rest } = raw;
    funders[funder as Funder] = {
      ...rest,
      ...(capCents !== undefined && { capCents: BigInt(capCents) }),
      ...(capCentsExisting !== undefined && { capCentsExisting: BigInt(capCentsExisting) }),
      ...(baseCapCents !== undefined && { baseCapCents: BigInt(baseCapCents) }),
    };
  }
  return { publicCeilingBps: r.publicCeilingBps, funders };
}

const lineDto = (l: Omit<Plan['lines'][number], 'startUpAidCents'>) => ({
  funder: l.funder,
  eligible: l.eligible,
  reasons: l.reasons,
  baseCents: centsToJson(l.baseCents),
  requestedRateBps: l.requestedRateBps,
  appliedRateBps: l.appliedRateBps,
  amountCents: centsToJson(l.amountCents),
  boundBy: l.boundBy,
});

function planDto(plan: Plan, ruleSet: { id: string; revision: number }): PlanDto {
  return {
    ruleSetId: ruleSet.id,
    ruleSetRevision: ruleSet.revision,
    totalCents: centsToJson(plan.totalCents),
    eligibleCostCents: centsToJson(plan.eligibleCostCents),
    publicCeilingCents: centsToJson(plan.publicCeilingCents),
    publicTotalCents: centsToJson(plan.publicTotalCents),
    selfFinancingCents: centsToJson(plan.selfFinancingCents),
    lines: plan.lines.map(lineDto),
  };
}

export function storedPlanDto(row: PlanRow): PlanDto {
  const publicTotal = row.lines.reduce((s, l) => s + l.amountCents, 0n);
  return {
    id: row.id,
    status: row.status,
    ruleSetId: row.ruleSetId,
    ruleSetRevision: row.ruleSet.revision,
    totalCents: centsToJson(row.totalCents),
    eligibleCostCents: centsToJson(row.eligibleCostCents),
    publicCeilingCents: centsToJson(row.publicCeilingCents),
    publicTotalCents: centsToJson(publicTotal),
    selfFinancingCents: centsToJson(row.selfFinancingCents),
    releasedAt: row.releasedAt?.toISOString() ?? null,
    lines: row.lines.map((l) => ({
      ...lineDto(l),
      committedCents: centsToJsonOrNull(l.committedCents),
      paidCents: centsToJson(l.paidCents),
      toRecoverCents: centsToJson(toRecover(row.status, l.paidCents)),
    })),
    version: row.version,
  };
}

/**
 * A plan as its reader may see it: a partner reads its own funders' lines in full, and other
 * funders' lines not at all (omitted); the plan's totals (totalCents, publicTotalCents,
 * selfFinancingCents, publicCeilingCents…) stay. ARS staff and auditors read every line.
 */
export function planFor(p: Principal, plan: PlanDto): PlanDto {
  const funders = fundersVisibleTo(p);
  return funders ? { ...plan, lines: plan.lines.filter((l) => funders.includes(l.funder)) } : plan;
}

@Injectable()
export class FundingService {
  constructor(
    private readonly funding: FundingRepository,
    private readonly envelopes: EnvelopesRepository,
    private readonly writes: AuditedWrites,
    private readonly outbox: OutboxRepository,
  ) {}

  // ------------------------------------------------------------ rule sets

  async listRuleSets(p: Principal, q: PageQuery): Promise<Page<RuleSetDto>> {
    return pageOf(q, (after, take) => this.funding.listRuleSets(p.regionCode, after, take), toRuleSetDto);
  }

  async createRuleSet(p: Principal, dto: CreateRuleSetDto): Promise<RuleSetDto> {
    assertRegionWide(p, 'A funding rule set');
    const funders = await validateFunders(dto.funders);
    ruleSetBreach(dto, funders);
    return this.writes.run(p, async () => {
      const row = await this.funding.createRuleSet({
        regionCode: p.regionCode,
        name: dto.name,
        publicCeilingBps: dto.publicCeilingBps,
        ceilingLegalBasis: dto.ceilingLegalBasis ?? null,
        funders: funders as unknown as Prisma.InputJsonValue,
        createdById: p.id,
      });
      const created = toRuleSetDto(row);
      return { audit: { entity: 'funding_rule_set', entityId: row.id, regionCode: row.regionCode, after: created }, result: created };
    });
  }

  activateRuleSet(p: Principal, id: string): Promise<RuleSetDto> {
    assertRegionWide(p, 'A funding rule set');
    return this.writes.run(p, async () => {
      const before = await this.funding.findRuleSet(p.regionCode, id);
      if (!before) throw notFound(`Rule set ${id}`);
      await this.funding.activate(p.regionCode, id);
      const after = (await this.funding.findRuleSet(p.regionCode, id))!;
      return {
        audit: {
          action: 'funding_rule_set.activate',
          entity: 'funding_rule_set',
          entityId: id,
          regionCode: p.regionCode,
          before: { active: before.active },
          after: { active: true },
        },
        result: toRuleSetDto(after),
      };
    });
  }

  // ------------------------------------------------------------ expenses

  async expenses(p: Principal, id: string): Promise<ExpensesViewDto> {
    const dossier = await this.dossierIn(p, id);
    return expensesView(dossier.expenses);
  }

  replaceExpenses(p: Principal, id: string, items: ExpenseDto[]): Promise<ExpensesViewDto> {
    expensesWithinTotal(items);
    return this.writes.run(p, async () => {
      const dossier = await this.dossierIn(p, id);
      if (CLOSED.includes(dossier.status)) throw conflict(`A dossier in ${dossier.status} takes no more expenses.`, { currentStatus: dossier.status });
      const plan = await this.funding.findPlan(id);
      if (plan?.status === 'COMMITTED') throw conflict('The funding plan is committed: its expenses are frozen.');
      await this.funding.replaceExpenses(
        id,
        items.map((e) => ({ category: e.category, label: e.label, nature: e.nature ?? 'OTHER', amountCents: BigInt(e.amountCents), vatCents: BigInt(e.vatCents ?? 0) })),
      );
      const after = (await this.funding.dossier(territoryOf(p), id))!;
      const view = expensesView(after.expenses);
      return {
        audit: { action: 'application.expenses', entity: 'application', entityId: id, regionCode: dossier.regionCode, before: expensesView(dossier.expenses), after: view },
        result: view,
      };
    });
  }

  // ------------------------------------------------------------ plans

  /** Computes the dossier's plan and keeps it as its current plan. */
  compute(p: Principal, id: string, dto: ComputeDto): Promise<PlanDto> {
    return this.writes.run(p, async () => {
      const dossier = await this.dossierIn(p, id);
      if (CLOSED.includes(dossier.status)) throw conflict(`A dossier in ${dossier.status} gets no plan.`, { currentStatus: dossier.status });
      const ruleSet = await this.ruleSetFor(p, dto.ruleSetId);
      const rates = requestedRates(dto.requestedRates, ruleSet);
      const plan = calculate(dossierInput(dossier, toRuleSet(ruleSet), rates));
      const saved = await this.funding.savePlan(id, ruleSet, rates, plan);
      if (!saved) throw conflict('The funding plan is committed: it is not recomputed.');
      const result = storedPlanDto(saved);
      return { audit: { action: 'funding_plan.compute', entity: 'funding_plan', entityId: saved.id, regionCode: dossier.regionCode, after: result }, result };
    });
  }

  async simulate(p: Principal, dto: SimulateDto): Promise<PlanDto> {
    expensesWithinTotal(dto.expenses, 'expenses');
    const ruleSet = await this.ruleSetFor(p, dto.ruleSetId);
    const { detrStatus, ...commune } = dto.commune;
    const plan = calculate({
      ruleSet: toRuleSet(ruleSet),
      promoterType: dto.promoterType,
      // Absent or null: no forecast.
      project: { ...dto.project, forecastDeficitCents: centsFromJsonOrNull(dto.project.forecastDeficitCents) },
      commune,
      ...(detrStatus && { detr: simulatedDetr(detrStatus) }),
      expenses: dto.expenses.map((e) => ({ category: e.category, nature: e.nature, amountCents: BigInt(e.amountCents), vatCents: BigInt(e.vatCents ?? 0) })),
      requestedRates: requestedRates(dto.requestedRates, ruleSet),
      attestations: dto.attestations ?? [],
      asOf: parisToday(),
    });
    return planDto(plan, ruleSet);
  }

  async plan(p: Principal, id: string): Promise<PlanDto> {
    await this.dossierIn(p, id);
    const row = await this.funding.findPlan(id);
    if (!row) throw notFound(`The funding plan of dossier ${id}`);
    return planFor(p, storedPlanDto(row));
  }

  /**
   * Freezes the plan and consumes, for every line above 0, the open envelope of its funder in
   * the dossier's region. Envelopes are locked in a fixed order, so concurrent commits wait
   * for each other instead of both seeing the same remaining amount (or deadlocking); any
   * envelope missing or short → 409 and nothing written.
   */
  commit(p: Principal, id: string): Promise<PlanDto> {
    return this.writes.run(p, async () => {
      const dossier = await this.dossierIn(p, id);
      // The dossier's row is held until the commit ends: a withdrawal or closure at the same
      // moment waits, then releases what was consumed; or it went first and is seen here.
      const status = await this.funding.holdDossier(id);
      if (!COMMITTABLE.includes(status)) {
        throw conflict(`A plan is committed once the dossier is approved and while it is open; it is ${status}.`, { currentStatus: status });
      }
      const plan = await this.funding.findPlan(id);
      if (!plan) throw conflict('The dossier has no computed plan: compute it first.');
      if (plan.status === 'COMMITTED') throw conflict('The funding plan is already committed.');
      if (plan.status === 'RELEASED') throw conflict('The funding plan was released when the dossier left the procedure.', { rule: 'plan-released' });
      const lines = plan.lines.filter((l) => l.amountCents > 0n).sort((a, b) => (a.funder < b.funder ? -1 : 1));
      const consumed: { funder: Funder; envelopeId: string; amountCents: bigint; remainingCents: bigint }[] = [];
      for (const line of lines) {
        // A DETR or DEPARTEMENT line consumes its département's envelope, the others the region's.
        const departmentCode = envelopeDepartment(line.funder, dossier.departmentCode);
        const envelope = await this.envelopes.lockOpen(line.funder, dossier.regionCode, departmentCode);
        if (!envelope) {
          throw conflict(`No open ${line.funder} envelope in ${departmentCode ? `département ${departmentCode} of ` : ''}region ${dossier.regionCode}.`, {
            funder: line.funder,
            regionCode: dossier.regionCode,
            departmentCode,
          });
        }
        const remaining = envelope.amountCents - envelope.committedCents;
        if (line.amountCents > remaining) {
          throw conflict(`The ${line.funder} envelope has ${remaining} cents left; the plan needs ${line.amountCents}.`, {
            funder: line.funder,
            envelopeId: envelope.id,
            remainingCents: centsToJson(remaining),
            requestedCents: centsToJson(line.amountCents),
          });
        }
        await this.envelopes.addMovement({ envelopeId: envelope.id, kind: 'COMMITMENT', amountCents: line.amountCents, applicationId: id, planId: plan.id, actorId: p.id });
        consumed.push({ funder: line.funder, envelopeId: envelope.id, amountCents: line.amountCents, remainingCents: remaining - line.amountCents });
      }
      if (!(await this.funding.markCommitted(plan.id, plan.version, p.id))) throw conflict('The plan changed meanwhile: read it again.');
      const after = storedPlanDto((await this.funding.findPlan(id))!);
      // Not its lines, nor which funders it has: each partner reads its own funder's line only.
      await this.outbox.publish({
        type: 'funding_plan.committed',
        regionCode: dossier.regionCode,
        departmentCode: dossier.departmentCode,
        applicationId: id,
        data: { applicationId: id, departmentCode: dossier.departmentCode, planId: plan.id, status: 'COMMITTED' },
      });
      return {
        audit: {
          action: 'funding_plan.commit',
          entity: 'funding_plan',
          entityId: plan.id,
          regionCode: dossier.regionCode,
          before: { status: 'COMPUTED' },
          after: { status: 'COMMITTED', consumed },
        },
        result: after,
      };
    });
  }

  // ------------------------------------------------------------ DETR

  /**
   * The préfecture de département's word on a DETR eligibility TO_CONFIRM (CGCT L2334-33: it
   * depends on the potentiel financier), per dossier: until it is CONFIRMED the DETR line gets
   * no amount. Only a partner of the dossier's département granting DETR may give it.
   */
  /** The dossier in the caller's territory, or 404. */
  private async dossierIn(p: Principal, id: string): Promise<FundingDossier> {
    const dossier = await this.funding.dossier(territoryOf(p), id);
    if (!dossier) throw notFound(`Dossier ${id}`);
    return dossier;
  }

  async detr(p: Principal, id: string): Promise<DetrConfirmationResultDto> {
    const dossier = await this.dossierIn(p, id);
    return detrView(dossier.id, promoterDetr(dossier.project.promoter), dossier);
  }

  confirmDetr(p: Principal, id: string, dto: DetrConfirmationDto): Promise<DetrConfirmationResultDto> {
    if (p.organizationType !== 'PREFECTURE_DEPARTEMENT' || !p.funders.includes('DETR') || !p.departmentCode) {
      throw forbidden("DETR eligibility is confirmed by the préfecture de département that grants DETR for the dossier's département.");
    }
    return this.writes.run(p, async () => {
      const dossier = await this.dossierIn(p, id);
      const detr = promoterDetr(dossier.project.promoter);
      if (detr.status !== 'TO_CONFIRM') {
        throw businessRule('detr-not-to-confirm', `The promoter's DETR eligibility is ${detr.status} (${detr.reason}): only a TO_CONFIRM is confirmed or refused.`, {
          detrStatus: detr.status,
        });
      }
      const plan = await this.funding.findPlan(id);
      if (plan && plan.status !== 'COMPUTED') {
        throw conflict(`The funding plan is ${plan.status}: DETR eligibility can no longer change it.`, { rule: 'plan-frozen', planStatus: plan.status });
      }
      const before = detrView(dossier.id, detr, dossier);
      const decided = await this.funding.setDetrDecision(id, { decision: dto.decision, reason: dto.reason.trim(), actorId: p.id, actorKind: p.kind });
      const after = detrView(dossier.id, detr, decided);
      return { audit: { action: 'application.detr_confirmation', entity: 'application', entityId: id, regionCode: dossier.regionCode, before, after }, result: after };
    });
  }

  // ------------------------------------------------------------ partners' lines

  /**
   * A partner records its own funder's commitment: at most the line's amount, and not below
   * what keeps the payments already made within the tranche rules (tranches.ts).
   */
  setCommitment(p: Principal, id: string, funder: Funder, dto: CommitmentDto): Promise<PlanDto> {
    return this.onPartnerLine(p, id, funder, async (line, state) => {
      const committed = BigInt(dto.committedCents);
      const refusal = commitmentRefusal({ ...state, amountCents: line.amountCents, committedCents: line.committedCents, payments: line.payments }, committed);
      if (refusal) throw refusalProblem(refusal, funder);
      await this.funding.setCommitment(line.id, committed);
      return { action: 'funding_line.commit', before: { committedCents: centsToJsonOrNull(line.committedCents) }, after: { committedCents: dto.committedCents } };
    });
  }

  /** A payment in tranches: advance ≤ 30 %, advances + instalments ≤ 80 % until COMPLETED, balance only then. */
  addPayment(p: Principal, id: string, funder: Funder, dto: PaymentDto): Promise<PlanDto> {
    return this.onPartnerLine(p, id, funder, async (line, state) => {
      const amount = BigInt(dto.amountCents);
      const refusal = paymentRefusal({ ...state, amountCents: line.amountCents, committedCents: line.committedCents, payments: line.payments }, dto.kind, amount);
      if (refusal) throw refusalProblem(refusal, funder);
      await this.funding.addPayment(line.id, { kind: dto.kind, amountCents: amount, paidOn: toDbDate(dto.paidOn), recordedById: p.id });
      return { action: 'funding_line.payment', before: { paidCents: centsToJson(line.paidCents) }, after: { paidCents: centsToJson(line.paidCents + amount), payment: dto } };
    });
  }

  /**
   * A change on a partner's line, in one transaction: the dossier in the caller's scope, its
   * plan, the line locked (commitments and payments on it serialize). A released plan, or a
   * dossier that left the procedure, takes nothing (409 naming the rule).
   */
  private onPartnerLine(
    p: Principal,
    id: string,
    funder: Funder,
    change: (
      line: NonNullable<Awaited<ReturnType<FundingRepository['lockLine']>>>,
      state: { planStatus: PlanRow['status']; dossierStatus: ApplicationStatus },
    ) => Promise<{ action: string; before: unknown; after: unknown }>,
  ): Promise<PlanDto> {
    if (!FUNDERS.includes(funder)) throw invalid([{ field: 'funder', message: `must be one of ${FUNDERS.join(', ')}` }]);
    if (!p.funders.includes(funder)) throw forbidden(`Your organisation grants ${p.funders.join(', ') || 'no funds'}, not ${funder}.`);
    return this.writes.run(p, async () => {
      const dossier = await this.dossierIn(p, id);
      // The dossier, then the plan row (the order of a commit and of a withdrawal): a withdrawal
      // releasing the plan waits, or is waited for; and the events of one dossier are written in
      // the order they commit (docs/architecture.md, Notifications).
      await this.funding.holdDossier(id);
      const plan = await this.funding.lockPlan(id);
      const state = { planStatus: plan?.status ?? 'COMPUTED', dossierStatus: dossier.status };
      const refusal = lineRefusal(state); // no plan: not committed (409)
      if (refusal) throw refusalProblem(refusal, funder);
      const line = plan && (await this.funding.lockLine(plan.id, funder));
      if (!line) throw notFound(`The ${funder} line of this plan`);
      const { action, before, after } = await change(line, state);
      await this.outbox.publish({
        type: action === 'funding_line.payment' ? 'payment.recorded' : 'funding_line.committed',
        regionCode: dossier.regionCode,
        departmentCode: dossier.departmentCode,
        applicationId: id,
        funder,
        data: { applicationId: id, departmentCode: dossier.departmentCode, planId: plan.id, lineId: line.id, funder, ...(after as Record<string, unknown>) },
      });
      return {
        audit: { action, entity: 'funding_plan_line', entityId: line.id, regionCode: dossier.regionCode, before, after },
        result: planFor(p, storedPlanDto((await this.funding.findPlan(id))!)),
      };
    });
  }

  private async ruleSetFor(p: Principal, ruleSetId: string | undefined): Promise<FundingRuleSet> {
    if (ruleSetId) {
      const r = await this.funding.findRuleSet(p.regionCode, ruleSetId);
      if (!r) throw invalid([{ field: 'ruleSetId', message: `no rule set ${ruleSetId} in your region` }]);
      return r;
    }
    const active = await this.funding.activeRuleSet(p.regionCode);
    if (!active) throw conflict(`Region ${p.regionCode} has no active funding rule set: create and activate one, or give ruleSetId.`);
    return active;
  }
}

/** A tranche refusal as the problem it answers: 409 (state of the line) or 422 (a rule), naming its values. */
function refusalProblem(r: Refusal, funder: Funder) {
  const values: Record<string, unknown> = { funder };
  for (const [k, v] of Object.entries(r.values)) values[k] = typeof v === 'bigint' ? centsToJson(v) : v;
  return r.status === 409 ? conflict(r.detail, { rule: r.rule, ...values }) : businessRule(r.rule, r.detail, values);
}

/**
 * 400 naming the item at which the expenses, VAT included, add up beyond what the API carries
 * exactly: every base, aid and total of the plan is at most that sum, so none can overflow.
 */
function expensesWithinTotal(items: ExpenseDto[], prefix = ''): void {
  totalCents(
    items.flatMap((e, i) => [
      { field: `${prefix}[${i}].amountCents`, cents: e.amountCents },
      { field: `${prefix}[${i}].vatCents`, cents: e.vatCents },
    ]),
  );
}

function expensesView(rows: { category: ExpenseDto['category']; label: string; nature: ExpenseNature; amountCents: bigint; vatCents: bigint }[]): ExpensesViewDto {
  return {
    items: rows.map((e) => ({ category: e.category, nature: e.nature, label: e.label, amountCents: centsToJson(e.amountCents), vatCents: centsToJson(e.vatCents) })),
    totalCents: centsToJson(rows.reduce((s, e) => s + e.amountCents, 0n)),
  };
}

function detrView(
  applicationId: string,
  detr: { status: string; reason: string },
  d: { detrDecision: 'CONFIRMED' | 'REFUSED' | null; detrReason: string | null; detrDecidedAt: Date | null },
): DetrConfirmationResultDto {
  return {
    applicationId,
    status: detr.status,
    reason: detr.reason,
    decision: d.detrDecision,
    decisionReason: d.detrReason,
    decidedAt: d.detrDecidedAt?.toISOString() ?? null,
  };
}

/** What the calculator takes of a stored dossier: its project, promoter, commune, DETR and attestations. */
function dossierInput(dossier: FundingDossier, ruleSet: RuleSet, rates: Partial<Record<Funder, number>>): CalculationInput {
  const { project } = dossier;
  return {
    ruleSet,
    promoterType: project.promoter.legalType,
    project: {
      ...project,
      operationStartOn: project.operationStartOn ? fromDbDate(project.operationStartOn) : null,
    },
    commune: project.commune,
    detr: { ...promoterDetr(project.promoter), confirmation: dossier.detrDecision },
    expenses: dossier.expenses,
    requestedRates: rates,
    attestations: dossier.attestations,
    asOf: parisToday(),
  };
}

/** A simulation's DETR status: CONFIRMED and REFUSED are the préfecture's word on a TO_CONFIRM. */
function simulatedDetr(status: NonNullable<SimulateDto['commune']['detrStatus']>): DetrFacts {
  if (status === 'CONFIRMED' || status === 'REFUSED') return { status: 'TO_CONFIRM', reason: 'as simulated', confirmation: status };
  return { status, reason: 'as simulated' };
}

/**
 * The rules of a rule set that the seeds and the law fix (docs/domain.md, Rule sets), as 422 naming the rule:
 * the ARS funds no building works; public aid above 80 % needs its legal basis; no cap below zero.
 */
function ruleSetBreach(dto: CreateRuleSetDto, funders: Record<string, FunderRuleDto>): void {
  if (dto.publicCeilingBps > 8000 && !dto.ceilingLegalBasis?.trim()) {
    throw businessRule(
      'ceiling-legal-basis',
      `A ceiling of public aid above 80 % (${dto.publicCeilingBps} bps) needs its legal basis (ceilingLegalBasis): CGCT L1111-10 sets 80 %.`,
      {
        publicCeilingBps: dto.publicCeilingBps,
      },
    );
  }
  const ars = funders.ARS;
  if (ars && (ars.categories.includes('IMMOBILIER') || (ars.territoriesByCategory && 'IMMOBILIER' in ars.territoriesByCategory))) {
    throw businessRule('ars-no-building', 'The ARS funds no building works: remove IMMOBILIER from its categories.', { funder: 'ARS', category: 'IMMOBILIER' });
  }
  for (const [funder, rule] of Object.entries(funders)) {
    for (const field of ['capCents', 'capCentsExisting', 'baseCapCents'] as const) {
      const value = rule[field];
      if (value !== undefined && value < 0) throw businessRule('cap-below-zero', `${funder}.${field} is ${value}: a cap cannot be below zero.`, { funder, field, value });
    }
    if (rule.minRateBps > rule.maxRateBps) {
      throw businessRule('rate-band-inverted', `${funder}'s band runs from ${rule.minRateBps} to ${rule.maxRateBps} bps: its minimum is above its maximum.`, {
        funder,
        minRateBps: rule.minRateBps,
        maxRateBps: rule.maxRateBps,
      });
    }
    if (rule.defaultRateBps < rule.minRateBps || rule.defaultRateBps > rule.maxRateBps) {
      throw businessRule('default-rate-outside-band', `${funder}'s default rate ${rule.defaultRateBps} bps lies outside its band ${rule.minRateBps}–${rule.maxRateBps} bps.`, {
        funder,
        defaultRateBps: rule.defaultRateBps,
        minRateBps: rule.minRateBps,
        maxRateBps: rule.maxRateBps,
      });
    }
    const uncapped = (rule.baseCapCategories ?? []).filter((c) => !rule.categories.includes(c));
    if (uncapped.length) {
      throw businessRule('base-cap-categories', `${funder}.baseCapCategories names ${uncapped.join(', ')}, which are not among its categories.`, { funder, categories: uncapped });
    }
    if (rule.baseCapCategories && rule.baseCapCents === undefined) {
      throw businessRule('base-cap-categories', `${funder}.baseCapCategories needs baseCapCents.`, { funder });
    }
  }
}

function calculate(input: Parameters<typeof computePlan>[0]): Plan {
  try {
    return computePlan(input);
  } catch (error) {
    if (error instanceof RateOutOfBand) {
      throw businessRule('rate-outside-band', error.message, {
        funder: error.funder,
        requestedRateBps: error.requestedRateBps,
        minRateBps: error.minRateBps,
        maxRateBps: error.maxRateBps,
      });
    }
    throw error;
  }
}

function requestedRates(raw: Record<string, unknown> | undefined, ruleSet: FundingRuleSet): Partial<Record<Funder, number>> {
  if (!raw) return {};
  const known = Object.keys(ruleSet.funders as object);
  const errors: FieldError[] = [];
  const rates: Partial<Record<Funder, number>> = {};
  for (const [funder, rate] of Object.entries(raw)) {
    if (!known.includes(funder)) errors.push({ field: `requestedRates.${funder}`, message: `the rule set has no funder ${funder}` });
    else if (!Number.isInteger(rate) || (rate as number) < 0 || (rate as number) > 10000) {
      errors.push({ field: `requestedRates.${funder}`, message: 'must be an integer of basis points from 0 to 10000' });
    } else rates[funder as Funder] = rate as number;
  }
  if (errors.length) throw invalid(errors);
  return rates;
}

async function validateFunders(raw: Record<string, unknown>): Promise<Record<string, FunderRuleDto>> {
  const errors: FieldError[] = [];
  const out: Record<string, FunderRuleDto> = {};
  if (Object.keys(raw).length === 0) errors.push({ field: 'funders', message: 'must name at least one funder' });
  for (const [funder, value] of Object.entries(raw)) {
    if (!FUNDERS.includes(funder as Funder)) {
      errors.push({ field: `funders.${funder}`, message: `is not a funder (${FUNDERS.join(', ')})` });
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ field: `funders.${funder}`, message: 'must be an object' });
      continue;
    }
    const rule = plainToInstance(FunderRuleDto, value);
    for (const e of await validate(rule, { whitelist: true, forbidNonWhitelisted: true })) {
      for (const message of Object.values(e.constraints ?? {})) errors.push({ field: `funders.${funder}.${e.property}`, message: message.replace(`${e.property} `, '') });
    }
    const byCategory = rule.territoriesByCategory;
    for (const [category, territories] of byCategory && typeof byCategory === 'object' && !Array.isArray(byCategory) ? Object.entries(byCategory) : []) {
      const field = `funders.${funder}.territoriesByCategory.${category}`;
      if (!CATEGORIES.includes(category as ExpenseCategory)) errors.push({ field, message: `is not a category (${CATEGORIES.join(', ')})` });
      else if (!Array.isArray(rule.categories) || !rule.categories.includes(category as ExpenseCategory))
        errors.push({ field, message: `${category} is not among the funder's categories` });
      else if (
        !Array.isArray(territories) ||
        !territories.length ||
        !territories.every((t) => (TERRITORIES as readonly unknown[]).includes(t)) ||
        new Set(territories).size !== territories.length
      ) {
        errors.push({ field, message: `must be a non-empty list of distinct territories (${TERRITORIES.join(', ')})` });
      }
    }
    const codes = Array.isArray(rule.conditions) ? rule.conditions.map((c) => (c && typeof c === 'object' ? c.code : undefined)) : [];
    if (new Set(codes).size !== codes.length) errors.push({ field: `funders.${funder}.conditions`, message: 'condition codes must be distinct' });
    out[funder] = JSON.parse(JSON.stringify(rule)) as FunderRuleDto;
  }
  if (errors.length) throw invalid(errors);
  return out;
}
