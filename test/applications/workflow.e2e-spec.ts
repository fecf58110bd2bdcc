// The workflow of DOMAIN.md §5 through the real API and a real PostgreSQL: every transition of
// the table (src/applications/workflow.ts) and every illegal move from every status, generated
// from TRANSITIONS and ALL_STATUSES. The rules around the moves: workflow-rules.e2e-spec.ts.
import { type Action, ALL_STATUSES, allowedActions, type DossierFacts, stepOf, TRANSITIONS } from '../../src/applications/workflow.js';
import { addMonths } from '../../src/common/validation/dates.js';
import type { ApplicationStatus } from '../../src/generated/prisma/enums.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { act, actorFor, daysAgo, heldSession, makeDossier, mapLimit, reach, today } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';

const CARPEC_ACTIONS: Action[] = ['SCHEDULE_OPINION', 'RECORD_OPINION', 'SCHEDULE_INFORMATION', 'NOTE_INFORMATION'];
/** The answer of a successful move: the CARPEC routes create an agenda item or an opinion (201). */
const okStatus = (action: Action) => (CARPEC_ACTIONS.includes(action) ? 201 : 200);

const factsFor = (existing: boolean): DossierFacts => ({ existing, eligible: true, eligibilityReasons: [], convention: 'ACI', hasOpinion: true });

/** Every (from, action, to) of the table; APPROVE twice, for a new and for an existing centre. */
const LEGAL = TRANSITIONS.flatMap((tr) =>
  tr.from.flatMap((from) =>
    (tr.action === 'APPROVE' ? [false, true] : [false]).map((existing) => ({
      from,
      action: tr.action,
      existing,
      to: typeof tr.to === 'function' ? tr.to(factsFor(existing)) : tr.to,
    })),
  ),
);

const illegalFrom = (status: ApplicationStatus): Action[] => TRANSITIONS.filter((tr) => !tr.from.includes(status)).map((tr) => tr.action);

