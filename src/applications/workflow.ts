// The dossier workflow (DOMAIN.md §5, seed 002): the one place that knows which move is
// legal. Pure: no framework, no database. Services ask `decide()` and apply what it says.
import type { ApplicationStatus, Role } from '../generated/prisma/enums.js';

export type Action =
  | 'RECORD_SITE_MEETING'
  | 'SUBMIT'
  | 'SCHEDULE_OPINION'
  | 'RECORD_OPINION'
  | 'APPROVE'
  | 'REJECT'
  | 'RECEIVE_DELIVERABLES'
  | 'ISSUE_RECEIPT'
  | 'SCHEDULE_INFORMATION'
  | 'NOTE_INFORMATION'
  | 'COMPLETE'
  | 'WITHDRAW'
  | 'CLOSE';

/** What the guards look at, gathered by the service before it asks. */
export interface DossierFacts {
  /** The centre exists already: accompanied on step 3 only. */
  existing: boolean;
  eligible: boolean;
  eligibilityReasons: string[];
  convention: 'NONE' | 'ACCORD_NATIONAL' | 'ACI';
  /** A CARPEC opinion is recorded for the current step-1 request. */
  hasOpinion: boolean;
}

export interface RuleBreach {
  rule: string;
  detail: string;
}

interface Transition {
  action: Action;
  from: ApplicationStatus[];
  /** The status after the move; a function where the facts choose. */
  to: ApplicationStatus | ((facts: DossierFacts) => ApplicationStatus);
  roles: Role[];
  /** Business rules (422 when one fails). */
  guards?: ((facts: DossierFacts) => RuleBreach | null)[];
}

export const TERMINAL: ApplicationStatus[] = ['REJECTED', 'COMPLETED', 'WITHDRAWN', 'CLOSED'];
const OPEN: ApplicationStatus[] = [
  'DRAFT',
  'SITE_MEETING_HELD',
  'SUBMITTED',
  'CARPEC_REVIEW',
  'AWAITING_DECISION',
  'STEP2_IN_PROGRESS',
  'DELIVERABLES_RECEIVED',
  'RECEIPT_ISSUED',
  'STEP3_IN_PROGRESS',
];
export const ALL_STATUSES: ApplicationStatus[] = [...OPEN, ...TERMINAL];

// Instructors move dossiers; the DG ARS (or its delegate, role DIRECTOR) may do all they do,
// and alone decides and issues récépissés.
const INSTRUCTORS: Role[] = ['INSTRUCTOR', 'DIRECTOR'];
const DIRECTOR: Role[] = ['DIRECTOR'];

const mustBeEligible = (f: DossierFacts): RuleBreach | null =>
  f.eligible ? null : { rule: 'ineligible-territory', detail: `An ineligible dossier cannot be approved: ${f.eligibilityReasons.join('; ')}.` };
const needsOpinion = (f: DossierFacts): RuleBreach | null =>
  f.hasOpinion ? null : { rule: 'opinion-required', detail: 'A decision needs a CARPEC opinion first.' };
const needsConvention = (f: DossierFacts): RuleBreach | null =>
  f.convention !== 'NONE'
    ? null
    : { rule: 'convention-required', detail: "Completion needs the project's convention: ACCORD_NATIONAL or ACI." };

