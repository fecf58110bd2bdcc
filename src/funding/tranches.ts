// The tranche rules of a partner's line (docs/domain.md, Partners' lines and tranches): pure, bigint cents,
// integer basis points, no framework. The service asks it whether a payment or a new
// commitment is allowed, and turns a refusal into a problem (409 or 422) naming its rule.
//
// - Payments go to a COMMITTED plan only; a RELEASED plan (its dossier left the procedure)
//   takes none, nor does a dossier that is WITHDRAWN, CLOSED or REJECTED whatever its plan.
// - Advances total at most 30 % of the commitment; advances and instalments at most 80 % until
//   the dossier is COMPLETED; the balance only then; everything paid at most the commitment.
// - So a commitment may not drop below what keeps the payments already made within those
//   rules: its minimum is the smallest C with floor(C × 30 %) ≥ advances, (before completion)
//   floor(C × 80 %) ≥ advances + instalments, and C ≥ paid.

export const ADVANCE_BPS = 3000n;
export const BEFORE_COMPLETION_BPS = 8000n;
const BPS = 10_000n;

export type PaymentKind = 'ADVANCE' | 'INSTALMENT' | 'BALANCE';
export type PlanStatus = 'COMPUTED' | 'COMMITTED' | 'RELEASED';

/** The dossier statuses that left the procedure: no payment is accepted any more. */
export const LEFT_PROCEDURE = ['WITHDRAWN', 'CLOSED', 'REJECTED'] as const;

export interface LineState {
  planStatus: PlanStatus;
  /** The dossier's status (only COMPLETED and the LEFT_PROCEDURE ones matter here). */
  dossierStatus: string;
  /** The line's amount: the most a partner may commit. */
  amountCents: bigint;
  /** null: no commitment recorded yet. */
  committedCents: bigint | null;
  payments: readonly { kind: PaymentKind; amountCents: bigint }[];
}

export interface Refusal {
  /** 409: the line is in no state to take it; 422: a tranche rule refuses the amount. */
  status: 409 | 422;
  rule: string;
  detail: string;
  /** The values involved (cents as bigint). */
  values: Record<string, bigint | string | null>;
}

/** floor(cents × bps / 10000), the rounding of every product of cents and basis points. */
export const mulBps = (cents: bigint, bps: bigint): bigint => (cents * bps) / BPS;

/** The smallest C ≥ 0 with floor(C × bps / 10000) ≥ cents (bps > 0). */
export function minimumBase(cents: bigint, bps: bigint): bigint {
  if (cents <= 0n) return 0n;
  // floor(C·bps/10000) ≥ a  ⇔  C·bps ≥ a·10000 (a integer)  ⇔  C ≥ ceil(a·10000 / bps)
  return (cents * BPS + bps - 1n) / bps;
}

export interface Totals {
  advancesCents: bigint;
  instalmentsCents: bigint;
  balancesCents: bigint;
  paidCents: bigint;
}

export function totals(payments: LineState['payments']): Totals {
  const t = { advancesCents: 0n, instalmentsCents: 0n, balancesCents: 0n, paidCents: 0n };
  for (const p of payments) {
    if (p.kind === 'ADVANCE') t.advancesCents += p.amountCents;
    else if (p.kind === 'INSTALMENT') t.instalmentsCents += p.amountCents;
    else t.balancesCents += p.amountCents;
    t.paidCents += p.amountCents;
  }
  return t;
}

const completed = (s: LineState) => s.dossierStatus === 'COMPLETED';

/** Whether the line takes a change at all (commitment or payment): null when it does. */
export function lineRefusal(s: Pick<LineState, 'planStatus' | 'dossierStatus'>): Refusal | null {
  if (s.planStatus === 'RELEASED') {
    return {
      status: 409,
      rule: 'plan-released',
      detail: `The dossier left the procedure (${s.dossierStatus}): its funding plan is released and takes no more commitment or payment; what was paid is to recover.`,
      values: { planStatus: s.planStatus, dossierStatus: s.dossierStatus },
    };
  }
  if ((LEFT_PROCEDURE as readonly string[]).includes(s.dossierStatus)) {
    return {
      status: 409,
      rule: 'dossier-left-procedure',
      detail: `The dossier is ${s.dossierStatus}: it takes no more commitment or payment.`,
      values: { planStatus: s.planStatus, dossierStatus: s.dossierStatus },
    };
  }
  if (s.planStatus !== 'COMMITTED') {
    return { status: 409, rule: 'plan-not-committed', detail: 'The funding plan is not committed yet.', values: { planStatus: s.planStatus } };
  }
  return null;
}

