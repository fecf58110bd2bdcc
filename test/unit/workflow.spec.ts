import { eligibilityOf } from '../../src/applications/eligibility.js';
import {
  type Action,
  ACTIONS,
  ALL_STATUSES,
  allowedActions,
  checklist,
  decide,
  type DossierFacts,
  PROCEDURES,
  STATUSES_OF,
  stepOf,
  TERMINAL,
  terminalOf,
} from '../../src/applications/workflow.js';
import { type ApplicationStatus, DocumentKind, type Procedure, type Role } from '../../src/generated/prisma/enums.js';
import { addMonths, isCalendarDate, parisToday } from '../../src/common/validation/dates.js';

/** Every pièce present: the table's moves are tested on their own; the pièces below. */
const EVERY_PIECE = Object.values(DocumentKind);
const facts: DossierFacts = {
  procedure: 'ACCOMPANIMENT',
  existing: false,
  nature: 'CREATION',
  eligible: true,
  eligibilityReasons: ['ZIP'],
  convention: 'ACI',
  hasOpinion: true,
  kind: 'MSP',
  letterOfIntentRequested: true,
  pieces: EVERY_PIECE,
};
const audit: DossierFacts = { ...facts, procedure: 'AUDIT', existing: true, nature: 'EXTENSION' };
const ROLES: Role[] = ['ADMIN', 'INSTRUCTOR', 'DIRECTOR', 'PARTNER', 'AUDITOR', 'REPORTING'];

// The expected graphs, written out by hand from docs/domain.md (both procedures): the table must match them.
const EXPECTED_AUDIT: Record<string, ApplicationStatus> = {
  'DRAFT SUBMIT': 'SUBMITTED',
  'SUBMITTED SCHEDULE_OPINION': 'CARPEC_REVIEW',
  'CARPEC_REVIEW RECORD_OPINION': 'AWAITING_DECISION',
  'AWAITING_DECISION APPROVE': 'AUDIT_IN_PROGRESS',
  'AWAITING_DECISION REJECT': 'REJECTED',
  'AUDIT_IN_PROGRESS DELIVER_AUDIT_PLAN': 'AUDIT_DELIVERED',
};
const EXPECTED: Record<string, ApplicationStatus> = {
  'DRAFT RECORD_SITE_MEETING': 'SITE_MEETING_HELD',
  'SITE_MEETING_HELD SUBMIT': 'SUBMITTED',
  'SUBMITTED SCHEDULE_OPINION': 'CARPEC_REVIEW',
  'CARPEC_REVIEW RECORD_OPINION': 'AWAITING_DECISION',
  'AWAITING_DECISION APPROVE': 'STEP2_IN_PROGRESS',
  'AWAITING_DECISION REJECT': 'REJECTED',
  'STEP2_IN_PROGRESS RECEIVE_DELIVERABLES': 'DELIVERABLES_RECEIVED',
  'DELIVERABLES_RECEIVED ISSUE_RECEIPT': 'RECEIPT_ISSUED',
  'RECEIPT_ISSUED SCHEDULE_INFORMATION': 'RECEIPT_ISSUED',
  'RECEIPT_ISSUED NOTE_INFORMATION': 'STEP3_IN_PROGRESS',
  'STEP3_IN_PROGRESS COMPLETE': 'COMPLETED',
};

