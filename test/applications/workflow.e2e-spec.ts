// The workflow of docs/domain.md through the real API and a real PostgreSQL: every
// transition of the table (src/applications/workflow.ts), for both procedures (the
// accompaniment of étapes 1-3 and the audit), and every illegal move from every status of each,
// generated from TRANSITIONS and STATUSES_OF. The rules around the moves: workflow-rules.e2e-spec.ts
// and procedure.e2e-spec.ts.
import { type Action, ACTIONS, allowedActions, type DossierFacts, PROCEDURES, STATUSES_OF, stepOf, TRANSITIONS } from '../../src/applications/workflow.js';
import { addMonths } from '../../src/common/validation/dates.js';
import type { ApplicationStatus, Procedure, ProjectNature } from '../../src/generated/prisma/enums.js';
import { providePieces } from '../helpers/documents.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { act, actorFor, heldSession, makeDossier, mapLimit, reach, today, WALK } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';

const CARPEC_ACTIONS: Action[] = ['SCHEDULE_OPINION', 'RECORD_OPINION', 'SCHEDULE_INFORMATION', 'NOTE_INFORMATION'];
/** The answer of a successful move: the CARPEC routes create an agenda item or an opinion (201). */
const okStatus = (action: Action) => (CARPEC_ACTIONS.includes(action) ? 201 : 200);

/** The centres a move is tried on: a new one, an existing extension, an existing one becoming polyvalent. */
interface Centre {
  existing: boolean;
  nature: ProjectNature;
}
const NEW: Centre = { existing: false, nature: 'CREATION' };
const EXTENSION: Centre = { existing: true, nature: 'EXTENSION' };
const POLYVALENT: Centre = { existing: true, nature: 'BECOMING_POLYVALENT' };
const factsFor = (procedure: Procedure, c: Centre): DossierFacts => ({
  procedure,
  ...c,
  eligible: true,
  eligibilityReasons: [],
  convention: 'ACI',
  hasOpinion: true,
  kind: 'MSP',
  letterOfIntentRequested: false,
  pieces: [],
});

/**
 * Every (procedure, from, action, to) of the table: an audit is always of an existing centre;
 * an accompaniment's APPROVE three times, for a new centre, an existing one and one becoming polyvalent.
 */
const LEGAL = TRANSITIONS.flatMap((tr) =>
  tr.procedures.flatMap((procedure) =>
    tr.from.flatMap((from) =>
      (procedure === 'AUDIT' ? [EXTENSION] : tr.action === 'APPROVE' ? [NEW, EXTENSION, POLYVALENT] : [NEW]).map((centre) => ({
        procedure,
        from,
        action: tr.action,
        centre,
        to: typeof tr.to === 'function' ? tr.to(factsFor(procedure, centre)) : tr.to,
      })),
    ),
  ),
);

const illegalFrom = (procedure: Procedure, status: ApplicationStatus): Action[] => ACTIONS.filter((a) => !allowedActions(procedure, status).includes(a));

// One dossier per procedure walks its main path (the table's moves other than WITHDRAW, CLOSE
// and REJECT, in the table's order, which chain from DRAFT to COMPLETED or AUDIT_DELIVERED),
// tried with every illegal move at each status on the way. Every other move gets a dossier of
// its own, brought to its `from` status.
const OFF_PATH: Action[] = ['WITHDRAW', 'CLOSE', 'REJECT'];
type Move = (typeof LEGAL)[number];
const MAIN: Record<Procedure, Move[]> = {
  ACCOMPANIMENT: LEGAL.filter((c) => c.procedure === 'ACCOMPANIMENT' && !OFF_PATH.includes(c.action) && c.centre === NEW),
  AUDIT: LEGAL.filter((c) => c.procedure === 'AUDIT' && !OFF_PATH.includes(c.action)),
};
const SIDE: Move[] = LEGAL.filter((c) => !MAIN[c.procedure].includes(c));
const describeMove = (c: Move) =>
  `${c.procedure === 'AUDIT' ? '[audit] ' : ''}${c.from} --${c.action}--> ${c.to}${c.centre === EXTENSION && c.procedure !== 'AUDIT' ? ' (existing centre)' : c.centre === POLYVALENT ? ' (existing centre becoming polyvalent)' : ''}`;