/** Whether a payment is allowed on the line: null when it is, else the refusal. */
export function paymentRefusal(s: LineState, kind: PaymentKind, amountCents: bigint): Refusal | null {
  const state = lineRefusal(s);
  if (state) return state;
  const committed = s.committedCents;
  if (committed === null) return { status: 422, rule: 'no-commitment', detail: 'The funder has recorded no commitment on this line yet.', values: {} };
  const t = totals(s.payments);
  const advanceLimit = mulBps(committed, ADVANCE_BPS);
  const beforeCompletionLimit = mulBps(committed, BEFORE_COMPLETION_BPS);
  if (kind === 'ADVANCE' && t.advancesCents + amountCents > advanceLimit) {
    return {
      status: 422,
      rule: 'advance-limit',
      detail: `Advances may total at most 30 % of the commitment (${advanceLimit} cents; ${t.advancesCents} already advanced).`,
      values: { limitCents: advanceLimit, advancesCents: t.advancesCents, committedCents: committed },
    };
  }
  if (kind !== 'BALANCE' && !completed(s) && t.advancesCents + t.instalmentsCents + amountCents > beforeCompletionLimit) {
    return {
      status: 422,
      rule: 'before-completion-limit',
      detail: `Until the dossier is COMPLETED, advances and instalments may total at most 80 % of the commitment (${beforeCompletionLimit} cents).`,
      values: { limitCents: beforeCompletionLimit, advancesAndInstalmentsCents: t.advancesCents + t.instalmentsCents, committedCents: committed },
    };
  }
  if (kind === 'BALANCE' && !completed(s)) {
    return {
      status: 422,
      rule: 'balance-before-completion',
      detail: `The balance is paid once the dossier is COMPLETED; it is ${s.dossierStatus}.`,
      values: { dossierStatus: s.dossierStatus },
    };
  }
  if (t.paidCents + amountCents > committed) {
    return {
      status: 422,
      rule: 'paid-above-commitment',
      detail: `Payments may total at most the commitment (${committed} cents; ${t.paidCents} paid).`,
      values: { committedCents: committed, paidCents: t.paidCents },
    };
  }
  return null;
}

/**
 * The smallest commitment that keeps the payments already made within the tranche rules
 * (the 80 % rule only until the dossier is COMPLETED), with the rule that sets it.
 */
export function minimumCommitment(
  payments: LineState['payments'],
  isCompleted: boolean,
): { minimumCents: bigint; boundBy: 'NONE' | 'PAID' | 'ADVANCE_LIMIT' | 'BEFORE_COMPLETION_LIMIT' } {
  const t = totals(payments);
  let best: { minimumCents: bigint; boundBy: 'NONE' | 'PAID' | 'ADVANCE_LIMIT' | 'BEFORE_COMPLETION_LIMIT' } = { minimumCents: 0n, boundBy: 'NONE' };
  const consider = (minimumCents: bigint, boundBy: typeof best.boundBy) => {
    if (minimumCents > best.minimumCents) best = { minimumCents, boundBy };
  };
  consider(t.paidCents, 'PAID');
  consider(minimumBase(t.advancesCents, ADVANCE_BPS), 'ADVANCE_LIMIT');
  if (!isCompleted) consider(minimumBase(t.advancesCents + t.instalmentsCents, BEFORE_COMPLETION_BPS), 'BEFORE_COMPLETION_LIMIT');
  return best;
}

/** Whether a new commitment is allowed on the line: null when it is, else the refusal. */
export function commitmentRefusal(s: LineState, committedCents: bigint): Refusal | null {
  const state = lineRefusal(s);
  if (state) return state;
  if (committedCents > s.amountCents) {
    return {
      status: 422,
      rule: 'commitment-above-amount',
      detail: `A funder may commit at most the line's amount, ${s.amountCents} cents.`,
      values: { maxCents: s.amountCents },
    };
  }
  const t = totals(s.payments);
  const { minimumCents, boundBy } = minimumCommitment(s.payments, completed(s));
  const values = {
    minimumCents,
    boundBy,
    paidCents: t.paidCents,
    advancesCents: t.advancesCents,
    advancesAndInstalmentsCents: t.advancesCents + t.instalmentsCents,
  };
  if (committedCents < t.paidCents) {
    // The rule of turn 1, kept by name: it is the plainest reason.
    return {
      status: 422,
      rule: 'commitment-below-paid',
      detail: `${t.paidCents} cents are already paid on this line: the commitment may not drop below ${minimumCents} cents.`,
      values,
    };
  }
  if (committedCents < minimumCents) {
    return {
      status: 422,
      rule: 'commitment-below-tranches',
      detail:
        `The payments already made must stay within the tranche rules (advances ≤ 30 %${completed(s) ? '' : ', advances and instalments ≤ 80 % until completion'}): ` +
        `the commitment may not drop below ${minimumCents} cents.`,
      values,
    };
  }
  return null;
}

/** What a released line leaves to recover: all that was paid on it (0 before release). */
export const toRecover = (planStatus: PlanStatus, paidCents: bigint): bigint => (planStatus === 'RELEASED' ? paidCents : 0n);