describe('workflow transition table', () => {
  // Every status of the service × every action × both procedures: a status foreign to a
  // procedure (STEP2_IN_PROGRESS for an audit, AUDIT_IN_PROGRESS for an accompaniment) allows nothing.
  const cases = PROCEDURES.flatMap((procedure) => ALL_STATUSES.flatMap((status) => ACTIONS.map((action) => [procedure, status, action] as [Procedure, ApplicationStatus, Action])));
  const expectedOf: Record<Procedure, Record<string, ApplicationStatus>> = { ACCOMPANIMENT: EXPECTED, AUDIT: EXPECTED_AUDIT };
  const factsOf: Record<Procedure, DossierFacts> = { ACCOMPANIMENT: facts, AUDIT: audit };

  it('covers every status of the database enum and every action', () => {
    expect(cases).toHaveLength(2 * 15 * 14);
    expect(STATUSES_OF.AUDIT).toEqual(expect.arrayContaining(['AUDIT_IN_PROGRESS', 'AUDIT_DELIVERED']));
    expect(STATUSES_OF.ACCOMPANIMENT).not.toContain('AUDIT_IN_PROGRESS');
  });

  it.each(cases)('%s: %s + %s goes where DOMAIN.md says, or is illegal', (procedure, status, action) => {
    const role: Role = ['APPROVE', 'REJECT', 'ISSUE_RECEIPT'].includes(action) ? 'DIRECTOR' : 'INSTRUCTOR';
    const result = decide(status, action, role, factsOf[procedure]);
    const open = STATUSES_OF[procedure].includes(status) && !terminalOf(procedure).includes(status);
    const expected = (action === 'WITHDRAW' || action === 'CLOSE') && open ? (action === 'WITHDRAW' ? 'WITHDRAWN' : 'CLOSED') : expectedOf[procedure][`${status} ${action}`];
    if (expected) {
      expect(result).toEqual({ ok: true, to: expected });
    } else {
      expect(result).toMatchObject({ ok: false, kind: 'ILLEGAL', allowedActions: allowedActions(procedure, status) });
    }
  });

  it('has no move out of a terminal status, in either procedure', () => {
    for (const procedure of PROCEDURES) for (const status of TERMINAL) expect(allowedActions(procedure, status)).toEqual([]);
    expect(TERMINAL).toContain('AUDIT_DELIVERED');
  });

  it('lets an audit be withdrawn or closed while in progress, and only its plan complete it', () => {
    expect(allowedActions('AUDIT', 'AUDIT_IN_PROGRESS')).toEqual(['DELIVER_AUDIT_PLAN', 'WITHDRAW', 'CLOSE']);
    expect(allowedActions('AUDIT', 'DRAFT')).toEqual(['SUBMIT', 'WITHDRAW', 'CLOSE']);
    expect(allowedActions('ACCOMPANIMENT', 'DRAFT')).toEqual(['RECORD_SITE_MEETING', 'WITHDRAW', 'CLOSE']);
    expect(decide('AUDIT_IN_PROGRESS', 'COMPLETE', 'INSTRUCTOR', audit)).toMatchObject({ ok: false, kind: 'ILLEGAL' });
  });

  it('refuses to approve an audit of a centre that is not an existing one', () => {
    expect(decide('AWAITING_DECISION', 'APPROVE', 'DIRECTOR', { ...audit, existing: false })).toMatchObject({ ok: false, kind: 'RULE', breach: { rule: 'audit-existing-centre' } });
  });

  it('lets only the director decide and issue the récépissé; never a partner, an auditor, an admin or a key', () => {
    for (const role of ROLES) {
      const r = decide('AWAITING_DECISION', 'APPROVE', role, facts);
      expect(r.ok).toBe(role === 'DIRECTOR');
      expect(decide('DELIVERABLES_RECEIVED', 'ISSUE_RECEIPT', role, facts).ok).toBe(role === 'DIRECTOR');
      expect(decide('DRAFT', 'RECORD_SITE_MEETING', role, facts).ok).toBe(role === 'INSTRUCTOR' || role === 'DIRECTOR');
    }
    expect(decide('AWAITING_DECISION', 'APPROVE', 'INSTRUCTOR', facts)).toMatchObject({ ok: false, kind: 'FORBIDDEN' });
  });

  it('sends an approved existing centre straight to step 3, unless it becomes polyvalent', () => {
    expect(decide('AWAITING_DECISION', 'APPROVE', 'DIRECTOR', { ...facts, existing: true, nature: 'EXTENSION' })).toEqual({ ok: true, to: 'STEP3_IN_PROGRESS' });
    expect(decide('AWAITING_DECISION', 'APPROVE', 'DIRECTOR', { ...facts, existing: true, nature: 'SECONDARY_SITE' })).toEqual({ ok: true, to: 'STEP3_IN_PROGRESS' });
    expect(decide('AWAITING_DECISION', 'APPROVE', 'DIRECTOR', { ...facts, existing: true, nature: 'BECOMING_POLYVALENT' })).toEqual({ ok: true, to: 'STEP2_IN_PROGRESS' });
    expect(decide('AWAITING_DECISION', 'APPROVE', 'DIRECTOR', { ...facts, existing: false, nature: 'BECOMING_POLYVALENT' })).toEqual({ ok: true, to: 'STEP2_IN_PROGRESS' });
  });

  it('refuses to approve an ineligible dossier, or any decision without an opinion, naming the rule', () => {
    expect(decide('AWAITING_DECISION', 'APPROVE', 'DIRECTOR', { ...facts, eligible: false })).toMatchObject({
      ok: false,
      kind: 'RULE',
      breach: { rule: 'ineligible-territory' },
    });
    expect(decide('AWAITING_DECISION', 'REJECT', 'DIRECTOR', { ...facts, eligible: false })).toEqual({ ok: true, to: 'REJECTED' });
    expect(decide('AWAITING_DECISION', 'REJECT', 'DIRECTOR', { ...facts, hasOpinion: false })).toMatchObject({ breach: { rule: 'opinion-required' } });
    expect(decide('AWAITING_DECISION', 'APPROVE', 'DIRECTOR', { ...facts, eligible: false, ineligibleRule: 'antenne-conditions' })).toMatchObject({
      breach: { rule: 'antenne-conditions' },
    });
  });

  it('completes only with a convention', () => {
    expect(decide('STEP3_IN_PROGRESS', 'COMPLETE', 'INSTRUCTOR', { ...facts, convention: 'NONE' })).toMatchObject({ breach: { rule: 'convention-required' } });
    expect(decide('STEP3_IN_PROGRESS', 'COMPLETE', 'INSTRUCTOR', { ...facts, convention: 'ACCORD_NATIONAL' })).toEqual({ ok: true, to: 'COMPLETED' });
  });

  it('derives the step from the status', () => {
    expect(ALL_STATUSES.map((s) => [s, stepOf(s)])).toEqual([
      ['DRAFT', 1],
      ['SITE_MEETING_HELD', 1],
      ['SUBMITTED', 1],
      ['CARPEC_REVIEW', 1],
      ['AWAITING_DECISION', 1],
      ['STEP2_IN_PROGRESS', 2],
      ['DELIVERABLES_RECEIVED', 2],
      ['RECEIPT_ISSUED', 2],
      ['STEP3_IN_PROGRESS', 3],
      ['AUDIT_IN_PROGRESS', null],
      ['REJECTED', null],
      ['COMPLETED', 3],
      ['WITHDRAWN', null],
      ['CLOSED', null],
      ['AUDIT_DELIVERED', null],
    ]);
  });
});

