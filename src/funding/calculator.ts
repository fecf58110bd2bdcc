// The funding split (docs/domain.md, The computation). Pure: no framework, no database, no floating
// point. Every amount is a bigint of cents; every product of cents and basis points is rounded
// down, so that public aid never exceeds what a rule allows. Every reason in a line's trace
// starts with the name of the rule that gave it (`capCents: …`, `promoterTypes: …`).
import type { ExpenseCategory, ExpenseNature, Funder, LegalType, ProjectKind, ProjectNature, Zone } from '../generated/prisma/enums.js';

export const TERRITORIES = ['ZIP', 'ZAC', 'QPV', 'QPV_IN_ZAC', 'ISLAND'] as const;
export type Territory = (typeof TERRITORIES)[number];
export const BASES = ['HT', 'TTC'] as const;
export type Basis = (typeof BASES)[number];

/** A condition no data can check: the instructor attests it on the dossier (by its code). */
export interface RuleCondition {
  code: string;
  label: string;
  /** It applies only to these project natures (absent: to all). */
  natures?: ProjectNature[];
  /** A promoter of one of these types is itself the proof (a commune or EPCI backing its project). */
  satisfiedByPromoterTypes?: LegalType[];
}

export interface FunderRule {
  categories: ExpenseCategory[];
  promoterTypes: LegalType[];
  minDoctors?: number;
  requiresBalancedBudget?: boolean;
  /** DETR eligibility of the promoter (CGCT L2334-33), confirmed by the préfecture when it is to be. */
  requiresRural?: boolean;
  /** Absent: any territory where the dossier is eligible. */
  territories?: Territory[];
  /** Per category, the territories that category reaches (absent category: any). */
  territoriesByCategory?: Partial<Record<ExpenseCategory, Territory[]>>;
  defaultRateBps: number;
  minRateBps: number;
  maxRateBps: number;
  /** Cap on the aid. */
  capCents?: bigint;
  /** The cap on the aid for an existing centre's extension, where it differs from a creation's. */
  capCentsExisting?: bigint;
  /** Cap on the eligible expenditure (the base), before the rate. */
  baseCapCents?: bigint;
  /** The categories whose expenditure the base cap bounds (absent: the whole base). */
  baseCapCategories?: ExpenseCategory[];
  /** Amounts excluding (HT, default) or including (TTC) tax. */
  basis?: Basis;
  /** Expense natures this funder does not count. */
  excludedNatures?: ExpenseNature[];
  /** Structure kinds it funds (absent: all). */
  kinds?: ProjectKind[];
  /** Project natures it funds (absent: all). */
  natures?: ProjectNature[];
  /** The rule applies only in these départements (a conseil départemental's own). */
  departmentCodes?: string[];
  conditions?: RuleCondition[];
  priority: number;
}

export interface RuleSet {
  publicCeilingBps: number;
  funders: Partial<Record<Funder, FunderRule>>;
}

export type DetrStatus = 'ELIGIBLE' | 'TO_CONFIRM' | 'NOT_ELIGIBLE';

export interface DetrFacts {
  /** From the promoter: its commune's population, or its EPCI's (official data). */
  status: DetrStatus;
  reason: string;
  /** The préfecture de département's word on a TO_CONFIRM, per dossier. */
  confirmation?: 'CONFIRMED' | 'REFUSED' | null;
}

