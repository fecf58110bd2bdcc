// The dossier workflow (docs/domain.md, The dossier workflow; seed 002): the one place that knows which move is
// legal. Pure: no framework, no database. Services ask `decide()` and apply what it says.
// Two procedures share the table: the ACCOMPANIMENT of étapes 1-3, and the AUDIT of an existing
// centre (requested, given a CARPEC opinion, decided by the DG, then a plan to return to
// balance). A transition names the procedures it belongs to; everything else is derived.
import type { ApplicationStatus, DocumentKind, Procedure, ProjectKind, ProjectNature, Role } from '../generated/prisma/enums.js';
import { DIRECTOR_ONLY, INSTRUCTORS } from '../common/access/roles.js';

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
  | 'DELIVER_AUDIT_PLAN'
  | 'WITHDRAW'
  | 'CLOSE';

export const PROCEDURES: readonly Procedure[] = ['ACCOMPANIMENT', 'AUDIT'];

/** What the guards look at, gathered by the service before it asks. */
export interface DossierFacts {
  procedure: Procedure;
  /** The centre exists already: accompanied on step 3 only, unless it becomes polyvalent. */
  existing: boolean;
  nature: ProjectNature;
  eligible: boolean;
  eligibilityReasons: string[];
  /** The rule that makes the dossier ineligible (`ineligible-territory`, `antenne-conditions`), when it is. */
  ineligibleRule?: string | null;
  convention: 'NONE' | 'ACCORD_NATIONAL' | 'ACI';
  /** A CARPEC opinion is recorded for the current request. */
  hasOpinion: boolean;
  /** The structure's kind: a centre de santé annexes its règlement de fonctionnement to its projet de santé. */
  kind: ProjectKind;
  /** The ARS asked the promoter for a letter of intent (seed 002, note 8). */
  letterOfIntentRequested: boolean;
  /** The kinds of the dossier's current pièces (neither withdrawn nor superseded). */
  pieces: readonly DocumentKind[];
}

export interface RuleBreach {
  rule: string;
  detail: string;
  /** What the problem adds for the client (the missing pièces). */
  values?: Record<string, unknown>;
}

export interface Transition {
  action: Action;
  procedures: readonly Procedure[];
  from: ApplicationStatus[];
  /** The status after the move; a function where the facts choose. */
  to: ApplicationStatus | ((facts: DossierFacts) => ApplicationStatus);
  roles: Role[];
  /** Business rules (422 when one fails). */
  guards?: ((facts: DossierFacts) => RuleBreach | null)[];
  /** The pièces the move needs on the dossier (422 naming each missing one). */
  requires?: (facts: DossierFacts) => DocumentKind[];
}

const OPEN_OF: Record<Procedure, ApplicationStatus[]> = {
  ACCOMPANIMENT: [
    'DRAFT',
    'SITE_MEETING_HELD',
    'SUBMITTED',
    'CARPEC_REVIEW',
    'AWAITING_DECISION',
    'STEP2_IN_PROGRESS',
    'DELIVERABLES_RECEIVED',
    'RECEIPT_ISSUED',
    'STEP3_IN_PROGRESS',
  ],
  AUDIT: ['DRAFT', 'SUBMITTED', 'CARPEC_REVIEW', 'AWAITING_DECISION', 'AUDIT_IN_PROGRESS'],
};
const TERMINAL_OF: Record<Procedure, ApplicationStatus[]> = {
  ACCOMPANIMENT: ['REJECTED', 'COMPLETED', 'WITHDRAWN', 'CLOSED'],
  AUDIT: ['REJECTED', 'AUDIT_DELIVERED', 'WITHDRAWN', 'CLOSED'],
};
/** The statuses a dossier of the procedure may be in, open ones first. */
export const STATUSES_OF: Record<Procedure, ApplicationStatus[]> = {
  ACCOMPANIMENT: [...OPEN_OF.ACCOMPANIMENT, ...TERMINAL_OF.ACCOMPANIMENT],
  AUDIT: [...OPEN_OF.AUDIT, ...TERMINAL_OF.AUDIT],
};
export const TERMINAL: ApplicationStatus[] = [...new Set([...TERMINAL_OF.ACCOMPANIMENT, ...TERMINAL_OF.AUDIT])];
export const ALL_STATUSES: ApplicationStatus[] = [...new Set([...OPEN_OF.ACCOMPANIMENT, ...OPEN_OF.AUDIT, ...TERMINAL])];
export const terminalOf = (procedure: Procedure) => TERMINAL_OF[procedure];

