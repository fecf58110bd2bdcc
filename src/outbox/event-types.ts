// The events this service announces to partners' systems (API.md, Notifications). Pure.

export const EVENT_TYPES = [
  'application.status_changed',
  'application.opinion_recorded',
  'application.decision_recorded',
  'application.receipt_issued',
  'application.receipt_due_soon',
  'application.receipt_overdue',
  'funding_plan.committed',
  'funding_plan.released',
  'funding_line.committed',
  'payment.recorded',
  'document.added',
  'report_run.finished',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Sent by `POST /webhooks/{id}/test` to that subscription alone; not subscribable. */
export const TEST_EVENT = 'webhook.test';

/** The body's `version`: bumped when a type's `data` changes incompatibly. */
export const EVENT_VERSION = 1;

/** What a change announces: the territory and dossier it concerns decide which subscriptions receive it. */
export interface NewEvent {
  type: EventType | typeof TEST_EVENT;
  regionCode: string;
  /** The dossier's département; null for an event of the whole region (a report run). */
  departmentCode: string | null;
  applicationId?: string | null;
  /** An event about one funder's money: partners receive only their own funders'. */
  funder?: string | null;
  /** Recorded once per key (observations such as a récépissé due soon). */
  dedupeKey?: string;
  data: Record<string, unknown>;
}