describe('eligibility from zoning', () => {
  it('puts ZIP, QPV and islands first, then ZAC, and refuses the rest with the reason', () => {
    expect(eligibilityOf({ name: 'Brioude', zone: 'ZIP', qpv: false, island: false })).toMatchObject({ eligible: true, rank: 'PRIORITY' });
    expect(eligibilityOf({ name: 'Montluçon', zone: 'ZAC', qpv: true, island: false })).toMatchObject({ eligible: true, rank: 'PRIORITY' });
    expect(eligibilityOf({ name: 'Ouessant', zone: 'NONE', qpv: false, island: true })).toMatchObject({ eligible: true, rank: 'PRIORITY' });
    expect(eligibilityOf({ name: 'Évian', zone: 'ZAC', qpv: false, island: false })).toMatchObject({ eligible: true, rank: 'SECONDARY' });
    const none = eligibilityOf({ name: 'Annonay', zone: 'NONE', qpv: false, island: false });
    expect(none).toMatchObject({ eligible: false, rank: null });
    expect(none.reasons[0]).toContain('Annonay');
  });
});

describe('business dates', () => {
  it('adds calendar months, clamped to the end of the month', () => {
    expect(addMonths('2026-03-15', 2)).toBe('2026-05-15');
    expect(addMonths('2026-12-31', 2)).toBe('2027-02-28');
    expect(addMonths('2027-12-31', 2)).toBe('2028-02-29');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
  });

  it('knows real calendar days and today in Paris', () => {
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('26-02-01')).toBe(false);
    expect(parisToday(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  });
});

describe('the pièces each move needs (seed 002)', () => {
  const none: DossierFacts = { ...facts, letterOfIntentRequested: false, pieces: [] };
  const refusal = (status: ApplicationStatus, action: Action, f: DossierFacts, role: Role = 'INSTRUCTOR') => {
    const d = decide(status, action, role, f);
    return d.ok ? null : d.kind === 'RULE' ? d.breach : d.kind;
  };

  it.each([
    ['ACCOMPANIMENT', 'SITE_MEETING_HELD', 'SUBMIT', {}, ['REQUEST']],
    ['ACCOMPANIMENT', 'SITE_MEETING_HELD', 'SUBMIT', { letterOfIntentRequested: true }, ['REQUEST', 'LETTER_OF_INTENT']],
    ['AUDIT', 'DRAFT', 'SUBMIT', { existing: true }, ['REQUEST']],
    ['ACCOMPANIMENT', 'STEP2_IN_PROGRESS', 'RECEIVE_DELIVERABLES', {}, ['PROJET_DE_SANTE', 'ENGAGEMENT_CONFORMITE']],
    ['ACCOMPANIMENT', 'STEP2_IN_PROGRESS', 'RECEIVE_DELIVERABLES', { kind: 'CDS_POLYVALENT' }, ['PROJET_DE_SANTE', 'ENGAGEMENT_CONFORMITE', 'REGLEMENT_FONCTIONNEMENT']],
    ['ACCOMPANIMENT', 'STEP2_IN_PROGRESS', 'RECEIVE_DELIVERABLES', { kind: 'ANTENNE' }, ['PROJET_DE_SANTE', 'ENGAGEMENT_CONFORMITE', 'REGLEMENT_FONCTIONNEMENT']],
    ['ACCOMPANIMENT', 'STEP3_IN_PROGRESS', 'COMPLETE', {}, ['COORDINATION_DELIVERABLE', 'CONVENTION']],
    ['AUDIT', 'AUDIT_IN_PROGRESS', 'DELIVER_AUDIT_PLAN', { existing: true }, ['RECOVERY_PLAN']],
  ] as [Procedure, ApplicationStatus, Action, Partial<DossierFacts>, DocumentKind[]][])(
    '%s %s --%s--> refused while %j lacks %j, allowed with them',
    (procedure, status, action, extra, required) => {
      const f = { ...none, procedure, ...extra };
      expect(refusal(status, action, f)).toEqual({ rule: 'missing-pieces', detail: expect.stringContaining(required.join(', ')), values: { required, missing: required } });
      expect(checklist(status, f)).toEqual({ nextAction: action, required, present: [], missing: required });
      // One missing among several is named alone; a withdrawn or replaced pièce is simply not among `pieces`.
      if (required.length > 1) {
        const partial = { ...f, pieces: required.slice(1) };
        expect(refusal(status, action, partial)).toMatchObject({ values: { missing: [required[0]] } });
        expect(checklist(status, partial)).toMatchObject({ present: [...required.slice(1)].sort(), missing: [required[0]] });
      }
      expect(decide(status, action, action === 'ISSUE_RECEIPT' ? 'DIRECTOR' : 'INSTRUCTOR', { ...f, pieces: required })).toMatchObject({ ok: true });
    },
  );

  it('asks nothing of the other moves, and the record of a site meeting, a decision or a récépissé needs no pièce', () => {
    expect(checklist('DRAFT', none)).toEqual({ nextAction: 'RECORD_SITE_MEETING', required: [], present: [], missing: [] });
    expect(checklist('AWAITING_DECISION', none)).toEqual({ nextAction: 'APPROVE', required: [], present: [], missing: [] });
    expect(checklist('DELIVERABLES_RECEIVED', none)).toEqual({ nextAction: 'ISSUE_RECEIPT', required: [], present: [], missing: [] });
    expect(decide('AWAITING_DECISION', 'APPROVE', 'DIRECTOR', none)).toMatchObject({ ok: true });
    expect(decide('DELIVERABLES_RECEIVED', 'ISSUE_RECEIPT', 'DIRECTOR', none)).toMatchObject({ ok: true });
    // Leaving the procedure never waits for a pièce.
    expect(decide('SITE_MEETING_HELD', 'WITHDRAW', 'INSTRUCTOR', none)).toMatchObject({ ok: true });
    for (const status of TERMINAL) expect(checklist(status, none)).toEqual({ nextAction: null, required: [], present: [], missing: [] });
  });

  it('checks the role and the status before the pièces: a wrong move is 403 or 409, not 422', () => {
    expect(refusal('SITE_MEETING_HELD', 'SUBMIT', none, 'PARTNER')).toBe('FORBIDDEN');
    expect(refusal('DRAFT', 'COMPLETE', none)).toBe('ILLEGAL');
  });
});