// One dossier walks the main path (the table's moves other than WITHDRAW, CLOSE and REJECT, in
// the table's order, which chain from DRAFT to COMPLETED), tried with every illegal move at each
// status on the way. Every other move gets a dossier of its own, brought to its `from` status.
const OFF_PATH: Action[] = ['WITHDRAW', 'CLOSE', 'REJECT'];
type Move = (typeof LEGAL)[number];
const MAIN: Move[] = LEGAL.filter((c) => !OFF_PATH.includes(c.action) && !c.existing);
const SIDE: Move[] = LEGAL.filter((c) => !MAIN.includes(c));

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
    audit: await t.prisma.auditLog.count({ where: { entity: 'application', entityId: id } }),
  });

  let main = '';
  const side = new Map<Move, string>();
  /** A held séance for the illegal attempts to name (they must not put anything on it). */
  let spare = '';

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    who = { instructor, director };
    main = (await makeDossier(t, instructor, { convention: 'ACI' })).id;
    spare = await heldSession(t, instructor);
    const ids = await mapLimit(SIDE, 4, async ({ from, existing }) => {
      const { id } = await makeDossier(t, instructor, { convention: 'ACI', existing });
      await reach(t, id, from, who);
      return id;
    });
    SIDE.forEach((c, i) => side.set(c, ids[i]));
  }, 120_000);
  afterAll(() => t.close());

  const legalTested = new Set<Move>();
  const illegalTested = new Set<ApplicationStatus>();

  /** The move, from a dossier in `from`: the answer, the dossier after it, its one new event and what goes with it. */
  function legalMove(c: Move, dossier: () => string) {
    legalTested.add(c);
    it(`${c.from} --${c.action}--> ${c.to}${c.existing ? ' (existing centre)' : ''}`, async () => {
      const { from, action, to } = c;
      const id = dossier();
      // Noting the projet de santé needs it to be on a séance's agenda for information first.
      if (action === 'NOTE_INFORMATION' && !(await t.prisma.carpecAgendaItem.findFirst({ where: { applicationId: id, purpose: 'INFORMATION', opinion: null } }))) {
        expect((await act(t, id, 'SCHEDULE_INFORMATION', who)).status).toBe(201);
      }
      const before = (await get(id)).body;
      expect(before.status).toBe(from);
      const eventsBefore = await events(id);
      const rowsBefore = await sideRows(id);

      const res = await act(t, id, action, who);
      expect({ status: res.status, body: res.body }).toMatchObject({ status: okStatus(action) });

      const after = await get(id);
      expect(after.body).toMatchObject({ status: to, step: stepOf(to), version: before.version + 1, allowedActions: allowedActions(to, 'INSTRUCTOR') });
      expect(after.headers.etag).toBe(`"${before.version + 1}"`);
      const history = await events(id);
      expect(history).toHaveLength(eventsBefore.length + 1);
      const { actor: mover } = actorFor(action, who);
      expect(history.at(-1)).toMatchObject({ fromStatus: from, toStatus: to, actor: { id: mover.userId, kind: 'USER' } });
      const rows = await sideRows(id);
      expect(rows.audit).toBe(rowsBefore.audit + 1);

      // What each move records besides the status.
      const last = history.at(-1)!;
      switch (action) {
        case 'RECORD_SITE_MEETING':
          expect(after.body.siteMeeting).toEqual({ heldOn: daysAgo(30), participants: 'ARS, maire', findings: 'OK' });
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
          expect(after.body.decision).toMatchObject({ outcome: action === 'APPROVE' ? 'APPROVED' : 'REJECTED', decidedOn: daysAgo(20), differsFromOpinion: action === 'REJECT' });
          if (action === 'REJECT') expect(last.reason).toBe('Projet de santé insuffisant');
          break;
        case 'RECEIVE_DELIVERABLES':
          expect(after.body).toMatchObject({ deliverablesReceivedOn: daysAgo(10), receiptDueOn: addMonths(daysAgo(10), 2) });
          break;
        case 'ISSUE_RECEIPT':
          expect(rows.receipts).toBe(1);
          expect(after.body.receipt).toEqual({ issuedOn: today(), finessEj: '430000123', finessEt: '430000131', late: false });
          break;
        case 'COMPLETE':
          expect(after.body.completionSummary).toBe('Coordination en place');
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
  function illegalMoves(status: ApplicationStatus, dossier: () => string) {
    illegalTested.add(status);
    describe(`from ${status}, every move the table does not allow`, () => {
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

      it.each(illegalFrom(status))(`%s is refused with 409, the current status and the allowed actions`, async (action) => {
        const { role } = actorFor(action, who);
        const body = expectProblem(await act(t, dossier(), action, who, { session: spare }), 409);
        expect(body).toMatchObject({ currentStatus: status, allowedActions: allowedActions(status, role) });
      });

      it('and none of those refusals changed or wrote anything', async () => {
        expect(illegalFrom(status).length).toBeGreaterThan(0);
        expect((await get(dossier())).body).toMatchObject({ status, version });
        expect(await events(dossier())).toHaveLength(eventCount);
        expect(await sideRows(dossier())).toEqual(rows);
        expect(await t.prisma.carpecAgendaItem.count({ where: { sessionId: spare } })).toBe(0);
      });
    });
  }

  describe('the main path, from DRAFT to COMPLETED', () => {
    it('is a chain of the table', () => {
      expect(MAIN[0].from).toBe('DRAFT');
      MAIN.slice(1).forEach((c, i) => expect(c.from).toBe(MAIN[i].to));
      expect(MAIN.at(-1)!.to).toBe('COMPLETED');
    });
    for (const c of MAIN) {
      if (!illegalTested.has(c.from)) illegalMoves(c.from, () => main);
      legalMove(c, () => main);
    }
    illegalMoves(MAIN.at(-1)!.to, () => main);
  });

  describe('every other move, each on a dossier of its own', () => {
    for (const c of SIDE) {
      legalMove(c, () => side.get(c)!);
      if (!illegalTested.has(c.to)) illegalMoves(c.to, () => side.get(c)!);
    }
  });

  it('tried every transition of the table, and every illegal move from every status', () => {
    // 11 single moves + WITHDRAW and CLOSE from the 9 open statuses + APPROVE of an existing centre.
    expect(LEGAL).toHaveLength(TRANSITIONS.reduce((n, tr) => n + tr.from.length, 0) + 1);
    expect(legalTested.size).toBe(LEGAL.length);
    expect([...illegalTested].sort()).toEqual([...ALL_STATUSES].sort());
  });
});
