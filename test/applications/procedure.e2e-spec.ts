// The procedure as the seeds say (docs/domain.md, The dossier workflow), through the real API
// and a real PostgreSQL: dates in the procedure's order, the audit of an existing centre, the
// structures (antennes, centres de santé, existing centres), attestations, the letter of intent.
import { providePieces, upload } from '../helpers/documents.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { advance, daysAgo, heldSession, makeDossier, today, WALK } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem, makeCommune, makePromoter } from '../helpers/factories.js';

type Json = Record<string, unknown>;

describe('the procedure of the seeds', () => {
  let t: TestApp;
  let instructor: Actor;
  let director: Actor;
  let who: { instructor: Actor; director: Actor };
  const I = () => ({ Authorization: instructor.auth });
  const D = () => ({ Authorization: director.auth });
  const app = (id: string) => `/api/v1/applications/${id}`;
  const get = async (id: string) => (await t.http().get(app(id)).set(I()).expect(200)).body;
  const events = async (id: string) =>
    (
      await t
        .http()
        .get(`${app(id)}/events?limit=200`)
        .set(I())
        .expect(200)
    ).body.items as { type: string; fromStatus: string | null; toStatus: string | null; data: Json }[];
  /** Everything a refused move must leave as it was. */
  const snapshot = async (id: string) => ({
    dossier: await get(id),
    events: (await events(id)).length,
    decisions: await t.prisma.decision.count({ where: { applicationId: id } }),
    receipts: await t.prisma.receipt.count({ where: { applicationId: id } }),
    agenda: await t.prisma.carpecAgendaItem.count({ where: { applicationId: id } }),
    opinions: await t.prisma.carpecOpinion.count({ where: { applicationId: id } }),
    audit: await t.prisma.auditLog.count({ where: { entity: 'application', entityId: id } }),
  });
  const session = (sessionDate: string) => heldSession(t, instructor, sessionDate);
  /** A dossier SUBMITTED with these dates, then on a séance of `sessionDate` for an opinion, recorded. */
  async function awaitingDecision(dates: { heldOn: string; receivedOn: string; sessionDate: string }) {
    const { id } = await makeDossier(t, instructor);
    await t
      .http()
      .post(`${app(id)}/site-meeting`)
      .set(I())
      .send({ heldOn: dates.heldOn, participants: 'ARS', findings: 'OK' })
      .expect(200);
    await providePieces(t, id, instructor);
    await t
      .http()
      .post(`${app(id)}/submit`)
      .set(I())
      .send({ receivedOn: dates.receivedOn })
      .expect(200);
    const s = await session(dates.sessionDate);
    const item = await t.http().post(`/api/v1/carpec-sessions/${s}/agenda`).set(I()).send({ applicationId: id, purpose: 'OPINION' }).expect(201);
    const dossier = await t.prisma.application.findUniqueOrThrow({ where: { id }, select: { departmentCode: true, project: { select: { name: true } } } });
    expect(item.body).toMatchObject({ applicationId: id, projectName: dossier.project.name, departmentCode: dossier.departmentCode, purpose: 'OPINION', outcome: null });
    await t.http().post(`/api/v1/carpec-sessions/${s}/opinions`).set(I()).send({ applicationId: id, outcome: 'FAVORABLE' }).expect(201);
    return id;
  }
  /** A project through the API (its new fields), in a commune of its own. */
  async function project(fields: Json) {
    const commune = await makeCommune(t, { zone: 'ZIP' });
    const promoter = await makePromoter(t, commune.inseeCode);
    return t
      .http()
      .post('/api/v1/projects')
      .set(I())
      .send({
        name: 'Centre de santé',
        kind: 'CDS_POLYVALENT',
        promoterId: promoter.id,
        communeInsee: commune.inseeCode,
        existing: false,
        doctorsPlanned: 2,
        professionalsPlanned: 5,
        populationServed: 6000,
        balancedBudget: true,
        convention: 'ACI',
        ...fields,
      });
  }
  const newProject = async (fields: Json) => {
    const res = await project(fields);
    if (res.status !== 201) throw new Error(`project not created: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const dossierOf = async (projectId: string, procedure?: string) =>
    (
      await t
        .http()
        .post('/api/v1/applications')
        .set(I())
        .send({ projectId, ...(procedure && { procedure }) })
        .expect(201)
    ).body;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    who = { instructor, director };
  });
  afterAll(() => t.close());

  describe('dates follow the procedure', () => {
    it('refuses a decision dated before its CARPEC séance: 422 naming both dates and events, nothing written', async () => {
      const id = await awaitingDecision({ heldOn: daysAgo(60), receivedOn: daysAgo(50), sessionDate: daysAgo(20) });
      const before = await snapshot(id);
      for (const decision of [{ outcome: 'APPROVED' }, { outcome: 'REJECTED', motivation: 'Non' }]) {
        const body = expectProblem(
          await t
            .http()
            .post(`${app(id)}/decision`)
            .set(D())
            .send({ ...decision, decidedOn: daysAgo(21) }),
          422,
        );
        expect(body).toMatchObject({
          rule: 'dates-out-of-order',
          type: expect.stringMatching(/rule\/dates-out-of-order$/),
          event: 'DECISION',
          date: daysAgo(21),
          previousEvent: 'CARPEC_SESSION',
          mustNotBeBefore: daysAgo(20),
        });
        expect(body.detail).toContain(daysAgo(21));
        expect(body.detail).toContain(daysAgo(20));
        expect(body.detail).toMatch(/decision/);
        expect(body.detail).toMatch(/CARPEC séance/);
      }
      expect(await snapshot(id)).toEqual(before);
      expect(before.dossier).toMatchObject({ status: 'AWAITING_DECISION', decision: null });
      // The séance's own day is in order.
      const ok = await t
        .http()
        .post(`${app(id)}/decision`)
        .set(D())
        .send({ outcome: 'APPROVED', decidedOn: daysAgo(20) })
        .expect(200);
      await providePieces(t, id, instructor);
      expect(ok.body).toMatchObject({ status: 'STEP2_IN_PROGRESS', decision: { decidedOn: daysAgo(20) } });
    });

    it('refuses a request received before the site meeting', async () => {
      const { id } = await makeDossier(t, instructor);
      await t
        .http()
        .post(`${app(id)}/site-meeting`)
        .set(I())
        .send({ heldOn: daysAgo(30), participants: 'ARS', findings: 'OK' })
        .expect(200);
      await providePieces(t, id, instructor);
      const before = await snapshot(id);
      const body = expectProblem(
        await t
          .http()
          .post(`${app(id)}/submit`)
          .set(I())
          .send({ receivedOn: daysAgo(31) }),
        422,
      );
      expect(body).toMatchObject({ rule: 'dates-out-of-order', event: 'REQUEST', date: daysAgo(31), previousEvent: 'SITE_MEETING', mustNotBeBefore: daysAgo(30) });
      expect(await snapshot(id)).toEqual(before);
      expect(before.dossier).toMatchObject({ status: 'SITE_MEETING_HELD', requestReceivedOn: null });
      const ok = await t
        .http()
        .post(`${app(id)}/submit`)
        .set(I())
        .send({ receivedOn: daysAgo(30) })
        .expect(200);
      expect(ok.body).toMatchObject({ status: 'SUBMITTED', requestReceivedOn: daysAgo(30) });
    });

    it('dates the request today when the submission gives no date', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'SITE_MEETING_HELD', who);
      const res = await t
        .http()
        .post(`${app(id)}/submit`)
        .set(I())
        .send({})
        .expect(200);
      expect(res.body.requestReceivedOn).toBe(today());
      expect(await t.prisma.application.findUniqueOrThrow({ where: { id } })).toMatchObject({ requestReceivedOn: new Date(`${today()}T00:00:00.000Z`) });
    });

    it("refuses to put a dossier on the agenda of a séance held before its request, and to record that séance's opinion", async () => {
      const { id } = await makeDossier(t, instructor);
      await t
        .http()
        .post(`${app(id)}/site-meeting`)
        .set(I())
        .send({ heldOn: daysAgo(40), participants: 'ARS', findings: 'OK' })
        .expect(200);
      await providePieces(t, id, instructor);
      await t
        .http()
        .post(`${app(id)}/submit`)
        .set(I())
        .send({ receivedOn: daysAgo(30) })
        .expect(200);
      const early = await session(daysAgo(31));
      const before = await snapshot(id);
      const body = expectProblem(await t.http().post(`/api/v1/carpec-sessions/${early}/agenda`).set(I()).send({ applicationId: id, purpose: 'OPINION' }), 422);
      expect(body).toMatchObject({ rule: 'dates-out-of-order', event: 'CARPEC_SESSION', date: daysAgo(31), previousEvent: 'REQUEST', mustNotBeBefore: daysAgo(30) });
      expect(await snapshot(id)).toEqual(before);

      // Scheduled in order, then the request's date corrected (a data fix) after the séance: the opinion is refused.
      const held = await session(daysAgo(30));
      await t.http().post(`/api/v1/carpec-sessions/${held}/agenda`).set(I()).send({ applicationId: id, purpose: 'OPINION' }).expect(201);
      await t.prisma.application.update({ where: { id }, data: { requestReceivedOn: new Date(`${daysAgo(25)}T00:00:00.000Z`) } });
      const scheduled = await snapshot(id);
      const refused = expectProblem(await t.http().post(`/api/v1/carpec-sessions/${held}/opinions`).set(I()).send({ applicationId: id, outcome: 'FAVORABLE' }), 422);
      expect(refused).toMatchObject({ rule: 'dates-out-of-order', date: daysAgo(30), previousEvent: 'REQUEST', mustNotBeBefore: daysAgo(25) });
      expect(await snapshot(id)).toEqual(scheduled);
      expect(scheduled.dossier.status).toBe('CARPEC_REVIEW');
    });

    it('refuses deliverables received before the decision', async () => {
      const id = await awaitingDecision({ heldOn: daysAgo(90), receivedOn: daysAgo(80), sessionDate: daysAgo(70) });
      await t
        .http()
        .post(`${app(id)}/decision`)
        .set(D())
        .send({ outcome: 'APPROVED', decidedOn: daysAgo(60) })
        .expect(200);
      await providePieces(t, id, instructor);
      const before = await snapshot(id);
      const body = expectProblem(
        await t
          .http()
          .post(`${app(id)}/deliverables`)
          .set(I())
          .send({ receivedOn: daysAgo(61) }),
        422,
      );
      expect(body).toMatchObject({ rule: 'dates-out-of-order', event: 'DELIVERABLES', date: daysAgo(61), previousEvent: 'DECISION', mustNotBeBefore: daysAgo(60) });
      expect(await snapshot(id)).toEqual(before);
      expect(before.dossier).toMatchObject({ status: 'STEP2_IN_PROGRESS', deliverablesReceivedOn: null, receiptDueOn: null });
      await t
        .http()
        .post(`${app(id)}/deliverables`)
        .set(I())
        .send({ receivedOn: daysAgo(60) })
        .expect(200);
    });

    it('refuses a récépissé issued before the deliverables were received', async () => {
      const { id } = await makeDossier(t, instructor);
      await advance(t, id, 'STEP2_IN_PROGRESS', who);
      await t
        .http()
        .post(`${app(id)}/deliverables`)
        .set(I())
        .send({ receivedOn: daysAgo(3) })
        .expect(200);
      const before = await snapshot(id);
      const body = expectProblem(
        await t
          .http()
          .post(`${app(id)}/receipt`)
          .set(D())
          .send({ issuedOn: daysAgo(4), finessEj: '430000123', finessEt: '430000131' }),
        422,
      );
      expect(body).toMatchObject({ rule: 'dates-out-of-order', event: 'RECEIPT', date: daysAgo(4), previousEvent: 'DELIVERABLES', mustNotBeBefore: daysAgo(3) });
      expect(await snapshot(id)).toEqual(before);
    });

    it("refuses an audit's plan delivered before the decision", async () => {
      const { id } = await makeDossier(t, instructor, { existing: true, procedure: 'AUDIT' });
      await advance(t, id, 'AUDIT_IN_PROGRESS', who);
      const before = await snapshot(id);
      const day = new Date(`${WALK.decision}T00:00:00Z`);
      day.setUTCDate(day.getUTCDate() - 1);
      const early = day.toISOString().slice(0, 10);
      const body = expectProblem(
        await t
          .http()
          .post(`${app(id)}/audit-plan`)
          .set(I())
          .send({ deliveredOn: early, summary: 'Plan' }),
        422,
      );
      expect(body).toMatchObject({ rule: 'dates-out-of-order', event: 'AUDIT_PLAN', date: early, previousEvent: 'DECISION', mustNotBeBefore: WALK.decision });
      expect(await snapshot(id)).toEqual(before);
      expect(before.dossier).toMatchObject({ status: 'AUDIT_IN_PROGRESS', auditPlan: null });
    });
  });

  describe('the audit', () => {
    it('walks an existing centre from its request to the plan to return to balance, with its events', async () => {
      const p = await newProject({ existing: true, kind: 'ANTENNE', antenne: { hoursPerWeek: 12, minutesFromMainSite: 15, sharesInformationSystem: true } });
      const created = await dossierOf(p.id, 'AUDIT');
      const id = created.id as string;
      expect(created).toMatchObject({ procedure: 'AUDIT', status: 'DRAFT', step: 1, eligible: true, allowedActions: ['SUBMIT', 'WITHDRAW', 'CLOSE'] });
      // No site meeting for an audit.
      expect(
        expectProblem(
          await t
            .http()
            .post(`${app(id)}/site-meeting`)
            .set(I())
            .send({ heldOn: daysAgo(30), participants: 'ARS', findings: 'OK' }),
          409,
        ),
      ).toMatchObject({
        currentStatus: 'DRAFT',
        allowedActions: ['SUBMIT', 'WITHDRAW', 'CLOSE'],
      });
      // Its request is a pièce of the dossier (seed 002): no submission without it.
      expect(
        expectProblem(
          await t
            .http()
            .post(`${app(id)}/submit`)
            .set(I())
            .send({ receivedOn: daysAgo(40) }),
          422,
        ),
      ).toMatchObject({
        rule: 'missing-pieces',
        required: ['REQUEST'],
        missing: ['REQUEST'],
      });
      await upload(t, id, instructor, 'REQUEST').expect(201);
      expect(
        (
          await t
            .http()
            .post(`${app(id)}/submit`)
            .set(I())
            .send({ receivedOn: daysAgo(40) })
            .expect(200)
        ).body,
      ).toMatchObject({ status: 'SUBMITTED', requestReceivedOn: daysAgo(40) });
      const s = await session(daysAgo(30));
      await t.http().post(`/api/v1/carpec-sessions/${s}/agenda`).set(I()).send({ applicationId: id, purpose: 'OPINION' }).expect(201);
      await t
        .http()
        .post(`/api/v1/carpec-sessions/${s}/opinions`)
        .set(I())
        .send({ applicationId: id, outcome: 'FAVORABLE_WITH_RESERVATIONS', reservations: 'Trésorerie' })
        .expect(201);
      const approved = (
        await t
          .http()
          .post(`${app(id)}/decision`)
          .set(D())
          .send({ outcome: 'APPROVED', decidedOn: daysAgo(20) })
          .expect(200)
      ).body;
      expect(approved).toMatchObject({ status: 'AUDIT_IN_PROGRESS', step: null, decision: { outcome: 'APPROVED', decidedOn: daysAgo(20) } });
      expect((await get(id)).allowedActions).toEqual(['DELIVER_AUDIT_PLAN', 'WITHDRAW', 'CLOSE']);
      // The accompaniment's moves are not the audit's.
      expectProblem(
        await t
          .http()
          .post(`${app(id)}/deliverables`)
          .set(I())
          .send({ receivedOn: daysAgo(10) }),
        409,
      );
      expectProblem(
        await t
          .http()
          .post(`${app(id)}/complete`)
          .set(I())
          .send({ summary: 'x' }),
        409,
      );
      // The plan's summary is required.
      expectProblem(
        await t
          .http()
          .post(`${app(id)}/audit-plan`)
          .set(I())
          .send({ deliveredOn: daysAgo(5), summary: '  ' }),
        400,
      );
      // The plan to return to balance is the audit's deliverable: a pièce too.
      expect((await get(id)).checklist).toEqual({
        nextAction: 'DELIVER_AUDIT_PLAN',
        required: ['RECOVERY_PLAN'],
        present: ['DECISION_LETTER', 'REQUEST'],
        missing: ['RECOVERY_PLAN'],
      });
      expect(
        expectProblem(
          await t
            .http()
            .post(`${app(id)}/audit-plan`)
            .set(I())
            .send({ deliveredOn: daysAgo(5), summary: 'Plan' }),
          422,
        ),
      ).toMatchObject({
        rule: 'missing-pieces',
        missing: ['RECOVERY_PLAN'],
      });
      await upload(t, id, instructor, 'RECOVERY_PLAN').expect(201);
      const delivered = (
        await t
          .http()
          .post(`${app(id)}/audit-plan`)
          .set(I())
          .send({ deliveredOn: daysAgo(5), summary: 'Réduire les charges de personnel' })
          .expect(200)
      ).body;
      expect(delivered).toMatchObject({
        procedure: 'AUDIT',
        status: 'AUDIT_DELIVERED',
        step: null,
        auditPlan: { deliveredOn: daysAgo(5), summary: 'Réduire les charges de personnel' },
        allowedActions: [],
      });
      expect((await events(id)).map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([
        ['CREATED', null, 'DRAFT'],
        ['DOCUMENT_ADDED', null, null],
        ['SUBMITTED', 'DRAFT', 'SUBMITTED'],
        ['CARPEC_OPINION_SCHEDULED', 'SUBMITTED', 'CARPEC_REVIEW'],
        ['CARPEC_OPINION_RECORDED', 'CARPEC_REVIEW', 'AWAITING_DECISION'],
        ['APPROVED', 'AWAITING_DECISION', 'AUDIT_IN_PROGRESS'],
        ['DOCUMENT_ADDED', null, null],
        ['AUDIT_PLAN_DELIVERED', 'AUDIT_IN_PROGRESS', 'AUDIT_DELIVERED'],
      ]);
      expect((await events(id))[0].data).toMatchObject({ procedure: 'AUDIT' });
      // Listed by procedure.
      const audits = (await t.http().get('/api/v1/applications?procedure=AUDIT&limit=200').set(I()).expect(200)).body.items as Json[];
      expect(audits.map((a) => a.id)).toContain(id);
      expect(audits.every((a) => a.procedure === 'AUDIT')).toBe(true);
      const accompaniments = (await t.http().get('/api/v1/applications?procedure=ACCOMPANIMENT&limit=200').set(I()).expect(200)).body.items as Json[];
      expect(accompaniments.length).toBeGreaterThan(0);
      expect(accompaniments.map((a) => a.id)).not.toContain(id);
      expectProblem(await t.http().get('/api/v1/applications?procedure=OTHER').set(I()), 400);
      // Terminal: nothing more, not even a withdrawal.
      expectProblem(
        await t
          .http()
          .post(`${app(id)}/withdraw`)
          .set(I())
          .send({ reason: 'x' }),
        409,
      );
      expect(await t.prisma.auditLog.count({ where: { entity: 'application', entityId: id, action: 'application.deliver_audit_plan' } })).toBe(1);
    });

    it('is for an existing centre only: 422 for a new one, and no dossier is created', async () => {
      const p = await newProject({ existing: false });
      const body = expectProblem(await t.http().post('/api/v1/applications').set(I()).send({ projectId: p.id, procedure: 'AUDIT' }), 422);
      expect(body).toMatchObject({ rule: 'audit-existing-centre', projectId: p.id, existing: false });
      expect(await t.prisma.application.count({ where: { projectId: p.id } })).toBe(0);
      expectProblem(await t.http().post('/api/v1/applications').set(I()).send({ projectId: p.id, procedure: 'INSPECTION' }), 400);
      expect((await dossierOf(p.id)).procedure).toBe('ACCOMPANIMENT');
    });

    it('can be withdrawn while in progress', async () => {
      const { id } = await makeDossier(t, instructor, { existing: true, procedure: 'AUDIT' });
      await advance(t, id, 'AUDIT_IN_PROGRESS', who);
      const res = await t
        .http()
        .post(`${app(id)}/withdraw`)
        .set(I())
        .send({ reason: 'Le centre a retrouvé son équilibre' })
        .expect(200);
      expect(res.body).toMatchObject({ status: 'WITHDRAWN', procedure: 'AUDIT', closingReason: 'Le centre a retrouvé son équilibre' });
    });
  });

  describe('structures', () => {
    it("stores a project's nature (EXTENSION by default for an existing centre), start of operation, SISA and antenne facts", async () => {
      const created = await newProject({ existing: false });
      expect(created).toMatchObject({ nature: 'CREATION', operationStartOn: null, sisa: false, antenne: null });
      const existing = await newProject({ existing: true, sisa: true, operationStartOn: '2027-09-01' });
      expect(existing).toMatchObject({ nature: 'EXTENSION', sisa: true, operationStartOn: '2027-09-01' });
      const antenne = await newProject({
        kind: 'ANTENNE',
        existing: true,
        nature: 'SECONDARY_SITE',
        antenne: { hoursPerWeek: 18, minutesFromMainSite: 20, sharesInformationSystem: true },
      });
      expect(antenne).toMatchObject({ nature: 'SECONDARY_SITE', antenne: { hoursPerWeek: 18, minutesFromMainSite: 20, sharesInformationSystem: true } });
      const read = (await t.http().get(`/api/v1/projects/${antenne.id}`).set(I()).expect(200)).body;
      expect(read).toMatchObject({ nature: 'SECONDARY_SITE', antenne: { hoursPerWeek: 18 } });
      const patched = (
        await t
          .http()
          .patch(`/api/v1/projects/${antenne.id}`)
          .set(I())
          .send({ antenne: { hoursPerWeek: 22 }, operationStartOn: null })
          .expect(200)
      ).body;
      expect(patched).toMatchObject({ antenne: { hoursPerWeek: 22, minutesFromMainSite: 20, sharesInformationSystem: true }, operationStartOn: null });
      // A project becoming existing follows with its default nature.
      expect((await t.http().patch(`/api/v1/projects/${created.id}`).set(I()).send({ existing: true }).expect(200)).body.nature).toBe('EXTENSION');
      for (const bad of [{ nature: 'RENOVATION' }, { nature: null }, { sisa: 'yes' }, { operationStartOn: '2027-02-30' }, { antenne: { hoursPerWeek: -1 } }, { antenne: [] }]) {
        expectProblem(await project(bad), 400);
      }
    });

    it('warns on a centre de santé of 1 professional for 3,000 inhabitants, and shows the answers the instructor attests', async () => {
      const p = await newProject({ kind: 'CDS_MEDICAL', professionalsPlanned: 1, populationServed: 3000 });
      const dossier = await dossierOf(p.id);
      expect(dossier).toMatchObject({ eligible: true, attestations: [] });
      expect(dossier.warnings).toEqual([
        { rule: 'cds-two-professionals', detail: expect.stringContaining('1 planned'), answered: false, answer: null },
        { rule: 'cds-catchment-4000', detail: expect.stringContaining('3,000'), answered: false, answer: null },
      ]);
      const first = await t
        .http()
        .post(`${app(dossier.id)}/attestations`)
        .set(I())
        .send({ code: 'cds-two-professionals', note: 'Recrutement du second médecin en cours' })
        .expect(201);
      expect(first.headers.location).toBe(`/api/v1/applications/${dossier.id}/attestations/cds-two-professionals`);
      expect(first.body).toMatchObject({ code: 'cds-two-professionals', note: 'Recrutement du second médecin en cours', attestedBy: instructor.userId });
      await t
        .http()
        .post(`${app(dossier.id)}/attestations`)
        .set(D())
        .send({ code: 'cds-catchment-4000', note: 'Commune isolée' })
        .expect(201);
      const read = await get(dossier.id);
      expect(read.warnings).toEqual([
        expect.objectContaining({ rule: 'cds-two-professionals', answered: true, answer: 'Recrutement du second médecin en cours' }),
        expect.objectContaining({ rule: 'cds-catchment-4000', answered: true, answer: 'Commune isolée' }),
      ]);
      expect(read.attestations.map((a: Json) => [a.code, a.attestedBy])).toEqual([
        ['cds-catchment-4000', director.userId],
        ['cds-two-professionals', instructor.userId],
      ]);
      // Warnings follow the project: a second professional, and that warning is gone.
      await t.http().patch(`/api/v1/projects/${p.id}`).set(I()).send({ professionalsPlanned: 2 }).expect(200);
      expect((await get(dossier.id)).warnings.map((w: Json) => w.rule)).toEqual(['cds-catchment-4000']);
      // A warning is not a refusal: the dossier goes through.
      await advance(t, dossier.id, 'STEP2_IN_PROGRESS', who);
    });

    it('makes an antenne open 25 h a week ineligible, with the rule named, and refuses its approval', async () => {
      const p = await newProject({ kind: 'ANTENNE', existing: true, antenne: { hoursPerWeek: 25, minutesFromMainSite: 10, sharesInformationSystem: true } });
      const dossier = await dossierOf(p.id);
      expect(dossier).toMatchObject({ eligible: false, warnings: [] });
      expect(dossier.eligibilityReasons).toEqual([expect.stringMatching(/^antenne-conditions: .*25 h a week/)]);
      await advance(t, dossier.id, 'AWAITING_DECISION', who);
      const before = await snapshot(dossier.id);
      const body = expectProblem(
        await t
          .http()
          .post(`${app(dossier.id)}/decision`)
          .set(D())
          .send({ outcome: 'APPROVED', decidedOn: today() }),
        422,
      );
      expect(body.rule).toBe('antenne-conditions');
      expect(body.detail).toMatch(/25 h a week/);
      expect(await snapshot(dossier.id)).toEqual(before);
      // Back within 20 h, it is approved (re-checked at the decision), straight to step 3 (an existing centre).
      await t
        .http()
        .patch(`/api/v1/projects/${p.id}`)
        .set(I())
        .send({ antenne: { hoursPerWeek: 20 } })
        .expect(200);
      const approved = (
        await t
          .http()
          .post(`${app(dossier.id)}/decision`)
          .set(D())
          .send({ outcome: 'APPROVED', decidedOn: today() })
          .expect(200)
      ).body;
      expect(approved).toMatchObject({ status: 'STEP3_IN_PROGRESS', eligible: true });
    });

    it('makes an antenne 30 min away or on another information system ineligible, and warns when its facts are not recorded', async () => {
      const far = await dossierOf((await newProject({ kind: 'ANTENNE', antenne: { hoursPerWeek: 10, minutesFromMainSite: 30, sharesInformationSystem: true } })).id);
      expect(far.eligible).toBe(false);
      expect(far.eligibilityReasons[0]).toMatch(/antenne-conditions: .*30 min/);
      const apart = await dossierOf((await newProject({ kind: 'ANTENNE', antenne: { hoursPerWeek: 10, minutesFromMainSite: 5, sharesInformationSystem: false } })).id);
      expect(apart.eligible).toBe(false);
      expect(apart.eligibilityReasons[0]).toMatch(/antenne-conditions: .*information system/);
      const unknown = await dossierOf((await newProject({ kind: 'ANTENNE' })).id);
      expect(unknown).toMatchObject({ eligible: true, warnings: [expect.objectContaining({ rule: 'antenne-facts-missing', answered: false })] });
    });

    it('accompanies an existing centre on step 3 only, unless it becomes polyvalent: then step 2 like a new one', async () => {
      const polyvalent = await makeDossier(t, instructor, { existing: true, nature: 'BECOMING_POLYVALENT' });
      const extension = await makeDossier(t, instructor, { existing: true, nature: 'EXTENSION' });
      for (const { id } of [polyvalent, extension]) await advance(t, id, 'AWAITING_DECISION', who);
      const approve = (id: string) =>
        t
          .http()
          .post(`${app(id)}/decision`)
          .set(D())
          .send({ outcome: 'APPROVED', decidedOn: today() })
          .expect(200);
      expect((await approve(polyvalent.id)).body).toMatchObject({ status: 'STEP2_IN_PROGRESS', step: 2 });
      expect((await approve(extension.id)).body).toMatchObject({ status: 'STEP3_IN_PROGRESS', step: 3 });
    });
  });

  describe('attestations', () => {
    let id: string;
    beforeAll(async () => {
      id = (await makeDossier(t, instructor)).id;
    });

    it('records, replaces (200) and withdraws (204) an attestation, each a new version, an event and an audit row', async () => {
      const v0 = (await get(id)).version;
      const audit0 = await t.prisma.auditLog.count({ where: { entity: 'application', entityId: id } });
      await t
        .http()
        .post(`${app(id)}/attestations`)
        .set(I())
        .send({ code: 'diagnostic-territorial' })
        .expect(201);
      const replaced = await t
        .http()
        .post(`${app(id)}/attestations`)
        .set(I())
        .send({ code: 'diagnostic-territorial', note: 'Diagnostic de 2026' })
        .expect(200);
      expect(replaced.headers.location).toBeUndefined();
      expect(replaced.body).toMatchObject({ code: 'diagnostic-territorial', note: 'Diagnostic de 2026' });
      const read = await get(id);
      expect(read.version).toBe(v0 + 2);
      expect(read.attestations).toEqual([{ code: 'diagnostic-territorial', note: 'Diagnostic de 2026', attestedBy: instructor.userId, attestedAt: expect.any(String) }]);
      expect(await t.prisma.applicationAttestation.count({ where: { applicationId: id } })).toBe(1);

      const deleted = await t
        .http()
        .delete(`${app(id)}/attestations/diagnostic-territorial`)
        .set(D());
      expect(deleted.status).toBe(204);
      expect(await get(id)).toMatchObject({ attestations: [], version: v0 + 3 });
      expectProblem(
        await t
          .http()
          .delete(`${app(id)}/attestations/diagnostic-territorial`)
          .set(D()),
        404,
      );
      expect((await events(id)).map((e) => e.type).slice(-3)).toEqual(['ATTESTED', 'ATTESTED', 'ATTESTATION_REMOVED']);
      const rows = await t.prisma.auditLog.findMany({ where: { entity: 'application', entityId: id }, orderBy: { at: 'asc' } });
      expect(rows.slice(audit0).map((r) => r.action)).toEqual(['application.attestation.create', 'application.attestation.replace', 'application.attestation.delete']);
    });

    it('refuses a malformed code (400), a partner (403), and a dossier outside the scope or unknown (404)', async () => {
      for (const code of ['', 'Majuscule', 'avec espace', '-tiret', 'a'.repeat(101), 42]) {
        const body = expectProblem(
          await t
            .http()
            .post(`${app(id)}/attestations`)
            .set(I())
            .send({ code }),
          400,
        );
        expect(body.errors?.map((e) => e.field)).toContain('code');
      }
      expectProblem(
        await t
          .http()
          .post(`${app(id)}/attestations`)
          .set(I())
          .send({ code: 'ok', note: 3 }),
        400,
      );
      expectProblem(
        await t
          .http()
          .delete(`${app(id)}/attestations/Majuscule`)
          .set(I()),
        400,
      );
      expectProblem(
        await t
          .http()
          .delete(`${app(id)}/attestations/${'a'.repeat(101)}`)
          .set(I()),
        400,
      );

      const partner = await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] });
      expectProblem(
        await t
          .http()
          .post(`${app(id)}/attestations`)
          .set('Authorization', partner.auth)
          .send({ code: 'ok' }),
        403,
      );
      expectProblem(
        await t
          .http()
          .delete(`${app(id)}/attestations/ok`)
          .set('Authorization', partner.auth),
        403,
      );

      const elsewhere = await actor(t, 'INSTRUCTOR', { regionCode: '53' });
      expectProblem(
        await t
          .http()
          .post(`${app(id)}/attestations`)
          .set('Authorization', elsewhere.auth)
          .send({ code: 'ok' }),
        404,
      );
      expectProblem(
        await t
          .http()
          .delete(`${app(id)}/attestations/ok`)
          .set('Authorization', elsewhere.auth),
        404,
      );
      expectProblem(
        await t
          .http()
          .post(`${app('00000000-0000-4000-8000-000000000000')}/attestations`)
          .set(I())
          .send({ code: 'ok' }),
        404,
      );
      expect(await t.prisma.applicationAttestation.count({ where: { applicationId: id } })).toBe(0);
    });
  });

  describe('the letter of intent and the DETR confirmation', () => {
    it('records whether the ARS asked for a letter of intent (PATCH), with an event', async () => {
      const { id } = await makeDossier(t, instructor);
      expect((await get(id)).letterOfIntentRequested).toBe(false);
      const res = await t.http().patch(app(id)).set(I()).send({ letterOfIntentRequested: true }).expect(200);
      expect(res.body).toMatchObject({ letterOfIntentRequested: true, assigneeId: instructor.userId });
      expect((await events(id)).at(-1)).toMatchObject({ type: 'LETTER_OF_INTENT_REQUESTED', data: { letterOfIntentRequested: true } });
      expectProblem(await t.http().patch(app(id)).set(I()).send({}), 400);
      expectProblem(await t.http().patch(app(id)).set(I()).send({ letterOfIntentRequested: 'oui' }), 400);
      // null is not "no": the column cannot be null (the fuzz's field sweep found it answered 500).
      const refused = expectProblem(await t.http().patch(app(id)).set(I()).send({ assigneeId: instructor.userId, letterOfIntentRequested: null }), 400);
      expect(refused.errors).toEqual([expect.objectContaining({ field: 'letterOfIntentRequested' })]);
      expect((await get(id)).letterOfIntentRequested).toBe(true);
    });

    it("shows the préfecture's DETR confirmation once recorded", async () => {
      const { id } = await makeDossier(t, instructor);
      expect((await get(id)).detrConfirmation).toBeNull();
      const at = new Date('2026-11-02T10:00:00.000Z');
      await t.prisma.application.update({ where: { id }, data: { detrDecision: 'REFUSED', detrReason: 'Potentiel financier trop élevé', detrDecidedAt: at } });
      expect((await get(id)).detrConfirmation).toEqual({ decision: 'REFUSED', reason: 'Potentiel financier trop élevé', decidedAt: at.toISOString() });
    });
  });
});
