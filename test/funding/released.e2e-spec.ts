// docs/domain.md "Released plans" (a dossier that leaves the procedure releases its money) and
// "DETR and the préfecture's confirmation" with "Envelopes" (DETR belongs to a département), with the users' cases: an advance recorded on a withdrawn dossier, a
// commitment lowered after a 30 % advance, a DETR line consuming another département's envelope.
import { startTestApp, type TestApp } from '../helpers/app.js';
import { act, advance, daysAgo, makeDossier, today } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';
import { activeRuleSet, envelope } from '../helpers/funding.js';

interface Line {
  funder: string;
  amountCents: number;
  committedCents: number | null;
  paidCents: number;
  toRecoverCents: number;
}
interface Plan {
  status: string;
  releasedAt: string | null;
  lines: Line[];
}

const REGION_ONLY = {
  REGION: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE', 'EPCI'], defaultRateBps: 5000, minRateBps: 1000, maxRateBps: 6000, priority: 1 },
};
const WITH_DEPARTMENTAL = {
  ...REGION_ONLY,
  DETR: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE', 'EPCI'], defaultRateBps: 2000, minRateBps: 0, maxRateBps: 4000, priority: 2 },
  DEPARTEMENT: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE', 'EPCI'], defaultRateBps: 1000, minRateBps: 0, maxRateBps: 2500, priority: 3 },
};