describe('dossier workflow (every move of the table, real API)', () => {
  let t: TestApp;
  let instructor: Actor;
  let director: Actor;
  let who: { instructor: Actor; director: Actor };
  const get = async (id: string) => t.http().get(`/api/v1/applications/${id}`).set('Authorization', instructor.auth).expect(200);
  const events = async (id: string) =>
    (await t.http().get(`/api/v1/applications/${id}/events?limit=200`).set('Authorization', instructor.auth).expect(200)).body.items as {
      type: string;
      fromStatus: string | null;
      toStatus: string | null;
      reason: string | null;
      actor: { id: string; kind: string };
      data: Record<string, unknown>;
    }[];
  /** Rows a move may write besides the dossier and its events. */
  const sideRows = async (id: string) => ({
    agenda: await t.prisma.carpecAgendaItem.count({ where: { applicationId: id } }),
    opinions: await t.prisma.carpecOpinion.count({ where: { applicationId: id } }),
    decisions: await t.prisma.decision.count({ where: { applicationId: id } }),
    receipts: await t.prisma.receipt.count({ where: { applicationId: id } }),
    audit: await t.prisma.auditLog.count({ where: { entity: 'application', entityId: id, action: { not: 'application.document.create' } } }),
    /** The letters the DG's moves generate (src/letters): pièces written with the move, audited with it. */
    letters: await t.prisma.applicationDocument.count({ where: { applicationId: id, kind: { in: ['RECEIPT', 'DECISION_LETTER'] } } }),
    letterAudits: await t.prisma.auditLog.count({ where: { entity: 'application', entityId: id, action: 'application.document.create' } }),
  });

  const main: Record<Procedure, string> = { ACCOMPANIMENT: '', AUDIT: '' };
  const side = new Map<Move, string>();
  /** A held séance for the illegal attempts to name (they must not put anything on it). */
  let spare = '';

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    who = { instructor, director };
    main.ACCOMPANIMENT = (await makeDossier(t, instructor, { convention: 'ACI' })).id;
    main.AUDIT = (await makeDossier(t, instructor, { ...EXTENSION, procedure: 'AUDIT' })).id;
    spare = await heldSession(t, instructor);
    const ids = await mapLimit(SIDE, 4, async ({ procedure, from, centre }) => {
      const { id } = await makeDossier(t, instructor, { convention: 'ACI', ...centre, procedure });
      await reach(t, id, from, who);
      return id;
    });
    SIDE.forEach((c, i) => side.set(c, ids[i]));
  }, 120_000);
  afterAll(() => t.close());

  const legalTested = new Set<Move>();
  const illegalTested: Record<Procedure, Set<ApplicationStatus>> = { ACCOMPANIMENT: new Set(), AUDIT: new Set() };

  /** The move, from a dossier in `from`: the answer, the dossier after it, its one new event and what goes with it. */
  function legalMove(c: Move, dossier: () => string) {
    legalTested.add(c);
    it(describeMove(c), async () => {
      const { procedure, from, action, to } = c;
      const id = dossier();
      // Noting the projet de santé needs it to be on a séance's agenda for information first.
      if (action === 'NOTE_INFORMATION' && !(await t.prisma.carpecAgendaItem.findFirst({ where: { applicationId: id, purpose: 'INFORMATION', opinion: null } }))) {
        expect((await act(t, id, 'SCHEDULE_INFORMATION', who)).status).toBe(201);
      }
      // The pièces the move needs (the checklist's), uploaded before the dossier is read.
      await providePieces(t, id, who.instructor);
      const before = (await get(id)).body;
      expect(before.status).toBe(from);
      const eventsBefore = await events(id);
      const rowsBefore = await sideRows(id);

      const res = await act(t, id, action, who);
      expect({ status: res.status, body: res.body }).toMatchObject({ status: okStatus(action) });

      const after = await get(id);
      expect(after.body).toMatchObject({ procedure, status: to, step: stepOf(to), version: before.version + 1, allowedActions: allowedActions(procedure, to, 'INSTRUCTOR') });
      expect(after.headers.etag).toBe(`"${before.version + 1}"`);
      const history = await events(id);
      expect(history).toHaveLength(eventsBefore.length + 1);
      const { actor: mover } = actorFor(action, who);
      expect(history.at(-1)).toMatchObject({ fromStatus: from, toStatus: to, actor: { id: mover.userId, kind: 'USER' } });
      const rows = await sideRows(id);
      expect(rows.audit).toBe(rowsBefore.audit + 1);
      // Only the DG's decisions and récépissés write a letter; each is audited (the move's transaction).
      const letter = ['APPROVE', 'REJECT', 'ISSUE_RECEIPT'].includes(action) ? 1 : 0;
      expect(rows.letters).toBe(rowsBefore.letters + letter);
      expect(rows.letterAudits - rowsBefore.letterAudits).toBeGreaterThanOrEqual(letter);

      // What each move records besides the status.
      const last = history.at(-1)!;
      switch (action) {
        case 'RECORD_SITE_MEETING':
          expect(after.body.siteMeeting).toEqual({ heldOn: WALK.siteMeeting, participants: 'ARS, maire', findings: 'OK' });
          break;
        case 'SUBMIT':
          expect(after.body.requestReceivedOn).toBe(WALK.request);
          expect(last.data).toEqual({ receivedOn: WALK.request });
          break;
        case 'SCHEDULE_OPINION':
        case 'SCHEDULE_INFORMATION':
          expect(rows.agenda).toBe(rowsBefore.agenda + 1);
          break;
        case 'RECORD_OPINION':
        case 'NOTE_INFORMATION':
          expect(rows.opinions).toBe(rowsBefore.opinions + 1);
          expect(res.body).toMatchObject({ applicationId: id, applicationStatus: to, outcome: action === 'NOTE_INFORMATION' ? 'NOTED' : 'FAVORABLE' });
          break;
        case 'APPROVE':
        case 'REJECT':
          expect(rows.decisions).toBe(rowsBefore.decisions + 1);
          expect(after.body.decision).toMatchObject({ outcome: action === 'APPROVE' ? 'APPROVED' : 'REJECTED', decidedOn: WALK.decision, differsFromOpinion: action === 'REJECT' });
          if (action === 'REJECT') expect(last.reason).toBe('Projet de santé insuffisant');
          break;
        case 'RECEIVE_DELIVERABLES':
          expect(after.body).toMatchObject({ deliverablesReceivedOn: WALK.deliverables, receiptDueOn: addMonths(WALK.deliverables, 2) });
          break;
        case 'ISSUE_RECEIPT':
          expect(rows.receipts).toBe(1);
          expect(after.body.receipt).toEqual({ issuedOn: today(), finessEj: '430000123', finessEt: '430000131', late: false });
          break;
        case 'COMPLETE':
          expect(after.body.completionSummary).toBe('Coordination en place');
          break;
        case 'DELIVER_AUDIT_PLAN':
          expect(after.body.auditPlan).toEqual({ deliveredOn: WALK.auditPlan, summary: "Plan de retour à l'équilibre" });
          expect(last.data).toEqual({ deliveredOn: WALK.auditPlan, summary: "Plan de retour à l'équilibre" });
          break;
        case 'WITHDRAW':
        case 'CLOSE': {
          const reason = action === 'WITHDRAW' ? 'Le promoteur renonce' : 'Sans suite';
          expect(after.body.closingReason).toBe(reason);
          expect(last.reason).toBe(reason);
          break;
        }
      }
    });
  }

  /** Every action the table does not allow from `status`, tried on a dossier in it: 409, and nothing written. */
  function illegalMoves(procedure: Procedure, status: ApplicationStatus, dossier: () => string) {
    illegalTested[procedure].add(status);
    describe(`${procedure === 'AUDIT' ? '[audit] ' : ''}from ${status}, every move the table does not allow`, () => {
      let version: number;
      let eventCount: number;
      let rows: Awaited<ReturnType<typeof sideRows>>;
      beforeAll(async () => {
        const current = (await get(dossier())).body;
        expect(current.status).toBe(status);
        version = current.version;
        eventCount = (await events(dossier())).length;
        rows = await sideRows(dossier());
      });

      it.each(illegalFrom(procedure, status))(`%s is refused with 409, the current status and the allowed actions`, async (action) => {
        const { role } = actorFor(action, who);
        const body = expectProblem(await act(t, dossier(), action, who, { session: spare }), 409);
        expect(body).toMatchObject({ currentStatus: status, allowedActions: allowedActions(procedure, status, role) });
      });

      it('and none of those refusals changed or wrote anything', async () => {
        expect(illegalFrom(procedure, status).length).toBeGreaterThan(0);
        expect((await get(dossier())).body).toMatchObject({ status, version });
        expect(await events(dossier())).toHaveLength(eventCount);
        expect(await sideRows(dossier())).toEqual(rows);
        expect(await t.prisma.carpecAgendaItem.count({ where: { sessionId: spare } })).toBe(0);
      });
    });
  }

  for (const procedure of PROCEDURES) {
    const last = procedure === 'AUDIT' ? 'AUDIT_DELIVERED' : 'COMPLETED';
    describe(`the main path of the ${procedure.toLowerCase()}, from DRAFT to ${last}`, () => {
      const path = MAIN[procedure];
      it('is a chain of the table', () => {
        expect(path[0].from).toBe('DRAFT');
        path.slice(1).forEach((c, i) => expect(c.from).toBe(path[i].to));
        expect(path.at(-1)!.to).toBe(last);
      });
      for (const c of path) {
        if (!illegalTested[procedure].has(c.from)) illegalMoves(procedure, c.from, () => main[procedure]);
        legalMove(c, () => main[procedure]);
      }
      illegalMoves(procedure, path.at(-1)!.to, () => main[procedure]);
    });
  }

  describe('every other move, each on a dossier of its own', () => {
    for (const c of SIDE) {
      legalMove(c, () => side.get(c)!);
      if (!illegalTested[c.procedure].has(c.to)) illegalMoves(c.procedure, c.to, () => side.get(c)!);
    }
  });

  it('tried every transition of the table, and every illegal move from every status, in both procedures', () => {
    // Each (procedure, from) of the table once, + APPROVE of an accompaniment twice more (existing, becoming polyvalent).
    expect(LEGAL).toHaveLength(TRANSITIONS.reduce((n, tr) => n + tr.procedures.length * tr.from.length, 0) + 2);
    expect(legalTested.size).toBe(LEGAL.length);
    for (const procedure of PROCEDURES) expect([...illegalTested[procedure]].sort()).toEqual([...STATUSES_OF[procedure]].sort());
  });
});
