// The funding split (DOMAIN.md §6). Pure: no framework, no database, no floating point.
// Every amount is a bigint of cents; every product of cents and basis points is rounded
// down, so that public aid never exceeds what a rule allows.
import type { ExpenseCategory, Funder, LegalType, Zone } from '../generated/prisma/enums.js';

export const TERRITORIES = ['ZIP', 'ZAC', 'QPV', 'QPV_IN_ZAC', 'ISLAND'] as const;
export type Territory = (typeof TERRITORIES)[number];

export interface FunderRule {
  categories: ExpenseCategory[];
  promoterTypes: LegalType[];
  minDoctors?: number;
  requiresBalancedBudget?: boolean;
  requiresRural?: boolean;
  /** Absent: any territory where the dossier is eligible. */
  territories?: Territory[];
  defaultRateBps: number;
  minRateBps: number;
  maxRateBps: number;
  capCents?: bigint;
  /** The cap for an existing centre's extension, where it differs from a creation's. */
  capCentsExisting?: bigint;
  priority: number;
}

export interface RuleSet {
  publicCeilingBps: number;
  funders: Partial<Record<Funder, FunderRule>>;
}

export interface CalculationInput {
  ruleSet: RuleSet;
  promoterType: LegalType;
  project: { existing: boolean; doctorsPlanned: number; balancedBudget: boolean; forecastDeficitCents: bigint | null };
  commune: { zone: Zone; qpv: boolean; island: boolean; rural: boolean };
  expenses: { category: ExpenseCategory; amountCents: bigint }[];
  requestedRates?: Partial<Record<Funder, number>>;
}

export type BoundBy = 'CAP' | 'PUBLIC_CEILING' | 'INELIGIBLE' | null;

export interface PlanLine {
  funder: Funder;
  eligible: boolean;
  reasons: string[];
  baseCents: bigint;
  requestedRateBps: number | null;
  appliedRateBps: number;
  amountCents: bigint;
  boundBy: BoundBy;
}

export interface Plan {
  totalCents: bigint;
  eligibleCostCents: bigint;
  publicCeilingCents: bigint;
  publicTotalCents: bigint;
  selfFinancingCents: bigint;
  lines: PlanLine[];
}

/** A requested rate outside its funder's band: the request is refused (422). */
export class RateOutOfBand extends Error {
  constructor(
    readonly funder: Funder,
    readonly requestedRateBps: number,
    readonly minRateBps: number,
    readonly maxRateBps: number,
  ) {
    super(`The rate asked for ${funder} (${requestedRateBps} bps) is outside its band ${minRateBps}–${maxRateBps} bps.`);
  }
}

export const mulBps = (cents: bigint, bps: number): bigint => (cents * BigInt(bps)) / 10_000n; // floor for cents ≥ 0
const euros = (cents: bigint) => `${(cents / 100n).toLocaleString('en-US')}.${String(cents % 100n).padStart(2, '0')} €`;
const pct = (bps: number) => `${bps / 100} %`;

function territoriesOf(c: CalculationInput['commune']): Territory[] {
  const t: Territory[] = [];
  if (c.zone === 'ZIP') t.push('ZIP');
  if (c.zone === 'ZAC') t.push('ZAC');
  if (c.qpv) t.push('QPV');
  if (c.qpv && c.zone === 'ZAC') t.push('QPV_IN_ZAC');
  if (c.island) t.push('ISLAND');
  return t;
}

function exclusions(rule: FunderRule, input: CalculationInput, funder: Funder): string[] {
  const reasons: string[] = [];
  if (!rule.promoterTypes.includes(input.promoterType)) {
    reasons.push(`${funder} does not fund a promoter of type ${input.promoterType}`);
  }
  if (rule.minDoctors !== undefined && input.project.doctorsPlanned < rule.minDoctors) {
    reasons.push(`${funder} requires at least ${rule.minDoctors} doctors (planned: ${input.project.doctorsPlanned})`);
  }
  if (rule.requiresBalancedBudget && !input.project.balancedBudget) {
    reasons.push(`${funder} requires a balanced multi-year budget`);
  }
  if (rule.requiresRural && !input.commune.rural) reasons.push(`${funder} requires a rural commune`);
  if (rule.territories) {
    const here = territoriesOf(input.commune);
    if (!rule.territories.some((t) => here.includes(t))) {
      reasons.push(`${funder} funds only ${rule.territories.join(', ')}; the commune is ${here.length ? here.join(', ') : 'in none of them'}`);
    }
  }
  return reasons;
}