// Instructors move dossiers; the DG ARS (or its delegate, role DIRECTOR) may do all they do,
// and alone decides and issues récépissés.
const BOTH = PROCEDURES;
const ACCOMPANIMENT: Procedure[] = ['ACCOMPANIMENT'];
const AUDIT: Procedure[] = ['AUDIT'];

const mustBeEligible = (f: DossierFacts): RuleBreach | null =>
  f.eligible ? null : { rule: f.ineligibleRule ?? 'ineligible-territory', detail: `An ineligible dossier cannot be approved: ${f.eligibilityReasons.join('; ')}.` };
const needsOpinion = (f: DossierFacts): RuleBreach | null => (f.hasOpinion ? null : { rule: 'opinion-required', detail: 'A decision needs a CARPEC opinion first.' });
const needsConvention = (f: DossierFacts): RuleBreach | null =>
  f.convention !== 'NONE' ? null : { rule: 'convention-required', detail: "Completion needs the project's convention: ACCORD_NATIONAL or ACI." };
const auditNeedsExistingCentre = (f: DossierFacts): RuleBreach | null =>
  f.existing ? null : { rule: 'audit-existing-centre', detail: 'An audit is for an existing centre (antennes included); the project is not an existing centre.' };

// The pièces each move needs (seed 002): the request for accompaniment, and the letter of
// intent only when the ARS asked for it (note 8); step 2's deliverables, the projet de santé
// and the engagement de conformité, with the règlement de fonctionnement a centre de santé
// annexes to its projet de santé; step 3's deliverable, the description of the coordination,
// with the convention the centre signs (accord national or ACI); the audit's plan to return to
// balance. The récépissé and the decision letter are the ARS's own (generated), never required.
const REQUEST_PIECES = (f: DossierFacts): DocumentKind[] => (f.letterOfIntentRequested ? ['REQUEST', 'LETTER_OF_INTENT'] : ['REQUEST']);
const CENTRE_KINDS: ProjectKind[] = ['CDS_MEDICAL', 'CDS_POLYVALENT', 'CDS_DENTAIRE', 'CDS_INFIRMIER', 'ANTENNE'];
const DELIVERABLE_PIECES = (f: DossierFacts): DocumentKind[] =>
  CENTRE_KINDS.includes(f.kind) ? ['PROJET_DE_SANTE', 'ENGAGEMENT_CONFORMITE', 'REGLEMENT_FONCTIONNEMENT'] : ['PROJET_DE_SANTE', 'ENGAGEMENT_CONFORMITE'];
const COMPLETION_PIECES = (): DocumentKind[] => ['COORDINATION_DELIVERABLE', 'CONVENTION'];
const AUDIT_PLAN_PIECES = (): DocumentKind[] => ['RECOVERY_PLAN'];

/**
 * An approved accompaniment: a new centre enters step 2; an existing one is accompanied on
 * step 3 only, unless it is a mono-professional centre becoming polyvalent (docs/domain.md).
 */
const approvedAccompaniment = (f: DossierFacts): ApplicationStatus => (f.existing && f.nature !== 'BECOMING_POLYVALENT' ? 'STEP3_IN_PROGRESS' : 'STEP2_IN_PROGRESS');