export interface CalculationInput {
  ruleSet: RuleSet;
  promoterType: LegalType;
  project: {
    existing: boolean;
    doctorsPlanned: number;
    balancedBudget: boolean;
    forecastDeficitCents: bigint | null;
    /** Health professionals, doctors included. */
    professionalsPlanned?: number;
    kind?: ProjectKind;
    nature?: ProjectNature;
    departmentCode?: string;
    /** The professionals form a SISA. */
    sisa?: boolean;
    /** YYYY-MM-DD: start-up aid covers the two years from it. */
    operationStartOn?: string | null;
  };
  commune: { zone: Zone; qpv: boolean; island: boolean; rural: boolean };
  /** Absent: read from `commune.rural` (ELIGIBLE when true), as before DETR had a status. */
  detr?: DetrFacts;
  expenses: { category: ExpenseCategory; amountCents: bigint; nature?: ExpenseNature; vatCents?: bigint }[];
  requestedRates?: Partial<Record<Funder, number>>;
  /** Codes of the conditions attested on the dossier. */
  attestations?: string[];
  /** YYYY-MM-DD, the day of the computation (start-up aid's two years). */
  asOf?: string;
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
  /** The part of the amount that is start-up aid (FONCTIONNEMENT). */
  startUpAidCents: bigint;
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
const min = (a: bigint, b: bigint) => (a < b ? a : b);
export const euros = (cents: bigint) => `${(cents / 100n).toLocaleString('en-US')}.${String(cents % 100n).padStart(2, '0')} €`;
const pct = (bps: number) => `${bps / 100} %`;
const CGCT_CEILING = 'publicCeilingBps';

export function territoriesOf(c: CalculationInput['commune']): Territory[] {
  const t: Territory[] = [];
  if (c.zone === 'ZIP') t.push('ZIP');
  if (c.zone === 'ZAC') t.push('ZAC');
  if (c.qpv) t.push('QPV');
  if (c.qpv && c.zone === 'ZAC') t.push('QPV_IN_ZAC');
  if (c.island) t.push('ISLAND');
  return t;
}

const describeTerritories = (here: Territory[]) => (here.length ? here.join(', ') : 'in none of them');

/** Adds two years to a YYYY-MM-DD date (29 February → 1 March). */
function plusTwoYears(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y + 2, m - 1, d));
  return t.toISOString().slice(0, 10);
}

function detrOf(input: CalculationInput): DetrFacts {
  if (input.detr) return input.detr;
  return input.commune.rural ? { status: 'ELIGIBLE', reason: 'the commune is rural' } : { status: 'NOT_ELIGIBLE', reason: 'the commune is not rural' };
}

/** Why the funder's line is 0 as a whole (empty: it is not excluded). */
function exclusions(rule: FunderRule, input: CalculationInput, funder: Funder): string[] {
  const reasons: string[] = [];
  const p = input.project;
  if (rule.departmentCodes && p.departmentCode !== undefined && !rule.departmentCodes.includes(p.departmentCode)) {
    reasons.push(`departmentCodes: ${funder}'s rule applies only in ${rule.departmentCodes.join(', ')}; the project is in ${p.departmentCode}`);
  }
  if (!rule.promoterTypes.includes(input.promoterType)) {
    reasons.push(`promoterTypes: ${funder} does not fund a promoter of type ${input.promoterType}`);
  }
  if (rule.kinds && p.kind !== undefined && !rule.kinds.includes(p.kind)) {
    reasons.push(`kinds: ${funder} funds only ${rule.kinds.join(', ')}; the project is a ${p.kind}`);
  }
  if (rule.natures) {
    const nature = p.nature ?? (p.existing ? 'EXTENSION' : 'CREATION');
    if (!rule.natures.includes(nature)) reasons.push(`natures: ${funder} funds only ${rule.natures.join(', ')}; the project is a ${nature}`);
  }
  if (rule.minDoctors !== undefined && p.doctorsPlanned < rule.minDoctors) {
    reasons.push(`minDoctors: ${funder} requires at least ${rule.minDoctors} doctors (planned: ${p.doctorsPlanned})`);
  }
  if (rule.requiresBalancedBudget && !p.balancedBudget) {
    reasons.push(`requiresBalancedBudget: ${funder} requires a balanced multi-year budget`);
  }
  // Seeds 002 and 004: the ARS (and the Assurance Maladie) fund an MSP only when it is a SISA of
  // at least 2 doctors and 1 paramedical professional. A condition on the line, not the dossier.
  if (funder === 'ARS' && p.kind === 'MSP') {
    const paramedics = (p.professionalsPlanned ?? 0) - p.doctorsPlanned;
    if (!(p.sisa || input.promoterType === 'SISA') || p.doctorsPlanned < 2 || paramedics < 1) {
      reasons.push(
        `sisa: the ARS funds an MSP organised as a SISA of at least 2 doctors and 1 paramedical professional (SISA: ${p.sisa || input.promoterType === 'SISA' ? 'yes' : 'no'}, doctors: ${p.doctorsPlanned}, paramedical: ${Math.max(paramedics, 0)})`,
      );
    }
  }
  if (rule.requiresRural) {
    const detr = detrOf(input);
    if (detr.status === 'NOT_ELIGIBLE') reasons.push(`requiresRural: ${funder} requires a DETR-eligible promoter; ${detr.reason}`);
    else if (detr.status === 'TO_CONFIRM' && detr.confirmation === 'REFUSED') {
      reasons.push(`requiresRural: the préfecture de département refused DETR eligibility; ${detr.reason}`);
    } else if (detr.status === 'TO_CONFIRM' && detr.confirmation !== 'CONFIRMED') {
      reasons.push(`requiresRural: DETR eligibility is to be confirmed by the préfecture de département (${detr.reason}); no amount until it is`);
    }
  }
  if (rule.territories) {
    const here = territoriesOf(input.commune);
    if (!rule.territories.some((t) => here.includes(t))) {
      reasons.push(`territories: ${funder} funds only ${rule.territories.join(', ')}; the commune is ${describeTerritories(here)}`);
    }
  }
  const nature = p.nature ?? (p.existing ? 'EXTENSION' : 'CREATION');
  const attested = new Set(input.attestations ?? []);
  const missing = (rule.conditions ?? []).filter(
    (c) => (!c.natures || c.natures.includes(nature)) && !c.satisfiedByPromoterTypes?.includes(input.promoterType) && !attested.has(c.code),
  );
  if (missing.length) {
    reasons.push(`conditions: not attested on the dossier: ${missing.map((c) => `${c.code} (${c.label})`).join('; ')}`);
  }
  return reasons;
}

