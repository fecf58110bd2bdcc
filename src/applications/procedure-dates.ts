// Dates follow the procedure (docs/domain.md, seed 002): site meeting ≤ request ≤ CARPEC séance
// ≤ decision ≤ deliverables ≤ récépissé; an audit's plan is delivered on or after its decision.
// Pure: the service gathers the dates the dossier already has and asks before writing.

/** The dated events of a dossier, in the procedure's order. */
export type DatedEvent = 'SITE_MEETING' | 'REQUEST' | 'CARPEC_SESSION' | 'DECISION' | 'DELIVERABLES' | 'RECEIPT' | 'AUDIT_PLAN';

export const EVENT_LABELS: Record<DatedEvent, string> = {
  SITE_MEETING: 'the site meeting',
  REQUEST: 'the request for accompaniment',
  CARPEC_SESSION: 'the CARPEC séance',
  DECISION: "the DG ARS's decision",
  DELIVERABLES: 'the receipt of the deliverables',
  RECEIPT: 'the récépissé',
  AUDIT_PLAN: "the audit's plan to return to balance",
};

/** What each event comes after (its direct predecessor first). */
const AFTER: Record<DatedEvent, DatedEvent[]> = {
  SITE_MEETING: [],
  REQUEST: ['SITE_MEETING'],
  CARPEC_SESSION: ['REQUEST', 'SITE_MEETING'],
  DECISION: ['CARPEC_SESSION', 'REQUEST', 'SITE_MEETING'],
  DELIVERABLES: ['DECISION', 'CARPEC_SESSION', 'REQUEST', 'SITE_MEETING'],
  RECEIPT: ['DELIVERABLES', 'DECISION', 'CARPEC_SESSION', 'REQUEST', 'SITE_MEETING'],
  AUDIT_PLAN: ['DECISION', 'CARPEC_SESSION', 'REQUEST', 'SITE_MEETING'],
};

/** The dates a dossier has (YYYY-MM-DD), absent or null where the event has not happened. */
export type KnownDates = Partial<Record<DatedEvent, string | null>>;

export interface DateOrderBreach {
  rule: 'dates-out-of-order';
  detail: string;
  event: DatedEvent;
  date: string;
  previousEvent: DatedEvent;
  mustNotBeBefore: string;
}

/**
 * Whether `event` may be dated `date` given the dossier's earlier dates: null when it may,
 * otherwise the breach naming the latest earlier event it would precede (the same day is fine).
 */
export function dateOrderBreach(event: DatedEvent, date: string, known: KnownDates): DateOrderBreach | null {
  let worst: { previousEvent: DatedEvent; mustNotBeBefore: string } | null = null;
  for (const previous of AFTER[event]) {
    const d = known[previous];
    if (d && date < d && (!worst || d > worst.mustNotBeBefore)) worst = { previousEvent: previous, mustNotBeBefore: d };
  }
  if (!worst) return null;
  return {
    rule: 'dates-out-of-order',
    detail: `Dates follow the procedure: ${EVENT_LABELS[event]} (${date}) cannot be before ` + `${EVENT_LABELS[worst.previousEvent]} (${worst.mustNotBeBefore}).`,
    event,
    date,
    ...worst,
  };
}