describe('funding: a dossier that leaves the procedure releases its money; envelopes per département', () => {
  let t: TestApp;
  let admin: Actor, instructor: Actor, director: Actor, region: Actor;
  const who = () => ({ instructor, director });
  const as = (a: Actor) => ({ Authorization: a.auth });
  let insee = 0;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    admin = await actor(t, 'ADMIN');
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    region = await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] });
  });
  afterAll(() => t.close());

  /** An approved dossier of that département (step 2) with 20,000,000 of works and its plan computed. */
  async function approvedWithPlan(departmentCode: string, immoCents = 20_000_000) {
    insee++;
    const { id } = await makeDossier(t, instructor, { convention: 'ACI', commune: { inseeCode: `${departmentCode}${String(800 + insee).padStart(3, '0')}`, departmentCode } });
    await advance(t, id, 'STEP2_IN_PROGRESS', who());
    await t
      .http()
      .put(`/api/v1/applications/${id}/expenses`)
      .set(as(instructor))
      .send([{ category: 'IMMOBILIER', label: 'Travaux', amountCents: immoCents }])
      .expect(200);
    await t.http().post(`/api/v1/applications/${id}/funding-plan/compute`).set(as(instructor)).send({}).expect(200);
    return id;
  }
  const plan = async (id: string) => (await t.http().get(`/api/v1/applications/${id}/funding-plan`).set(as(instructor)).expect(200)).body as Plan;
  const lineOf = (p: Plan, funder: string) => p.lines.find((l) => l.funder === funder)!;
  const commit = (id: string) => t.http().post(`/api/v1/applications/${id}/funding-plan/commit`).set(as(director));
  const setCommitment = (id: string, committedCents: number) => t.http().put(`/api/v1/applications/${id}/funding-plan/lines/REGION`).set(as(region)).send({ committedCents });
  const pay = (id: string, kind: string, amountCents: number) =>
    t
      .http()
      .post(`/api/v1/applications/${id}/funding-plan/lines/REGION/payments`)
      .set(as(region))
      .send({ kind, amountCents, paidOn: daysAgo(1) });
  const remaining = async (envelopeId: string) => (await t.http().get(`/api/v1/envelopes/${envelopeId}`).set(as(admin)).expect(200)).body.remainingCents as number;
  const closeEnvelopes = async (...ids: string[]) => {
    for (const id of ids) await t.http().post(`/api/v1/envelopes/${id}/close`).set(as(admin)).expect(200);
  };

  async function fundingReport() {
    const res = await t.http().post('/api/v1/reports/runs').set(as(admin)).send({ type: 'FUNDING', date: today() }).expect(202);
    const runId = res.body.items[0].id as string;
    for (let i = 0; i < 150; i++) {
      const run = (await t.http().get(`/api/v1/reports/runs/${runId}`).set(as(admin)).expect(200)).body;
      if (run.status === 'SUCCEEDED' && run.finishedAt) return run as { rows: Record<string, unknown>[]; summary: { envelopes: Record<string, unknown>[] } };
      if (run.status === 'FAILED') throw new Error(run.error);
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the FUNDING report did not finish');
  }

  it('(a) an advance on a withdrawn dossier is refused (409 plan-released) and the report counts what was paid as to recover, not as committed', async () => {
    await activeRuleSet(t, admin, REGION_ONLY);
    const reg = await envelope(t, admin, 'REGION', 100_000_000);
    const id = await approvedWithPlan('63'); // REGION line: 10,000,000; the only dossier of the 63
    await commit(id).expect(200);
    await setCommitment(id, 8_000_000).expect(200);
    await pay(id, 'ADVANCE', 2_400_000).expect(201);

    await t.http().post(`/api/v1/applications/${id}/withdraw`).set(as(instructor)).send({ reason: 'Le promoteur renonce' }).expect(200);
    const refused = expectProblem(await pay(id, 'ADVANCE', 100_000), 409);
    expect(refused).toMatchObject({ rule: 'plan-released', funder: 'REGION', dossierStatus: 'WITHDRAWN' });
    expect(lineOf(await plan(id), 'REGION')).toMatchObject({ paidCents: 2_400_000, toRecoverCents: 2_400_000 });
    expect(await t.prisma.payment.count({ where: { line: { plan: { applicationId: id } } } })).toBe(1);

    const report = await fundingReport();
    expect(report.rows.filter((r) => r.departmentCode === '63')).toEqual([
      { departmentCode: '63', funder: 'REGION', dossiers: 0, computedCents: 0, committedCents: 0, paidCents: 2_400_000, toRecoverCents: 2_400_000 },
    ]);
    await closeEnvelopes(reg.id);
  });

  it('(a) a dossier that left the procedure takes no payment whatever its plan status (rule dossier-left-procedure)', async () => {
    await activeRuleSet(t, admin, REGION_ONLY);
    const reg = await envelope(t, admin, 'REGION', 100_000_000);
    const id = await approvedWithPlan('43');
    await commit(id).expect(200);
    await setCommitment(id, 8_000_000).expect(200);
    await t.http().post(`/api/v1/applications/${id}/withdraw`).set(as(instructor)).send({ reason: 'Le promoteur renonce' }).expect(200);
    // A plan left COMMITTED on a withdrawn dossier (as before this release existed): still refused.
    await t.prisma.fundingPlan.update({ where: { applicationId: id }, data: { status: 'COMMITTED', releasedAt: null } });
    expect(expectProblem(await pay(id, 'ADVANCE', 100_000), 409)).toMatchObject({ rule: 'dossier-left-procedure', dossierStatus: 'WITHDRAWN' });
    expect(expectProblem(await setCommitment(id, 9_000_000), 409)).toMatchObject({ rule: 'dossier-left-procedure' });
    expect(await t.prisma.payment.count({ where: { line: { plan: { applicationId: id } } } })).toBe(0);

    // Withdrawn with a plan only computed: the plan stays as it is, and takes nothing either.
    const computedOnly = await approvedWithPlan('43');
    await t.http().post(`/api/v1/applications/${computedOnly}/withdraw`).set(as(instructor)).send({ reason: 'Le promoteur renonce' }).expect(200);
    expect(await plan(computedOnly)).toMatchObject({ status: 'COMPUTED', releasedAt: null });
    expect(expectProblem(await pay(computedOnly, 'ADVANCE', 1), 409)).toMatchObject({ rule: 'dossier-left-procedure' });
    await closeEnvelopes(reg.id);
  });

  it('(b) withdrawal of a committed plan with a 30 % advance paid: RELEASED, envelopes given back, the advance to recover, no more commitment', async () => {
    await activeRuleSet(t, admin, REGION_ONLY);
    const reg = await envelope(t, admin, 'REGION', 100_000_000);
    const id = await approvedWithPlan('43');
    const committed = (await commit(id).expect(200)).body as Plan;
    expect(committed).toMatchObject({ status: 'COMMITTED', releasedAt: null });
    expect(lineOf(committed, 'REGION')).toMatchObject({ amountCents: 10_000_000, toRecoverCents: 0 });
    expect(await remaining(reg.id)).toBe(90_000_000);
    await setCommitment(id, 10_000_000).expect(200);
    const paid = (await pay(id, 'ADVANCE', 3_000_000).expect(201)).body as Plan;
    expect(lineOf(paid, 'REGION')).toMatchObject({ paidCents: 3_000_000, toRecoverCents: 0 });

    const before = Date.now();
    await t.http().post(`/api/v1/applications/${id}/withdraw`).set(as(instructor)).send({ reason: 'Le promoteur renonce' }).expect(200);
    const released = await plan(id);
    expect(released.status).toBe('RELEASED');
    expect(Date.parse(released.releasedAt!)).toBeGreaterThanOrEqual(before - 5_000);
    expect(lineOf(released, 'REGION')).toMatchObject({ committedCents: 10_000_000, paidCents: 3_000_000, toRecoverCents: 3_000_000 });
    expect(await remaining(reg.id)).toBe(100_000_000);
    const movements = (await t.http().get(`/api/v1/envelopes/${reg.id}/movements`).set(as(admin)).expect(200)).body.items;
    expect(movements.map((m: { kind: string; amountCents: number }) => [m.kind, m.amountCents])).toEqual([
      ['COMMITMENT', 10_000_000],
      ['RELEASE', -10_000_000],
    ]);

    expect(expectProblem(await setCommitment(id, 10_000_000), 409)).toMatchObject({ rule: 'plan-released' });
    expect(expectProblem(await setCommitment(id, 5_000_000), 409)).toMatchObject({ rule: 'plan-released' });
    expect(expectProblem(await pay(id, 'INSTALMENT', 1_000_000), 409)).toMatchObject({ rule: 'plan-released' });
    const audit = await t.prisma.auditLog.findFirst({
      where: { action: 'funding_plan.release', entityId: (await t.prisma.fundingPlan.findUniqueOrThrow({ where: { applicationId: id } })).id },
    });
    expect(audit).not.toBeNull();
    // Each of these writes announced itself in its own transaction (the outbox; refusals, none).
    const events = await t.prisma.outboxEvent.findMany({ where: { applicationId: id, type: { startsWith: 'fund' } }, orderBy: { seq: 'asc' } });
    const money = await t.prisma.outboxEvent.findMany({ where: { applicationId: id, type: 'payment.recorded' } });
    expect(events.map((e) => [e.type, e.funder])).toEqual([
      ['funding_plan.committed', null],
      ['funding_line.committed', 'REGION'],
      ['funding_plan.released', null],
    ]);
    expect(money.map((e) => [e.funder, (e.data as { paidCents: number }).paidCents])).toEqual([['REGION', 3_000_000]]);
    await closeEnvelopes(reg.id);
  });

  it('(b) closure (sans suite) releases a committed plan the same way', async () => {
    await activeRuleSet(t, admin, REGION_ONLY);
    const reg = await envelope(t, admin, 'REGION', 100_000_000);
    const id = await approvedWithPlan('43');
    await commit(id).expect(200);
    await act(t, id, 'CLOSE', who()).then((r) => expect(r.status).toBe(200));
    expect(await plan(id)).toMatchObject({ status: 'RELEASED', releasedAt: expect.any(String) });
    expect(lineOf(await plan(id), 'REGION')).toMatchObject({ paidCents: 0, toRecoverCents: 0 });
    expect(await remaining(reg.id)).toBe(100_000_000);
    await closeEnvelopes(reg.id);
  });

  it('a commit and a withdrawal at the same moment: never a committed plan on a withdrawn dossier, the envelope whole again', async () => {
    await activeRuleSet(t, admin, REGION_ONLY);
    const reg = await envelope(t, admin, 'REGION', 1_000_000_000);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await approvedWithPlan('43'));
    const results = await Promise.all(
      ids.flatMap((id) => [commit(id), t.http().post(`/api/v1/applications/${id}/withdraw`).set(as(instructor)).send({ reason: 'Le promoteur renonce' })]),
    );
    expect(results.map((r) => r.status).filter((s) => s !== 200 && s !== 409)).toEqual([]);
    const plans = await t.prisma.fundingPlan.findMany({ where: { applicationId: { in: ids } }, include: { application: { select: { status: true } } } });
    expect(plans.map((p) => p.application.status)).toEqual(ids.map(() => 'WITHDRAWN'));
    expect(plans.filter((p) => p.status === 'COMMITTED')).toEqual([]);
    expect(await remaining(reg.id)).toBe(1_000_000_000);
    await closeEnvelopes(reg.id);
  }, 120_000);

  it('(c) a commitment lowered below what keeps a 30 % advance within the tranche rules is 422 naming the minimum; exactly the minimum is accepted', async () => {
    await activeRuleSet(t, admin, REGION_ONLY);
    const reg = await envelope(t, admin, 'REGION', 100_000_000);
    const id = await approvedWithPlan('43');
    await commit(id).expect(200);
    await setCommitment(id, 8_000_000).expect(200);
    await pay(id, 'ADVANCE', 2_400_000).expect(201);

    // The users' case: lowered to what was paid, the dossier showed 100 % paid at step 2.
    const toPaid = expectProblem(await setCommitment(id, 2_400_000), 422);
    expect(toPaid).toMatchObject({ rule: 'commitment-below-tranches', funder: 'REGION', minimumCents: 8_000_000, boundBy: 'ADVANCE_LIMIT', advancesCents: 2_400_000 });
    expect(expectProblem(await setCommitment(id, 7_999_999), 422)).toMatchObject({ rule: 'commitment-below-tranches', minimumCents: 8_000_000 });
    expect(lineOf(await plan(id), 'REGION').committedCents).toBe(8_000_000);
    await setCommitment(id, 10_000_000).expect(200);
    const atMinimum = (await setCommitment(id, 8_000_000).expect(200)).body as Plan;
    expect(lineOf(atMinimum, 'REGION')).toMatchObject({ committedCents: 8_000_000, paidCents: 2_400_000 });

    // Advances and instalments at 80 % before completion: 10 cents more of instalment, the minimum moves up.
    await setCommitment(id, 10_000_000).expect(200);
    await pay(id, 'INSTALMENT', 4_000_010).expect(201); // 6,400,010 paid: the minimum is ceil(6,400,010 / 0.8)
    expect(expectProblem(await setCommitment(id, 8_000_012), 422)).toMatchObject({
      rule: 'commitment-below-tranches',
      minimumCents: 8_000_013,
      boundBy: 'BEFORE_COMPLETION_LIMIT',
    });
    await setCommitment(id, 8_000_013).expect(200);
    await closeEnvelopes(reg.id);
  });

  it('(d) envelopes per département: DETR and DEPARTEMENT need a département of the region, the others none; one open per (funder, region, département)', async () => {
    const detrNone = expectProblem(
      await t.http().post('/api/v1/envelopes').set(as(admin)).send({ funder: 'DETR', regionCode: '84', programme: 'DETR 2027', amountCents: 1_000 }),
      400,
    );
    expect(detrNone.errors).toEqual([expect.objectContaining({ field: 'departmentCode' })]);
    expect(
      expectProblem(await t.http().post('/api/v1/envelopes').set(as(admin)).send({ funder: 'DEPARTEMENT', regionCode: '84', programme: 'CD', amountCents: 1_000 }), 400).errors,
    ).toEqual([expect.objectContaining({ field: 'departmentCode' })]);
    const outside = expectProblem(
      await t.http().post('/api/v1/envelopes').set(as(admin)).send({ funder: 'DETR', regionCode: '84', departmentCode: '2A', programme: 'DETR 2027', amountCents: 1_000 }),
      400,
    );
    expect(outside.errors![0]).toMatchObject({ field: 'departmentCode', message: expect.stringContaining('not in region 84') });
    const regional = expectProblem(
      await t.http().post('/api/v1/envelopes').set(as(admin)).send({ funder: 'REGION', regionCode: '84', departmentCode: '43', programme: 'CPER', amountCents: 1_000 }),
      400,
    );
    expect(regional.errors![0]).toMatchObject({ field: 'departmentCode' });
    expect(await t.prisma.envelope.count({ where: { funder: { in: ['DETR', 'DEPARTEMENT'] } } })).toBe(0);

    const detr43 = await envelope(t, admin, 'DETR', 50_000_000, '43');
    const detr74 = await envelope(t, admin, 'DETR', 50_000_000, '74');
    expectProblem(
      await t.http().post('/api/v1/envelopes').set(as(admin)).send({ funder: 'DETR', regionCode: '84', departmentCode: '43', programme: 'DETR bis', amountCents: 5 }),
      409,
    );
    const read = (await t.http().get(`/api/v1/envelopes/${detr43.id}`).set(as(admin)).expect(200)).body;
    expect(read).toMatchObject({ funder: 'DETR', departmentCode: '43', amountCents: 50_000_000 });
    const reg = await envelope(t, admin, 'REGION', 100_000_000);
    expect((await t.http().get(`/api/v1/envelopes/${reg.id}`).set(as(admin)).expect(200)).body.departmentCode).toBeNull();
    await closeEnvelopes(detr43.id, detr74.id, reg.id);
  });

  it('(d) a DETR or DEPARTEMENT line consumes its département’s envelope (43, not 74); a missing one is 409 naming the funder and the département, nothing consumed', async () => {
    await activeRuleSet(t, admin, WITH_DEPARTMENTAL);
    const reg = await envelope(t, admin, 'REGION', 100_000_000);
    const detr43 = await envelope(t, admin, 'DETR', 50_000_000, '43');
    const detr74 = await envelope(t, admin, 'DETR', 50_000_000, '74');
    const cd43 = await envelope(t, admin, 'DEPARTEMENT', 50_000_000, '43');

    const in43 = await approvedWithPlan('43'); // REGION 10,000,000, DETR 4,000,000, DEPARTEMENT 2,000,000
    const computed = await plan(in43);
    expect([lineOf(computed, 'REGION').amountCents, lineOf(computed, 'DETR').amountCents, lineOf(computed, 'DEPARTEMENT').amountCents]).toEqual([10_000_000, 4_000_000, 2_000_000]);
    await commit(in43).expect(200);
    expect([await remaining(reg.id), await remaining(detr43.id), await remaining(detr74.id), await remaining(cd43.id)]).toEqual([90_000_000, 46_000_000, 50_000_000, 48_000_000]);

    // The 74 has a DETR envelope but no DEPARTEMENT one: refused, naming it, and nothing consumed.
    const in74 = await approvedWithPlan('74');
    const missing = expectProblem(await commit(in74), 409);
    expect(missing).toMatchObject({ funder: 'DEPARTEMENT', departmentCode: '74', regionCode: '84' });
    expect(missing.detail).toContain('DEPARTEMENT');
    expect(missing.detail).toContain('74');
    expect(await plan(in74)).toMatchObject({ status: 'COMPUTED' });
    expect([await remaining(reg.id), await remaining(detr74.id)]).toEqual([90_000_000, 50_000_000]);

    const cd74 = await envelope(t, admin, 'DEPARTEMENT', 10_000_000, '74');
    await commit(in74).expect(200);
    expect([await remaining(detr43.id), await remaining(detr74.id), await remaining(cd74.id)]).toEqual([46_000_000, 46_000_000, 8_000_000]);

    // Withdrawal gives each département's envelope back.
    await t.http().post(`/api/v1/applications/${in43}/withdraw`).set(as(instructor)).send({ reason: 'Le promoteur renonce' }).expect(200);
    expect([await remaining(detr43.id), await remaining(cd43.id), await remaining(detr74.id)]).toEqual([50_000_000, 50_000_000, 46_000_000]);

    const report = await fundingReport();
    const summary = report.summary.envelopes.filter((e) => e.status === 'OPEN');
    expect(summary).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ funder: 'DETR', departmentCode: '43', remainingCents: 50_000_000 }),
        expect.objectContaining({ funder: 'DETR', departmentCode: '74', remainingCents: 46_000_000 }),
        expect.objectContaining({ funder: 'REGION', departmentCode: null }),
      ]),
    );
    await closeEnvelopes(reg.id, detr43.id, detr74.id, cd43.id, cd74.id);
  });
});
