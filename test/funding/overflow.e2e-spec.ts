// Overflowing sums are the client's error (issue 17): cents that add up beyond what the API
// carries exactly (Number.MAX_SAFE_INTEGER, far below PostgreSQL's BIGINT) are refused with a
// 400 problem naming the field, never a RangeError answered 500; nothing is written. Every
// other route taking cents keeps its sums within an amount it already bounds: tested here at
// the edge too (envelope adjustments, commitments, payments).
import { startTestApp, type TestApp } from '../helpers/app.js';
import { advance, makeDossier, today } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';
import { activeRuleSet, envelope } from '../helpers/funding.js';

const MAX = Number.MAX_SAFE_INTEGER; // 9,007,199,254,740,991
const expense = (amountCents: number, vatCents?: number) => ({ category: 'IMMOBILIER', label: 'Travaux', amountCents, ...(vatCents !== undefined && { vatCents }) });

describe('overflowing sums of cents → 400 naming the field, never 500', () => {
  let t: TestApp;
  let admin: Actor, instructor: Actor, director: Actor, region: Actor;
  const who = () => ({ instructor, director });
  const as = (a: Actor) => ({ Authorization: a.auth });
  const simulation = (expenses: object[]) => ({
    project: { existing: false, doctorsPlanned: 3, balancedBudget: true },
    promoterType: 'COMMUNE',
    commune: { zone: 'ZIP', qpv: false, island: false, rural: true },
    expenses,
  });

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    admin = await actor(t, 'ADMIN');
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    region = await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] });
    // REGION counts TTC here, so VAT adds to its base.
    await activeRuleSet(t, admin, {
      REGION: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE', 'EPCI'], defaultRateBps: 5000, minRateBps: 1000, maxRateBps: 6000, priority: 1, basis: 'TTC' },
    });
  }, 60_000);
  afterAll(() => t.close());

  it('PUT expenses: 500 expenses of 9,007,199,254,740,991 cents → 400 naming the item where the total overflows; nothing written', async () => {
    const { id } = await makeDossier(t, instructor);
    await t
      .http()
      .put(`/api/v1/applications/${id}/expenses`)
      .set(as(instructor))
      .send([expense(1_000)])
      .expect(200);
    const res = await t
      .http()
      .put(`/api/v1/applications/${id}/expenses`)
      .set(as(instructor))
      .send(Array.from({ length: 500 }, () => expense(MAX)));
    const problem = expectProblem(res, 400);
    expect(problem.errors).toEqual([{ field: '[1].amountCents', message: expect.stringContaining(`${2n * BigInt(MAX)} cents, beyond ${MAX}`) }]);
    // Nothing was replaced.
    const view = (await t.http().get(`/api/v1/applications/${id}/expenses`).set(as(instructor)).expect(200)).body;
    expect(view).toMatchObject({ totalCents: 1_000, items: [expect.objectContaining({ amountCents: 1_000 })] });
  });

  it('PUT expenses: the VAT counts (a TTC base is amount + VAT): overflow by one cent of VAT → 400 on vatCents', async () => {
    const { id } = await makeDossier(t, instructor);
    const problem = expectProblem(
      await t
        .http()
        .put(`/api/v1/applications/${id}/expenses`)
        .set(as(instructor))
        .send([expense(MAX - 10, 5), expense(5, 1)]),
      400,
    );
    expect(problem.errors).toEqual([{ field: '[1].vatCents', message: expect.stringContaining(`${MAX + 1} cents`) }]);
  });

  it('PUT expenses exactly at the edge is accepted, and its plan is computed, committed and read without a 500', async () => {
    const { id } = await makeDossier(t, instructor, { convention: 'ACI' });
    await advance(t, id, 'STEP2_IN_PROGRESS', who());
    const view = (
      await t
        .http()
        .put(`/api/v1/applications/${id}/expenses`)
        .set(as(instructor))
        .send([expense(MAX - 1_000, 400), expense(600)])
        .expect(200)
    ).body;
    expect(view.totalCents).toBe(MAX - 400);
    const plan = (await t.http().post(`/api/v1/applications/${id}/funding-plan/compute`).set(as(instructor)).send({}).expect(200)).body;
    const line = plan.lines.find((l: { funder: string }) => l.funder === 'REGION');
    expect(line.baseCents).toBe(MAX); // TTC: amount + VAT, exactly the edge
    expect(Number.isSafeInteger(line.amountCents)).toBe(true);
    await envelope(t, admin, 'REGION', MAX);
    await t.http().post(`/api/v1/applications/${id}/funding-plan/commit`).set(as(director)).expect(200);

    // Commitments and payments: bounded by the line, so at most MAX; beyond it the DTO refuses.
    const commitment = (committedCents: number) => t.http().put(`/api/v1/applications/${id}/funding-plan/lines/REGION`).set(as(region)).send({ committedCents });
    expectProblem(await commitment(MAX + 2), 400);
    const above = expectProblem(await commitment(MAX), 422);
    expect(above.rule).toBeDefined();
    await commitment(line.amountCents).expect(200);
    const payment = (amountCents: number) =>
      t.http().post(`/api/v1/applications/${id}/funding-plan/lines/REGION/payments`).set(as(region)).send({ kind: 'ADVANCE', amountCents, paidOn: today() });
    expectProblem(await payment(MAX + 2), 400);
    expectProblem(await payment(MAX), 422);
    await payment(Math.floor(line.amountCents / 10)).expect(201);
    const read = (await t.http().get(`/api/v1/applications/${id}/funding-plan`).set(as(instructor)).expect(200)).body;
    expect(read.lines.find((l: { funder: string }) => l.funder === 'REGION')).toMatchObject({ committedCents: line.amountCents, paidCents: Math.floor(line.amountCents / 10) });
  });

  it('POST /funding/simulate: 500 expenses of 9,007,199,254,740,991 cents → 400 naming expenses[1].amountCents', async () => {
    const problem = expectProblem(
      await t
        .http()
        .post('/api/v1/funding/simulate')
        .set(as(region))
        .send(simulation(Array.from({ length: 500 }, () => expense(MAX)))),
      400,
    );
    expect(problem.errors).toEqual([{ field: 'expenses[1].amountCents', message: expect.stringContaining(`beyond ${MAX}`) }]);
    const vat = expectProblem(
      await t
        .http()
        .post('/api/v1/funding/simulate')
        .set(as(region))
        .send(simulation([expense(MAX, 1)])),
      400,
    );
    expect(vat.errors).toEqual([{ field: 'expenses[0].vatCents', message: expect.any(String) }]);
    const edge = (
      await t
        .http()
        .post('/api/v1/funding/simulate')
        .set(as(region))
        .send(simulation([expense(MAX - 1, 1)]))
        .expect(200)
    ).body;
    expect(edge.lines.find((l: { funder: string }) => l.funder === 'REGION').baseCents).toBe(MAX);
  });

  it('envelope adjustments: amount + adjustment stays within [0, the envelope] (409), an amount beyond the edge is 400, never 500', async () => {
    const env = (await t.http().post('/api/v1/envelopes').set(as(admin)).send({ funder: 'ARS', regionCode: '84', programme: 'FIR', amountCents: MAX }).expect(201)).body;
    expectProblem(
      await t
        .http()
        .post('/api/v1/envelopes')
        .set(as(admin))
        .send({ funder: 'CPAM', regionCode: '84', programme: 'FIR', amountCents: MAX + 2 }),
      400,
    );
    const adjust = (amountCents: number) => t.http().post(`/api/v1/envelopes/${env.id}/adjustments`).set(as(admin)).send({ amountCents, note: 'edge' });
    expectProblem(await adjust(-MAX), 409);
    expect((await adjust(MAX).expect(200)).body).toMatchObject({ committedCents: MAX, remainingCents: 0 });
    expectProblem(await adjust(MAX), 409);
    expectProblem(await adjust(1), 409);
    expectProblem(await adjust(MAX + 2), 400);
    expectProblem(await adjust(-MAX - 2), 400);
    expect((await adjust(-MAX).expect(200)).body).toMatchObject({ committedCents: 0, remainingCents: MAX });
    const read = (await t.http().get(`/api/v1/envelopes/${env.id}`).set(as(admin)).expect(200)).body;
    expect(read).toMatchObject({ amountCents: MAX, committedCents: 0, remainingCents: MAX });
  });
});
