import { startTestApp, type TestApp } from '../helpers/app.js';
import { advance, daysAgo, makeDossier } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';
import { activeRuleSet, envelope } from '../helpers/funding.js';

describe('funding: rule sets, expenses, plans, envelopes, partner lines and payments', () => {
  let t: TestApp;
  let admin: Actor, instructor: Actor, director: Actor, region: Actor, ars: Actor;
  const who = () => ({ instructor, director });
  const as = (a: Actor) => ({ Authorization: a.auth });

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    admin = await actor(t, 'ADMIN');
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    region = await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] });
    ars = await actor(t, 'PARTNER', { type: 'PREFECTURE_REGION', funders: ['DSIL'] });
  });
  afterAll(() => t.close());

  async function approvedDossierWithPlan(immoCents: number, equipCents = 0) {
    const { id } = await makeDossier(t, instructor, { convention: 'ACI' });
    await advance(t, id, 'STEP2_IN_PROGRESS', who());
    await t
      .http()
      .put(`/api/v1/applications/${id}/expenses`)
      .set(as(instructor))
      .send([{ category: 'IMMOBILIER', label: 'Travaux', amountCents: immoCents }, ...(equipCents ? [{ category: 'EQUIPEMENT', label: 'Matériel', amountCents: equipCents }] : [])])
      .expect(200);
    await t.http().post(`/api/v1/applications/${id}/funding-plan/compute`).set(as(instructor)).send({}).expect(200);
    return id;
  }

  it('versions rule sets, one active per region, and validates them', async () => {
    const a = await t
      .http()
      .post('/api/v1/funding-rule-sets')
      .set(as(admin))
      .send({
        name: 'AURA',
        publicCeilingBps: 8000,
        funders: { REGION: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE'], defaultRateBps: 3000, minRateBps: 1000, maxRateBps: 5000, priority: 1 } },
      })
      .expect(201);
    const b = await t
      .http()
      .post('/api/v1/funding-rule-sets')
      .set(as(admin))
      .send({
        name: 'AURA',
        publicCeilingBps: 7000,
        funders: { REGION: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE'], defaultRateBps: 3000, minRateBps: 1000, maxRateBps: 5000, priority: 1 } },
      })
      .expect(201);
    expect([a.body.revision, b.body.revision]).toEqual([1, 2]);
    await t.http().post(`/api/v1/funding-rule-sets/${a.body.id}/activate`).set(as(admin)).expect(200);
    await t.http().post(`/api/v1/funding-rule-sets/${b.body.id}/activate`).set(as(admin)).expect(200);
    const list = (await t.http().get('/api/v1/funding-rule-sets?limit=200').set(as(instructor)).expect(200)).body.items;
    expect(list.filter((r: { active: boolean }) => r.active).map((r: { id: string }) => r.id)).toEqual([b.body.id]);

    const bad = expectProblem(
      await t
        .http()
        .post('/api/v1/funding-rule-sets')
        .set(as(admin))
        .send({
          name: 'x',
          publicCeilingBps: 8000,
          funders: { CPAM: {}, REGION: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE'], defaultRateBps: 6000, minRateBps: 1000, maxRateBps: 5000, priority: 1 } },
        }),
      400,
    );
    // The band itself is a business rule (422 default-rate-outside-band, test/funding/fidelity), once the input is well-formed.
    expect(bad.errors!.map((e) => e.field).sort()).toEqual(['funders.CPAM']);
    expectProblem(await t.http().post('/api/v1/funding-rule-sets').set(as(instructor)).send({}), 403);
  });

  it('computes, keeps and explains the plan; a rate outside its band is 422; a fraction of a cent is 400', async () => {
    await activeRuleSet(t, admin);
    const { id } = await makeDossier(t, instructor);
    expectProblem(
      await t
        .http()
        .put(`/api/v1/applications/${id}/expenses`)
        .set(as(instructor))
        .send([{ category: 'IMMOBILIER', label: 'x', amountCents: 10.5 }]),
      400,
    );
    await t
      .http()
      .put(`/api/v1/applications/${id}/expenses`)
      .set(as(instructor))
      .send([
        { category: 'IMMOBILIER', label: 'Travaux', amountCents: 33_333_333 },
        { category: 'EQUIPEMENT', label: 'Matériel', amountCents: 20_000_000 },
      ])
      .expect(200, {
        // Without a nature or VAT, an expense is OTHER with no VAT (the turn-2 defaults).
        items: [
          { category: 'IMMOBILIER', nature: 'OTHER', label: 'Travaux', amountCents: 33_333_333, vatCents: 0 },
          { category: 'EQUIPEMENT', nature: 'OTHER', label: 'Matériel', amountCents: 20_000_000, vatCents: 0 },
        ],
        totalCents: 53_333_333,
      });
    const plan = (
      await t
        .http()
        .post(`/api/v1/applications/${id}/funding-plan/compute`)
        .set(as(instructor))
        .send({ requestedRates: { REGION: 6000 } })
        .expect(200)
    ).body;
    expect(plan).toMatchObject({ status: 'COMPUTED', totalCents: 53_333_333, publicCeilingCents: 42_666_666 });
    const byFunder = Object.fromEntries(plan.lines.map((l: { funder: string }) => [l.funder, l]));
    expect(byFunder.REGION).toMatchObject({ baseCents: 33_333_333, requestedRateBps: 6000, appliedRateBps: 6000, amountCents: 19_999_999, boundBy: null });
    expect(byFunder.ARS).toMatchObject({ baseCents: 20_000_000, amountCents: 5_000_000, boundBy: 'CAP' });
    expect(plan.selfFinancingCents).toBe(53_333_333 - 19_999_999 - 5_000_000);
    // A partner reads its own funder's line only, and the plan's totals (README, access).
    const seen = (await t.http().get(`/api/v1/applications/${id}/funding-plan`).set(as(region)).expect(200)).body;
    expect(seen.lines).toEqual([byFunder.REGION]);
    expect(seen).toMatchObject({ totalCents: 53_333_333, selfFinancingCents: plan.selfFinancingCents, publicTotalCents: plan.publicTotalCents });
    const band = expectProblem(
      await t
        .http()
        .post(`/api/v1/applications/${id}/funding-plan/compute`)
        .set(as(instructor))
        .send({ requestedRates: { REGION: 9000 } }),
      422,
    );
    expect(band).toMatchObject({ rule: 'rate-outside-band', funder: 'REGION', minRateBps: 1000, maxRateBps: 6000 });
  });

  it('20 simultaneous computes of one dossier all succeed; the plan keeps one line per funder', async () => {
    await activeRuleSet(t, admin);
    const id = await approvedDossierWithPlan(10_000_000, 2_000_000);
    const compute = async () => {
      for (let attempt = 0; ; attempt++) {
        const res = await t.http().post(`/api/v1/applications/${id}/funding-plan/compute`).set(as(instructor)).send({});
        if (res.status !== 503 || attempt === 20) return res;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const results = await Promise.all(Array.from({ length: 20 }, compute));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const plan = await t.prisma.fundingPlan.findUniqueOrThrow({ where: { applicationId: id }, include: { lines: true } });
    const funders = plan.lines.map((l) => l.funder);
    expect(new Set(funders).size).toBe(funders.length);
    expect(funders.length).toBeGreaterThan(0);
    // The last compute's answer is the stored plan.
    const versions = results.map((r) => (r.body as { version: number }).version);
    expect(Math.max(...versions)).toBe(plan.version);
  }, 60_000);

  it('simulates without storing anything', async () => {
    await activeRuleSet(t, admin);
    const before = await t.prisma.fundingPlan.count();
    const sim = await t
      .http()
      .post('/api/v1/funding/simulate')
      .set(as(region))
      .send({
        project: { existing: false, doctorsPlanned: 3, balancedBudget: true },
        promoterType: 'COMMUNE',
        commune: { zone: 'ZIP', qpv: false, island: false, rural: true },
        expenses: [{ category: 'IMMOBILIER', label: 'Travaux', amountCents: 10_000_000 }],
      })
      .expect(200);
    expect(sim.body.lines.find((l: { funder: string }) => l.funder === 'REGION').amountCents).toBe(5_000_000);
    expect(await t.prisma.fundingPlan.count()).toBe(before);
  });

  it('commits: consumes the envelopes, freezes the plan (409 on recompute or new expenses), and a withdrawal releases it', async () => {
    await activeRuleSet(t, admin);
    const reg = await envelope(t, admin, 'REGION', 100_000_000);
    const arsEnv = await envelope(t, admin, 'ARS', 100_000_000);
    const id = await approvedDossierWithPlan(20_000_000, 4_000_000);
    const committed = (await t.http().post(`/api/v1/applications/${id}/funding-plan/commit`).set(as(director)).expect(200)).body;
    expect(committed.status).toBe('COMMITTED');
    const envs = (await t.http().get('/api/v1/envelopes').set(as(admin)).expect(200)).body.items;
    expect(envs.find((e: { id: string }) => e.id === reg.id)).toMatchObject({ committedCents: 10_000_000, remainingCents: 90_000_000 });
    expect(envs.find((e: { id: string }) => e.id === arsEnv.id)).toMatchObject({ committedCents: 2_000_000, remainingCents: 98_000_000 });
    expectProblem(await t.http().post(`/api/v1/applications/${id}/funding-plan/compute`).set(as(instructor)).send({}), 409);
    expectProblem(await t.http().put(`/api/v1/applications/${id}/expenses`).set(as(instructor)).send([]), 409);
    expectProblem(await t.http().post(`/api/v1/applications/${id}/funding-plan/commit`).set(as(director)), 409);

    await t.http().post(`/api/v1/applications/${id}/withdraw`).set(as(instructor)).send({ reason: 'Le promoteur renonce' }).expect(200);
    const movements = (await t.http().get(`/api/v1/envelopes/${reg.id}/movements`).set(as(admin)).expect(200)).body.items;
    expect(movements.map((m: { kind: string; amountCents: number }) => [m.kind, m.amountCents])).toEqual([
      ['COMMITMENT', 10_000_000],
      ['RELEASE', -10_000_000],
    ]);
    expect((await t.http().get(`/api/v1/envelopes/${reg.id}`).set(as(admin)).expect(200)).body.remainingCents).toBe(100_000_000);
    await t.http().post(`/api/v1/envelopes/${reg.id}/close`).set(as(admin)).expect(200);
    await t.http().post(`/api/v1/envelopes/${arsEnv.id}/close`).set(as(admin)).expect(200);
  });

  it('refuses a commit that would overspend, changing nothing; a second open envelope is 409', async () => {
    await activeRuleSet(t, admin);
    const reg = await envelope(t, admin, 'REGION', 1_000_000);
    expectProblem(await t.http().post('/api/v1/envelopes').set(as(admin)).send({ funder: 'REGION', regionCode: '84', programme: 'other', amountCents: 5 }), 409);
    const id = await approvedDossierWithPlan(10_000_000);
    const refused = expectProblem(await t.http().post(`/api/v1/applications/${id}/funding-plan/commit`).set(as(director)), 409);
    expect(refused).toMatchObject({ funder: 'REGION', remainingCents: 1_000_000, requestedCents: 5_000_000 });
    expect((await t.http().get(`/api/v1/applications/${id}/funding-plan`).set(as(director)).expect(200)).body.status).toBe('COMPUTED');
    expect(await t.prisma.envelopeMovement.count({ where: { envelopeId: reg.id } })).toBe(0);
    await t.http().post(`/api/v1/envelopes/${reg.id}/close`).set(as(admin)).expect(200);
  });

  it('50 simultaneous commits at an envelope that holds 7: exactly 7 succeed, the remainder is exact', async () => {
    await activeRuleSet(t, admin);
    const reg = await envelope(t, admin, 'REGION', 7 * 5_000_000 + 1_234);
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(await approvedDossierWithPlan(10_000_000));
    // A commit answered 503 busy (no pool connection in time, on a loaded machine) was not
    // applied: the client sends it again, as Retry-After says.
    const commit = async (id: string) => {
      for (let attempt = 0; ; attempt++) {
        const res = await t.http().post(`/api/v1/applications/${id}/funding-plan/commit`).set(as(director));
        if (res.status !== 503 || attempt === 20) return res;
        expect(res.body.type).toMatch(/busy$/);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const results = await Promise.all(ids.map(commit));
    expect(results.filter((r) => r.status === 200)).toHaveLength(7);
    expect(results.filter((r) => r.status === 409)).toHaveLength(43);
    const after = (await t.http().get(`/api/v1/envelopes/${reg.id}`).set(as(admin)).expect(200)).body;
    expect(after).toMatchObject({ committedCents: 35_000_000, remainingCents: 1_234 });
    expect(await t.prisma.fundingPlan.count({ where: { applicationId: { in: ids }, status: 'COMMITTED' } })).toBe(7);
    await t.http().post(`/api/v1/envelopes/${reg.id}/close`).set(as(admin)).expect(200);
  }, 120_000);

  it("lets a partner commit and pay its own funder's line only, in tranches", async () => {
    await activeRuleSet(t, admin);
    const reg = await envelope(t, admin, 'REGION', 100_000_000);
    const arsEnv = await envelope(t, admin, 'ARS', 100_000_000);
    const id = await approvedDossierWithPlan(20_000_000); // REGION line: 10,000,000
    await t.http().post(`/api/v1/applications/${id}/funding-plan/commit`).set(as(director)).expect(200);
    const line = (b: { lines: { funder: string }[] }) => b.lines.find((l) => l.funder === 'REGION') as unknown as { committedCents: number; paidCents: number };

    expectProblem(await t.http().put(`/api/v1/applications/${id}/funding-plan/lines/ARS`).set(as(region)).send({ committedCents: 1 }), 403);
    expectProblem(await t.http().put(`/api/v1/applications/${id}/funding-plan/lines/REGION`).set(as(ars)).send({ committedCents: 1 }), 403);
    expectProblem(await t.http().put(`/api/v1/applications/${id}/funding-plan/lines/REGION`).set(as(instructor)).send({ committedCents: 1 }), 403);
    expect(expectProblem(await t.http().put(`/api/v1/applications/${id}/funding-plan/lines/REGION`).set(as(region)).send({ committedCents: 10_000_001 }), 422)).toMatchObject({
      rule: 'commitment-above-amount',
    });
    const c = await t.http().put(`/api/v1/applications/${id}/funding-plan/lines/REGION`).set(as(region)).send({ committedCents: 8_000_000 }).expect(200);
    expect(line(c.body)).toMatchObject({ committedCents: 8_000_000, paidCents: 0 });

    const pay = (kind: string, amountCents: number) =>
      t
        .http()
        .post(`/api/v1/applications/${id}/funding-plan/lines/REGION/payments`)
        .set(as(region))
        .send({ kind, amountCents, paidOn: daysAgo(1) });
    expect(expectProblem(await pay('ADVANCE', 2_400_001), 422)).toMatchObject({ rule: 'advance-limit' });
    expect((await pay('ADVANCE', 2_400_000).expect(201)).headers.location).toBe(`/api/v1/applications/${id}/funding-plan`);
    expect(expectProblem(await pay('INSTALMENT', 4_000_001), 422)).toMatchObject({ rule: 'before-completion-limit' });
    await pay('INSTALMENT', 4_000_000).expect(201);
    expect(expectProblem(await pay('BALANCE', 1_600_000), 422)).toMatchObject({ rule: 'balance-before-completion' });

    await advance(t, id, 'COMPLETED', who());
    expect(expectProblem(await pay('BALANCE', 1_600_001), 422)).toMatchObject({ rule: 'paid-above-commitment' });
    const done = await pay('BALANCE', 1_600_000).expect(201);
    expect(line(done.body)).toMatchObject({ committedCents: 8_000_000, paidCents: 8_000_000 });
    expect(expectProblem(await t.http().put(`/api/v1/applications/${id}/funding-plan/lines/REGION`).set(as(region)).send({ committedCents: 7_000_000 }), 422)).toMatchObject({
      rule: 'commitment-below-paid',
    });
    await t.http().post(`/api/v1/envelopes/${reg.id}/close`).set(as(admin)).expect(200);
    await t.http().post(`/api/v1/envelopes/${arsEnv.id}/close`).set(as(admin)).expect(200);
  });
});