export const TRANSITIONS: readonly Transition[] = [
  { action: 'RECORD_SITE_MEETING', procedures: ACCOMPANIMENT, from: ['DRAFT'], to: 'SITE_MEETING_HELD', roles: INSTRUCTORS },
  { action: 'SUBMIT', procedures: ACCOMPANIMENT, from: ['SITE_MEETING_HELD'], to: 'SUBMITTED', roles: INSTRUCTORS, requires: REQUEST_PIECES },
  // An audit has no site meeting: the request is recorded from the draft.
  { action: 'SUBMIT', procedures: AUDIT, from: ['DRAFT'], to: 'SUBMITTED', roles: INSTRUCTORS, requires: REQUEST_PIECES },
  { action: 'SCHEDULE_OPINION', procedures: BOTH, from: ['SUBMITTED'], to: 'CARPEC_REVIEW', roles: INSTRUCTORS },
  { action: 'RECORD_OPINION', procedures: BOTH, from: ['CARPEC_REVIEW'], to: 'AWAITING_DECISION', roles: INSTRUCTORS },
  {
    action: 'APPROVE',
    procedures: ACCOMPANIMENT,
    from: ['AWAITING_DECISION'],
    to: approvedAccompaniment,
    roles: DIRECTOR_ONLY,
    guards: [needsOpinion, mustBeEligible],
  },
  {
    action: 'APPROVE',
    procedures: AUDIT,
    from: ['AWAITING_DECISION'],
    to: 'AUDIT_IN_PROGRESS',
    roles: DIRECTOR_ONLY,
    guards: [needsOpinion, auditNeedsExistingCentre, mustBeEligible],
  },
  { action: 'REJECT', procedures: BOTH, from: ['AWAITING_DECISION'], to: 'REJECTED', roles: DIRECTOR_ONLY, guards: [needsOpinion] },
  {
    action: 'RECEIVE_DELIVERABLES',
    procedures: ACCOMPANIMENT,
    from: ['STEP2_IN_PROGRESS'],
    to: 'DELIVERABLES_RECEIVED',
    roles: INSTRUCTORS,
    requires: DELIVERABLE_PIECES,
  },
  { action: 'ISSUE_RECEIPT', procedures: ACCOMPANIMENT, from: ['DELIVERABLES_RECEIVED'], to: 'RECEIPT_ISSUED', roles: DIRECTOR_ONLY },
  // The projet de santé is presented to the CARPEC for information: listed, then noted.
  { action: 'SCHEDULE_INFORMATION', procedures: ACCOMPANIMENT, from: ['RECEIPT_ISSUED'], to: 'RECEIPT_ISSUED', roles: INSTRUCTORS },
  { action: 'NOTE_INFORMATION', procedures: ACCOMPANIMENT, from: ['RECEIPT_ISSUED'], to: 'STEP3_IN_PROGRESS', roles: INSTRUCTORS },
  // Completion only from step 3: a centre that entered step 2 is committed to step 3 too.
  {
    action: 'COMPLETE',
    procedures: ACCOMPANIMENT,
    from: ['STEP3_IN_PROGRESS'],
    to: 'COMPLETED',
    roles: INSTRUCTORS,
    guards: [needsConvention],
    requires: COMPLETION_PIECES,
  },
  // The audit's deliverable: the plan to return to balance.
  { action: 'DELIVER_AUDIT_PLAN', procedures: AUDIT, from: ['AUDIT_IN_PROGRESS'], to: 'AUDIT_DELIVERED', roles: INSTRUCTORS, requires: AUDIT_PLAN_PIECES },
  { action: 'WITHDRAW', procedures: ACCOMPANIMENT, from: OPEN_OF.ACCOMPANIMENT, to: 'WITHDRAWN', roles: INSTRUCTORS },
  { action: 'WITHDRAW', procedures: AUDIT, from: OPEN_OF.AUDIT, to: 'WITHDRAWN', roles: INSTRUCTORS },
  { action: 'CLOSE', procedures: ACCOMPANIMENT, from: OPEN_OF.ACCOMPANIMENT, to: 'CLOSED', roles: INSTRUCTORS },
  { action: 'CLOSE', procedures: AUDIT, from: OPEN_OF.AUDIT, to: 'CLOSED', roles: INSTRUCTORS },
];

