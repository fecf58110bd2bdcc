// The rules around the workflow's moves (docs/domain.md, The dossier workflow), through the real API
// and a real PostgreSQL: eligibility, decisions and their opinion, reasons and motivations,
// convention, the récépissé's 2-month clock and its FINESS numbers.
import { addMonths } from '../../src/common/validation/dates.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { advance, daysAgo, makeDossier, today } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';

describe('dossier workflow rules', () => {
  let t: TestApp;
  let instructor: Actor;
  let director: Actor;
  let who: { instructor: Actor; director: Actor };
  const I = () => ({ Authorization: instructor.auth });
  const D = () => ({ Authorization: director.auth });
  const get = async (id: string) => (await t.http().get(`/api/v1/applications/${id}`).set(I()).expect(200)).body;
  const eventTypes = async (id: string) => ((await t.http().get(`/api/v1/applications/${id}/events`).set(I()).expect(200)).body.items as { type: string }[]).map((e) => e.type);

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    who = { instructor, director };
  });
  afterAll(() => t.close());

  describe('eligibility', () => {
    it('flags a dossier in no eligible territory, refuses its approval with 422 naming the rule, and still lets the DG reject it', async () => {
      const { id } = await makeDossier(t, instructor, { commune: { inseeCode: '43901', name: 'Annonay-sur-Loire', zone: 'NONE', qpv: false, island: false } });
      const created = await get(id);
      expect(created).toMatchObject({ status: 'DRAFT', eligible: false, zone: 'NONE' });
      expect(created.eligibilityReasons).toHaveLength(1);
      expect(created.eligibilityReasons[0]).toContain('Annonay-sur-Loire');
      expect(created.eligibilityReasons[0]).toMatch(/no eligible territory/);

      await advance(t, id, 'AWAITING_DECISION', who);
      const refused = expectProblem(
        await t
          .http()
          .post(`/api/v1/applications/${id}/decision`)
          .set(D())
          .send({ outcome: 'APPROVED', decidedOn: daysAgo(1) }),
        422,
      );
      expect(refused).toMatchObject({ rule: 'ineligible-territory', type: expect.stringMatching(/rule\/ineligible-territory$/) });
      expect(refused.detail).toContain('Annonay-sur-Loire');
      expect(await get(id)).toMatchObject({ status: 'AWAITING_DECISION', decision: null });
      expect(await t.prisma.decision.count({ where: { applicationId: id } })).toBe(0);
      expect(await eventTypes(id)).not.toContain('APPROVED');

      const rejected = await t
        .http()
        .post(`/api/v1/applications/${id}/decision`)
        .set(D())
        .send({ outcome: 'REJECTED', decidedOn: daysAgo(1), motivation: 'Hors zonage' })
        .expect(200);
      expect(rejected.body).toMatchObject({ status: 'REJECTED', step: null, eligible: false, decision: { outcome: 'REJECTED', motivation: 'Hors zonage' } });
    });

    it.each([
      [{ zone: 'ZIP', qpv: false, island: false }, true],
      [{ zone: 'ZAC', qpv: false, island: false }, true],
      [{ zone: 'NONE', qpv: true, island: false }, true],
      [{ zone: 'NONE', qpv: false, island: true }, true],
      [{ zone: 'NONE', qpv: false, island: false }, false],
    ] as const)('a commune zoned %j makes the dossier eligible: %s', async (zoning, eligible) => {
      const { id } = await makeDossier(t, instructor, { commune: zoning });
      const dossier = await get(id);
      expect(dossier.eligible).toBe(eligible);
      expect(dossier.eligibilityReasons.length).toBeGreaterThan(0);
    });

    it("decides on the commune's zoning of the day of the decision, which the ARS may have revised", async () => {
      const lost = await makeDossier(t, instructor, { commune: { inseeCode: '43902', zone: 'ZAC' } });
      const gained = await makeDossier(t, instructor, { commune: { inseeCode: '43903', zone: 'NONE' } });
      await advance(t, lost.id, 'AWAITING_DECISION', who);
      await advance(t, gained.id, 'AWAITING_DECISION', who);
      await t.prisma.commune.update({ where: { inseeCode: '43902' }, data: { zone: 'NONE' } });
      await t.prisma.commune.update({ where: { inseeCode: '43903' }, data: { zone: 'ZIP' } });
      const refused = await t
        .http()
        .post(`/api/v1/applications/${lost.id}/decision`)
        .set(D())
        .send({ outcome: 'APPROVED', decidedOn: daysAgo(1) });
      expect(expectProblem(refused, 422).rule).toBe('ineligible-territory');
      const approved = await t
        .http()
        .post(`/api/v1/applications/${gained.id}/decision`)
        .set(D())
        .send({ outcome: 'APPROVED', decidedOn: daysAgo(1) })
        .expect(200);
      expect(approved.body).toMatchObject({ status: 'STEP2_IN_PROGRESS', eligible: true });
    });
  });

  describe('decisions', () => {
    it('cannot be taken before the CARPEC opinion: every status before it answers 409 and writes no decision', async () => {
      for (const status of ['DRAFT', 'SITE_MEETING_HELD', 'SUBMITTED', 'CARPEC_REVIEW'] as const) {
        const { id } = await makeDossier(t, instructor);
        await advance(t, id, status, who);
        for (const decision of [{ outcome: 'APPROVED' }, { outcome: 'REJECTED', motivation: 'non' }]) {
          const body = expectProblem(
            await t
              .http()
              .post(`/api/v1/applications/${id}/decision`)
              .set(D())
              .send({ ...decision, decidedOn: daysAgo(1) }),
            409,
          );
          expect(body).toMatchObject({ currentStatus: status });
        }
        expect(await t.prisma.decision.count({ where: { applicationId: id } })).toBe(0);
        expect(await get(id)).toMatchObject({ status, decision: null });
      }
    });

    it('needs an opinion even from AWAITING_DECISION: a dossier put there without one (e.g. by a data fix) is refused with 422', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'SUBMITTED', who);
      await t.prisma.application.update({ where: { id }, data: { status: 'AWAITING_DECISION' } });
      for (const decision of [{ outcome: 'APPROVED' }, { outcome: 'REJECTED', motivation: 'non' }]) {
        const body = expectProblem(
          await t
            .http()
            .post(`/api/v1/applications/${id}/decision`)
            .set(D())
            .send({ ...decision, decidedOn: daysAgo(1) }),
          422,
        );
        expect(body.rule).toBe('opinion-required');
      }
      expect(await t.prisma.decision.count({ where: { applicationId: id } })).toBe(0);
    });

    it('may differ from the opinion, and says so', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'CARPEC_REVIEW', who);
      const item = await t.prisma.carpecAgendaItem.findFirstOrThrow({ where: { applicationId: id } });
      await t.http().post(`/api/v1/carpec-sessions/${item.sessionId}/opinions`).set(I()).send({ applicationId: id, outcome: 'UNFAVORABLE' }).expect(201);
      const approved = await t
        .http()
        .post(`/api/v1/applications/${id}/decision`)
        .set(D())
        .send({ outcome: 'APPROVED', decidedOn: daysAgo(1) })
        .expect(200);
      expect(approved.body.decision).toMatchObject({ outcome: 'APPROVED', differsFromOpinion: true });
    });

    it('requires a motivation to reject (400), and the dossier stays where it was', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'AWAITING_DECISION', who);
      const { version } = await get(id);
      for (const motivation of [undefined, '', '   ']) {
        const res = await t
          .http()
          .post(`/api/v1/applications/${id}/decision`)
          .set(D())
          .send({ outcome: 'REJECTED', decidedOn: daysAgo(1), motivation });
        const body = expectProblem(res, 400);
        expect(body.errors?.map((e) => e.field)).toContain('motivation');
      }
      expect(await get(id)).toMatchObject({ status: 'AWAITING_DECISION', version, decision: null });
      expect(await t.prisma.decision.count({ where: { applicationId: id } })).toBe(0);
    });

    it('is for the director only: an instructor is refused with 403', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'AWAITING_DECISION', who);
      expectProblem(
        await t
          .http()
          .post(`/api/v1/applications/${id}/decision`)
          .set(I())
          .send({ outcome: 'APPROVED', decidedOn: daysAgo(1) }),
        403,
      );
      expect((await get(id)).status).toBe('AWAITING_DECISION');
    });
  });

  describe('withdrawal and closing', () => {
    it.each(['withdraw', 'close'])('%s requires a reason (400) and changes nothing without one', async (route) => {
      const { id } = await makeDossier(t, instructor);
      const before = await get(id);
      for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 42 }]) {
        const problem = expectProblem(await t.http().post(`/api/v1/applications/${id}/${route}`).set(I()).send(body), 400);
        expect(problem.errors?.map((e) => e.field)).toContain('reason');
      }
      expect(await get(id)).toMatchObject({ status: 'DRAFT', version: before.version, closingReason: null });
      expect(await eventTypes(id)).toEqual(['CREATED']);
    });
  });

  describe('completion', () => {
    it('needs the convention (accord national or ACI): 422 naming the rule, then 200 once it is set', async () => {
      const { id, projectId } = await makeDossier(t, instructor, { existing: true });
      await advance(t, id, 'STEP3_IN_PROGRESS', who);
      const refused = expectProblem(await t.http().post(`/api/v1/applications/${id}/complete`).set(I()).send({ summary: 'ok' }), 422);
      expect(refused.rule).toBe('convention-required');
      expect((await get(id)).status).toBe('STEP3_IN_PROGRESS');
      await t.prisma.project.update({ where: { id: projectId }, data: { convention: 'ACCORD_NATIONAL' } });
      await t.http().post(`/api/v1/applications/${id}/complete`).set(I()).send({ summary: 'ok' }).expect(200);
    });
  });

  describe('récépissé', () => {
    it('shows the due date: deliverables received + 2 calendar months (clamped to the month end)', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'STEP2_IN_PROGRESS', who);
      const res = await t.http().post(`/api/v1/applications/${id}/deliverables`).set(I()).send({ receivedOn: '2025-12-31' }).expect(200);
      expect(res.body).toMatchObject({ status: 'DELIVERABLES_RECEIVED', step: 2, deliverablesReceivedOn: '2025-12-31', receiptDueOn: '2026-02-28' });
      expect((await get(id)).receiptDueOn).toBe('2026-02-28');
    });

    it('is on time when issued on its due date, and late (receipt.late, receiptLate) the day after', async () => {
      const onTime = await makeDossier(t, instructor);
      const late = await makeDossier(t, instructor);
      for (const { id } of [onTime, late]) {
        await advance(t, id, 'STEP2_IN_PROGRESS', who);
        await t.http().post(`/api/v1/applications/${id}/deliverables`).set(I()).send({ receivedOn: '2026-03-15' }).expect(200);
      }
      const a = await t
        .http()
        .post(`/api/v1/applications/${onTime.id}/receipt`)
        .set(D())
        .send({ issuedOn: '2026-05-15', finessEj: '430000123', finessEt: '430000131' })
        .expect(200);
      expect(a.body).toMatchObject({ receiptDueOn: '2026-05-15', receiptLate: false, receiptStatus: 'ISSUED_ON_TIME', receipt: { issuedOn: '2026-05-15', late: false } });
      const b = await t.http().post(`/api/v1/applications/${late.id}/receipt`).set(D()).send({ issuedOn: '2026-05-16', finessEj: '430000123', finessEt: '430000131' }).expect(200);
      expect(b.body).toMatchObject({ receiptDueOn: '2026-05-15', receiptLate: true, receiptStatus: 'ISSUED_LATE', receipt: { issuedOn: '2026-05-16', late: true } });
      expect(await get(late.id)).toMatchObject({ receiptLate: true, receipt: { late: true } });
      expect((await t.prisma.receipt.findUniqueOrThrow({ where: { applicationId: late.id } })).late).toBe(true);
    });

    it('is late when received more than 2 months before it is issued today', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'STEP2_IN_PROGRESS', who);
      const receivedOn = daysAgo(75);
      await t.http().post(`/api/v1/applications/${id}/deliverables`).set(I()).send({ receivedOn }).expect(200);
      expect(await get(id)).toMatchObject({ receiptDueOn: addMonths(receivedOn, 2), receiptLate: true, receiptStatus: 'OVERDUE', receipt: null });
      const res = await t.http().post(`/api/v1/applications/${id}/receipt`).set(D()).send({ issuedOn: today(), finessEj: '430000123', finessEt: '430000131' }).expect(200);
      expect(res.body).toMatchObject({ receiptLate: true, receiptStatus: 'ISSUED_LATE', receipt: { late: true } });
    });

    it('tells a pending récépissé from one due within 15 days', async () => {
      const pending = await makeDossier(t, instructor);
      const soon = await makeDossier(t, instructor);
      await advance(t, pending.id, 'STEP2_IN_PROGRESS', who);
      await advance(t, soon.id, 'STEP2_IN_PROGRESS', who);
      await t.http().post(`/api/v1/applications/${pending.id}/deliverables`).set(I()).send({ receivedOn: today() }).expect(200);
      await t
        .http()
        .post(`/api/v1/applications/${soon.id}/deliverables`)
        .set(I())
        .send({ receivedOn: daysAgo(55) })
        .expect(200);
      expect(await get(pending.id)).toMatchObject({ receiptDueOn: addMonths(today(), 2), receiptLate: false, receiptStatus: 'PENDING' });
      expect(await get(soon.id)).toMatchObject({ receiptDueOn: addMonths(daysAgo(55), 2), receiptLate: false, receiptStatus: 'DUE_SOON' });
    });

    it('refuses a FINESS number that is not 9 characters (400), and takes a valid one', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'DELIVERABLES_RECEIVED', who);
      const bad: [Record<string, unknown>, string][] = [
        [{ finessEj: '43000012', finessEt: '430000131' }, 'finessEj'],
        [{ finessEj: '4300001234', finessEt: '430000131' }, 'finessEj'],
        [{ finessEj: '430000123', finessEt: '43000013' }, 'finessEt'],
        [{ finessEj: '430000123', finessEt: '4300001311' }, 'finessEt'],
        [{ finessEj: 'ABCDEFGHI', finessEt: '430000131' }, 'finessEj'],
        [{ finessEj: '430000123', finessEt: ' 43000013' }, 'finessEt'],
        [{ finessEj: '430000123' }, 'finessEt'],
        [{ finessEj: 430000123, finessEt: '430000131' }, 'finessEj'],
      ];
      for (const [finess, field] of bad) {
        const body = expectProblem(
          await t
            .http()
            .post(`/api/v1/applications/${id}/receipt`)
            .set(D())
            .send({ issuedOn: today(), ...finess }),
          400,
        );
        expect(body.errors?.map((e) => e.field)).toContain(field);
      }
      expect(await t.prisma.receipt.count({ where: { applicationId: id } })).toBe(0);
      expect((await get(id)).status).toBe('DELIVERABLES_RECEIVED');
      // Corsica's département codes make a letter legal in the second place.
      const ok = await t.http().post(`/api/v1/applications/${id}/receipt`).set(D()).send({ issuedOn: today(), finessEj: '2A0000123', finessEt: '430000131' }).expect(200);
      expect(ok.body.receipt).toMatchObject({ finessEj: '2A0000123', finessEt: '430000131' });
    });

    it("cannot be issued before the deliverables were received (422, one of the procedure's dates: dates-out-of-order)", async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'STEP2_IN_PROGRESS', who);
      await t
        .http()
        .post(`/api/v1/applications/${id}/deliverables`)
        .set(I())
        .send({ receivedOn: daysAgo(5) })
        .expect(200);
      const body = expectProblem(
        await t
          .http()
          .post(`/api/v1/applications/${id}/receipt`)
          .set(D())
          .send({ issuedOn: daysAgo(6), finessEj: '430000123', finessEt: '430000131' }),
        422,
      );
      expect(body).toMatchObject({ rule: 'dates-out-of-order', event: 'RECEIPT', date: daysAgo(6), previousEvent: 'DELIVERABLES', mustNotBeBefore: daysAgo(5) });
      expect(body.detail).toContain(daysAgo(6));
      expect(body.detail).toContain(daysAgo(5));
      expect((await get(id)).status).toBe('DELIVERABLES_RECEIVED');
      expect(await t.prisma.receipt.count({ where: { applicationId: id } })).toBe(0);
    });
  });
});