export const TRANSITIONS: readonly Transition[] = [
  { action: 'RECORD_SITE_MEETING', from: ['DRAFT'], to: 'SITE_MEETING_HELD', roles: INSTRUCTORS },
  { action: 'SUBMIT', from: ['SITE_MEETING_HELD'], to: 'SUBMITTED', roles: INSTRUCTORS },
  { action: 'SCHEDULE_OPINION', from: ['SUBMITTED'], to: 'CARPEC_REVIEW', roles: INSTRUCTORS },
  { action: 'RECORD_OPINION', from: ['CARPEC_REVIEW'], to: 'AWAITING_DECISION', roles: INSTRUCTORS },
  {
    action: 'APPROVE',
    from: ['AWAITING_DECISION'],
    // A new centre enters step 2; an existing one is accompanied on step 3 only.
    to: (f) => (f.existing ? 'STEP3_IN_PROGRESS' : 'STEP2_IN_PROGRESS'),
    roles: DIRECTOR,
    guards: [needsOpinion, mustBeEligible],
  },
  { action: 'REJECT', from: ['AWAITING_DECISION'], to: 'REJECTED', roles: DIRECTOR, guards: [needsOpinion] },
  { action: 'RECEIVE_DELIVERABLES', from: ['STEP2_IN_PROGRESS'], to: 'DELIVERABLES_RECEIVED', roles: INSTRUCTORS },
  { action: 'ISSUE_RECEIPT', from: ['DELIVERABLES_RECEIVED'], to: 'RECEIPT_ISSUED', roles: DIRECTOR },
  // The projet de santé is presented to the CARPEC for information: listed, then noted.
  { action: 'SCHEDULE_INFORMATION', from: ['RECEIPT_ISSUED'], to: 'RECEIPT_ISSUED', roles: INSTRUCTORS },
  { action: 'NOTE_INFORMATION', from: ['RECEIPT_ISSUED'], to: 'STEP3_IN_PROGRESS', roles: INSTRUCTORS },
  // Completion only from step 3: a centre that entered step 2 is committed to step 3 too.
  { action: 'COMPLETE', from: ['STEP3_IN_PROGRESS'], to: 'COMPLETED', roles: INSTRUCTORS, guards: [needsConvention] },
  { action: 'WITHDRAW', from: OPEN, to: 'WITHDRAWN', roles: INSTRUCTORS },
  { action: 'CLOSE', from: OPEN, to: 'CLOSED', roles: INSTRUCTORS },
];

export function stepOf(status: ApplicationStatus): 1 | 2 | 3 | null {
  switch (status) {
    case 'DRAFT':
    case 'SITE_MEETING_HELD':
    case 'SUBMITTED':
    case 'CARPEC_REVIEW':
    case 'AWAITING_DECISION':
      return 1;
    case 'STEP2_IN_PROGRESS':
    case 'DELIVERABLES_RECEIVED':
    case 'RECEIPT_ISSUED':
      return 2;
    case 'STEP3_IN_PROGRESS':
    case 'COMPLETED':
      return 3;
    default:
      return null;
  }
}

export const statusesOfStep = (step: 1 | 2 | 3): ApplicationStatus[] => ALL_STATUSES.filter((s) => stepOf(s) === step);

/** The actions legal from a status (for a role, when given). */
export function allowedActions(status: ApplicationStatus, role?: Role): Action[] {
  return TRANSITIONS.filter((t) => t.from.includes(status) && (!role || t.roles.includes(role))).map((t) => t.action);
}

export type Decision =
  | { ok: true; to: ApplicationStatus }
  | { ok: false; kind: 'FORBIDDEN'; detail: string }
  | { ok: false; kind: 'ILLEGAL'; detail: string; allowedActions: Action[] }
  | { ok: false; kind: 'RULE'; breach: RuleBreach };

/** Whether `role` may do `action` on a dossier in `status`, and where it leads. */
export function decide(status: ApplicationStatus, action: Action, role: Role, facts: DossierFacts): Decision {
  const transition = TRANSITIONS.find((t) => t.action === action)!;
  if (!transition.roles.includes(role)) {
    return { ok: false, kind: 'FORBIDDEN', detail: `The role ${role} may not ${action.toLowerCase().replace(/_/g, ' ')}.` };
  }
  if (!transition.from.includes(status)) {
    return {
      ok: false,
      kind: 'ILLEGAL',
      detail: `A dossier in ${status} cannot ${action.toLowerCase().replace(/_/g, ' ')}.`,
      allowedActions: allowedActions(status),
    };
  }
  for (const guard of transition.guards ?? []) {
    const breach = guard(facts);
    if (breach) return { ok: false, kind: 'RULE', breach };
  }
  return { ok: true, to: typeof transition.to === 'function' ? transition.to(facts) : transition.to };
}