/** Every action, once, in the table's order. */
export const ACTIONS: readonly Action[] = [...new Set(TRANSITIONS.map((t) => t.action))];

/** The transitions of one procedure. */
export const transitionsOf = (procedure: Procedure): Transition[] => TRANSITIONS.filter((t) => t.procedures.includes(procedure));

/** The roles that may do an action (the same in every procedure). */
export const rolesFor = (action: Action): Role[] => TRANSITIONS.find((t) => t.action === action)!.roles;

/** The étape of a status: the audit's own statuses are no étape. */
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

/** The actions legal from a status of a dossier of `procedure` (for a role, when given). */
export function allowedActions(procedure: Procedure, status: ApplicationStatus, role?: Role): Action[] {
  return transitionsOf(procedure)
    .filter((t) => t.from.includes(status) && (!role || t.roles.includes(role)))
    .map((t) => t.action);
}

export type Decision =
  | { ok: true; to: ApplicationStatus }
  | { ok: false; kind: 'FORBIDDEN'; detail: string }
  | { ok: false; kind: 'ILLEGAL'; detail: string; allowedActions: Action[] }
  | { ok: false; kind: 'RULE'; breach: RuleBreach };

const words = (action: Action) => action.toLowerCase().replace(/_/g, ' ');

/** Whether `role` may do `action` on a dossier in `status` (of `facts.procedure`), and where it leads. */
export function decide(status: ApplicationStatus, action: Action, role: Role, facts: DossierFacts): Decision {
  if (!rolesFor(action).includes(role)) {
    return { ok: false, kind: 'FORBIDDEN', detail: `The role ${role} may not ${words(action)}.` };
  }
  const transition = transitionsOf(facts.procedure).find((t) => t.action === action && t.from.includes(status));
  if (!transition) {
    const procedure = facts.procedure === 'AUDIT' ? 'An audit dossier' : 'A dossier';
    return {
      ok: false,
      kind: 'ILLEGAL',
      detail: `${procedure} in ${status} cannot ${words(action)}.`,
      allowedActions: allowedActions(facts.procedure, status),
    };
  }
  for (const guard of transition.guards ?? []) {
    const breach = guard(facts);
    if (breach) return { ok: false, kind: 'RULE', breach };
  }
  const { required, missing } = checklistOf(transition, facts);
  if (missing.length) {
    return {
      ok: false,
      kind: 'RULE',
      breach: { rule: 'missing-pieces', detail: `To ${words(action)}, the dossier needs ${required.join(', ')}: ${missing.join(', ')} missing.`, values: { required, missing } },
    };
  }
  return { ok: true, to: typeof transition.to === 'function' ? transition.to(facts) : transition.to };
}

export interface Checklist {
  /** The move the procedure expects next (null: the dossier has ended). */
  nextAction: Action | null;
  required: DocumentKind[];
  present: DocumentKind[];
  missing: DocumentKind[];
}

/** The moves that leave the procedure's path, never its "next" one. */
const OFF_PATH: Action[] = ['REJECT', 'WITHDRAW', 'CLOSE'];

function checklistOf(transition: Transition | undefined, facts: DossierFacts): Omit<Checklist, 'nextAction'> {
  const required = transition?.requires?.(facts) ?? [];
  const present = [...new Set(facts.pieces)].sort();
  return { required, present, missing: required.filter((k) => !facts.pieces.includes(k)) };
}

/** What the dossier needs for the procedure's next move: its pièces required, present and missing. */
export function checklist(status: ApplicationStatus, facts: DossierFacts): Checklist {
  const next = transitionsOf(facts.procedure).find((t) => t.from.includes(status) && !OFF_PATH.includes(t.action));
  return { nextAction: next?.action ?? null, ...checklistOf(next, facts) };
}
