import type { TestApp } from './app.js';
import type { Actor } from './factories.js';

/** A simple active rule set: REGION 50 % of the building works, ARS 50 % of equipment, 80 % ceiling. */
export async function activeRuleSet(t: TestApp, admin: Actor, funders?: Record<string, unknown>) {
  const res = await t
    .http()
    .post('/api/v1/funding-rule-sets')
    .set('Authorization', admin.auth)
    .send({
      name: `rules ${Math.random()}`,
      publicCeilingBps: 8000,
      funders: funders ?? {
        REGION: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE', 'EPCI'], defaultRateBps: 5000, minRateBps: 1000, maxRateBps: 6000, priority: 1 },
        ARS: { categories: ['EQUIPEMENT'], promoterTypes: ['COMMUNE', 'EPCI'], defaultRateBps: 5000, minRateBps: 0, maxRateBps: 8000, capCents: 5_000_000, priority: 2 },
      },
    })
    .expect(201);
  await t.http().post(`/api/v1/funding-rule-sets/${res.body.id}/activate`).set('Authorization', admin.auth).expect(200);
  return res.body as { id: string; revision: number };
}

/** An open envelope of region 84; a DETR or DEPARTEMENT one belongs to a département (`departmentCode`). */
export async function envelope(t: TestApp, admin: Actor, funder: string, amountCents: number, departmentCode?: string) {
  return (
    await t
      .http()
      .post('/api/v1/envelopes')
      .set('Authorization', admin.auth)
      .send({ funder, regionCode: '84', programme: 'CPER 2021-2027', amountCents, ...(departmentCode && { departmentCode }) })
      .expect(201)
  ).body as { id: string };
}