/** The plan, with every reason, for one dossier (or a simulation). */
export function computePlan(input: CalculationInput): Plan {
  const byCategory = new Map<ExpenseCategory, bigint>();
  let totalCents = 0n;
  for (const e of input.expenses) {
    byCategory.set(e.category, (byCategory.get(e.category) ?? 0n) + e.amountCents);
    totalCents += e.amountCents;
  }
  // Start-up aid is limited to the forecast deficit: what runs above it is nobody's base.
  const operating = byCategory.get('FONCTIONNEMENT') ?? 0n;
  const deficit = input.project.forecastDeficitCents ?? 0n;
  const operatingEligible = operating < deficit ? operating : deficit;
  if (operating > 0n) byCategory.set('FONCTIONNEMENT', operatingEligible);
  const eligibleCostCents = totalCents - operating + operatingEligible;
  const publicCeilingCents = mulBps(eligibleCostCents, input.ruleSet.publicCeilingBps);

  const order = (Object.entries(input.ruleSet.funders) as [Funder, FunderRule][]).sort(
    ([a, ra], [b, rb]) => ra.priority - rb.priority || (a < b ? -1 : a > b ? 1 : 0),
  );

  // Rates are checked first: a refused request computes nothing.
  for (const [funder, rule] of order) {
    const asked = input.requestedRates?.[funder];
    if (asked !== undefined && (asked < rule.minRateBps || asked > rule.maxRateBps)) {
      throw new RateOutOfBand(funder, asked, rule.minRateBps, rule.maxRateBps);
    }
  }

  let publicTotalCents = 0n;
  const lines: PlanLine[] = [];
  for (const [funder, rule] of order) {
    const requestedRateBps = input.requestedRates?.[funder] ?? null;
    const baseCents = rule.categories.reduce((sum, c) => sum + (byCategory.get(c) ?? 0n), 0n);
    const excluded = exclusions(rule, input, funder);
    if (excluded.length) {
      lines.push({ funder, eligible: false, reasons: excluded, baseCents, requestedRateBps, appliedRateBps: 0, amountCents: 0n, boundBy: 'INELIGIBLE' });
      continue;
    }
    const reasons: string[] = [];
    if (rule.categories.includes('FONCTIONNEMENT') && operating > operatingEligible) {
      reasons.push(`start-up aid counted up to the forecast deficit (${euros(operatingEligible)} of ${euros(operating)})`);
    }
    const appliedRateBps = requestedRateBps ?? rule.defaultRateBps;
    reasons.push(`${pct(appliedRateBps)} of ${euros(baseCents)} (${rule.categories.join(', ')})${requestedRateBps === null ? ', default rate' : ''}`);
    let amountCents = mulBps(baseCents, appliedRateBps);
    let boundBy: BoundBy = null;
    const cap = input.project.existing && rule.capCentsExisting !== undefined ? rule.capCentsExisting : rule.capCents;
    if (cap !== undefined && amountCents > cap) {
      amountCents = cap;
      boundBy = 'CAP';
      reasons.push(`capped at ${euros(cap)}${input.project.existing && rule.capCentsExisting !== undefined ? ' (extension of an existing centre)' : ''}`);
    }
    const room = publicCeilingCents - publicTotalCents;
    if (amountCents > room) {
      amountCents = room > 0n ? room : 0n;
      boundBy = 'PUBLIC_CEILING';
      reasons.push(`limited to ${euros(amountCents)}: public aid may not exceed ${pct(input.ruleSet.publicCeilingBps)} of the eligible cost (${euros(publicCeilingCents)})`);
    }
    publicTotalCents += amountCents;
    lines.push({ funder, eligible: true, reasons, baseCents, requestedRateBps, appliedRateBps, amountCents, boundBy });
  }
  return { totalCents, eligibleCostCents, publicCeilingCents, publicTotalCents, selfFinancingCents: totalCents - publicTotalCents, lines };
}