/** The plan, with every reason, for one dossier (or a simulation). */
export function computePlan(input: CalculationInput): Plan {
  const here = territoriesOf(input.commune);
  let totalCents = 0n;
  let operating = 0n;
  for (const e of input.expenses) {
    totalCents += e.amountCents;
    if (e.category === 'FONCTIONNEMENT') operating += e.amountCents;
  }
  // Start-up aid is limited to the forecast deficit: what runs above it is nobody's base, and
  // all funders together stay within it (a deficit is not covered twice).
  const deficit = input.project.forecastDeficitCents ?? 0n;
  const operatingEligible = min(operating, deficit);
  const eligibleCostCents = totalCents - operating + operatingEligible;
  const publicCeilingCents = mulBps(eligibleCostCents, input.ruleSet.publicCeilingBps);
  // Start-up aid covers the first two years of operation only.
  const startUpEnded =
    input.project.operationStartOn && input.asOf && plusTwoYears(input.project.operationStartOn) <= input.asOf ? plusTwoYears(input.project.operationStartOn) : null;

  const order = (Object.entries(input.ruleSet.funders) as [Funder, FunderRule][]).sort(([a, ra], [b, rb]) => ra.priority - rb.priority || (a < b ? -1 : a > b ? 1 : 0));

  // Rates are checked first: a refused request computes nothing.
  for (const [funder, rule] of order) {
    const asked = input.requestedRates?.[funder];
    if (asked !== undefined && (asked < rule.minRateBps || asked > rule.maxRateBps)) {
      throw new RateOutOfBand(funder, asked, rule.minRateBps, rule.maxRateBps);
    }
  }

  let publicTotalCents = 0n;
  let startUpTotal = 0n;
  const lines: PlanLine[] = [];
  for (const [funder, rule] of order) {
    const requestedRateBps = input.requestedRates?.[funder] ?? null;
    const reasons: string[] = [];
    const ttc = rule.basis === 'TTC';
    // The base, category by category: natures excluded, territories per category, HT or TTC.
    const parts = new Map<ExpenseCategory, bigint>();
    const excludedNatures = new Map<string, bigint>();
    for (const e of input.expenses) {
      if (!rule.categories.includes(e.category)) continue;
      const amount = e.amountCents + (ttc ? (e.vatCents ?? 0n) : 0n);
      const nature = e.nature ?? 'OTHER';
      if (rule.excludedNatures?.includes(nature)) {
        excludedNatures.set(nature, (excludedNatures.get(nature) ?? 0n) + amount);
        continue;
      }
      parts.set(e.category, (parts.get(e.category) ?? 0n) + amount);
    }
    for (const [nature, amount] of excludedNatures) reasons.push(`excludedNatures: ${euros(amount)} of ${nature} not counted`);
    for (const [category, allowed] of Object.entries(rule.territoriesByCategory ?? {}) as [ExpenseCategory, Territory[]][]) {
      const amount = parts.get(category);
      if (amount === undefined || allowed.some((t) => here.includes(t))) continue;
      parts.delete(category);
      reasons.push(`territoriesByCategory: ${category} reaches only ${allowed.join(', ')}; the commune is ${describeTerritories(here)} (${euros(amount)} not counted)`);
    }
    const op = parts.get('FONCTIONNEMENT');
    if (op !== undefined) {
      if (startUpEnded) {
        parts.delete('FONCTIONNEMENT');
        reasons.push(`startUpAid: start-up aid covers the first two years of operation, which ended on ${startUpEnded} (${euros(op)} not counted)`);
      } else if (op > deficit) {
        // HT or TTC, the deficit bounds the operating base.
        parts.set('FONCTIONNEMENT', deficit);
        reasons.push(`forecastDeficit: start-up aid counted up to the forecast deficit (${euros(deficit)} of ${euros(op)})`);
      }
    }
    let baseCents = [...parts.values()].reduce((s, v) => s + v, 0n);
    if (rule.baseCapCents !== undefined) {
      const capped = rule.baseCapCategories ?? rule.categories;
      const under = [...parts].filter(([c]) => capped.includes(c)).reduce((s, [, v]) => s + v, 0n);
      if (under > rule.baseCapCents) {
        baseCents -= under - rule.baseCapCents;
        // The operating part is counted last under the cap, so that it stays within the base.
        const operating = parts.get('FONCTIONNEMENT');
        if (operating !== undefined && capped.includes('FONCTIONNEMENT')) {
          const room = rule.baseCapCents - min(under - operating, rule.baseCapCents);
          parts.set('FONCTIONNEMENT', min(operating, room));
        }
        reasons.push(`baseCapCents: eligible expenditure of ${capped.join(', ')} capped at ${euros(rule.baseCapCents)} (of ${euros(under)})`);
      }
    }
    const excluded = exclusions(rule, input, funder);
    if (excluded.length) {
      lines.push({
        funder,
        eligible: false,
        reasons: [...excluded, ...reasons],
        baseCents,
        requestedRateBps,
        appliedRateBps: 0,
        amountCents: 0n,
        boundBy: 'INELIGIBLE',
        startUpAidCents: 0n,
      });
      continue;
    }
    const appliedRateBps = requestedRateBps ?? rule.defaultRateBps;
    const counted = [...parts.keys()];
    reasons.push(
      `${requestedRateBps === null ? 'defaultRateBps' : 'requestedRate'}: ${pct(appliedRateBps)} of ${euros(baseCents)} ${ttc ? 'TTC' : 'HT'} (${counted.length ? counted.join(', ') : 'no eligible expense'})`,
    );
    let amountCents = mulBps(baseCents, appliedRateBps);
    let boundBy: BoundBy = null;
    // The start-up part of the amount is what the operating base adds to the rest: counted that
    // way, a funder's other aid never shrinks another's start-up room.
    const otherAid = mulBps(baseCents - (parts.get('FONCTIONNEMENT') ?? 0n), appliedRateBps);
    const startUpRoom = deficit - startUpTotal;
    if (amountCents - otherAid > startUpRoom) {
      amountCents = otherAid + startUpRoom;
      reasons.push(`forecastDeficit: start-up aid limited to what other funders left of the forecast deficit (${euros(startUpRoom)})`);
    }
    const extension = input.project.existing || input.project.nature === 'EXTENSION';
    const useExisting = extension && rule.capCentsExisting !== undefined;
    const cap = useExisting ? rule.capCentsExisting : rule.capCents;
    if (cap !== undefined && amountCents > cap) {
      amountCents = cap;
      boundBy = 'CAP';
      reasons.push(`${useExisting ? 'capCentsExisting' : 'capCents'}: aid capped at ${euros(cap)}${useExisting ? ' (extension of an existing centre)' : ''}`);
    }
    const room = publicCeilingCents - publicTotalCents;
    if (amountCents > room) {
      amountCents = room > 0n ? room : 0n;
      boundBy = 'PUBLIC_CEILING';
      reasons.push(
        `${CGCT_CEILING}: limited to ${euros(amountCents)}: public aid may not exceed ${pct(input.ruleSet.publicCeilingBps)} of the eligible cost (${euros(publicCeilingCents)})`,
      );
    }
    const startUp = amountCents > otherAid ? amountCents - otherAid : 0n;
    startUpTotal += startUp;
    publicTotalCents += amountCents;
    lines.push({ funder, eligible: true, reasons, baseCents, requestedRateBps, appliedRateBps, amountCents, boundBy, startUpAidCents: startUp });
  }
  return { totalCents, eligibleCostCents, publicCeilingCents, publicTotalCents, selfFinancingCents: totalCents - publicTotalCents, lines };
}
