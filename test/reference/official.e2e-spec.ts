import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';

// Expected figures come from the installed package, never typed by hand.
const dir = dirname(createRequire(import.meta.url).resolve('@etalab/decoupage-administratif/package.json'));
const raw = JSON.parse(readFileSync(join(dir, 'data/communes.json'), 'utf8')) as {
  code: string;
  nom: string;
  type: string;
  region?: string;
  population?: number;
  departement: string;
  codesPostaux?: string[];
}[];
const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
const region84 = raw.filter((c) => c.type === 'commune-actuelle' && c.region === '84');

describe('official reference data (communes, EPCI)', () => {
  let t: TestApp;
  let admin: Actor;
  const as = () => ({ Authorization: admin.auth });
  const load = () => t.http().post('/api/v1/communes/load-official').set(as()).send({ regionCode: '84' });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await actor(t, 'ADMIN');
  });
  afterAll(() => t.close());

  it("loads exactly the dataset's current communes of the region, then a reload changes nothing", async () => {
    const first = await load().expect(200);
    expect(first.body).toMatchObject({ source: '@etalab/decoupage-administratif', version, total: region84.length, inserted: region84.length, updated: 0 });
    expect(await t.prisma.commune.count({ where: { regionCode: '84', source: 'OFFICIAL', active: true } })).toBe(region84.length);
    expect(await t.prisma.referenceLoad.findUnique({ where: { regionCode: '84' } })).toMatchObject({ version });
    const second = await load().expect(200);
    expect(second.body).toMatchObject({ inserted: 0, updated: 0, unchanged: region84.length, deactivated: 0 });
  });

  it('reads a commune with its official facts, EPCI and DETR status', async () => {
    const evian = raw.find((c) => c.code === '74119')!;
    const res = await t.http().get('/api/v1/communes/74119').set(as()).expect(200);
    expect(res.body).toMatchObject({ name: evian.nom, population: evian.population, source: 'OFFICIAL', postalCodes: evian.codesPostaux, active: true });
    expect(res.body.epciSiren).toMatch(/^\d{9}$/);
    expect(res.body.epciName).toEqual(expect.any(String));
    const epci = await t.http().get(`/api/v1/epcis/${res.body.epciSiren}`).set(as()).expect(200);
    expect(epci.body).toMatchObject({
      siren: res.body.epciSiren,
      name: res.body.epciName,
      memberCount: expect.any(Number),
      detr: { status: expect.stringMatching(/ELIGIBLE|TO_CONFIRM/) },
    });
  });

  it('gives the three DETR statuses on real communes', async () => {
    const pick = (test: (p: number) => boolean) => region84.find((c) => c.population !== undefined && test(c.population))!;
    const cases: [(typeof region84)[number], string, boolean][] = [
      [pick((p) => p > 0 && p <= 2000), 'ELIGIBLE', true],
      [pick((p) => p > 2000 && p <= 20000), 'TO_CONFIRM', false],
      [pick((p) => p > 20000), 'NOT_ELIGIBLE', false],
    ];
    for (const [c, status, rural] of cases) {
      const res = await t.http().get(`/api/v1/communes/${c.code}`).set(as()).expect(200);
      expect(res.body.detr.status).toBe(status);
      expect(res.body.rural).toBe(rural);
    }
  });

  it('finds names regardless of case, accents and hyphens, and postal codes', async () => {
    for (const q of ['evian', 'EVIAN LES', 'Évian-les-Bains', '74500']) {
      const res = await t.http().get('/api/v1/communes').query({ q }).set(as()).expect(200);
      expect(res.body.items.map((c: { inseeCode: string }) => c.inseeCode)).toContain('74119');
    }
  });

  it("keeps the ARS's zoning and a confirmed rural flag through a reload; updates a renamed commune; keeps a vanished one inactive", async () => {
    const small = region84.find((c) => (c.population ?? 0) > 0 && (c.population ?? 0) <= 2000)!;
    await t
      .http()
      .post('/api/v1/communes/zoning/import')
      .set(as())
      .set('Content-Type', 'text/csv')
      .send(`inseeCode,zone,qpv,island\n74119,ZAC,true,false\n${small.code},ZIP,false,false\n`)
      .expect(200, { updated: 2, total: 2 });
    await t.http().patch(`/api/v1/communes/${small.code}`).set(as()).send({ rural: false }).expect(200);
    await t.prisma.commune.update({ where: { inseeCode: '74119' }, data: { name: 'Old name' } });
    await t.prisma.commune.create({
      data: { inseeCode: '74999', name: 'Merged away', searchName: 'merged away', departmentCode: '74', regionCode: '84', population: 10, source: 'OFFICIAL' },
    });

    const reload = await load().expect(200);
    expect(reload.body).toMatchObject({ inserted: 0, updated: 1, deactivated: 1 });
    const evian = await t.prisma.commune.findUniqueOrThrow({ where: { inseeCode: '74119' } });
    expect(evian).toMatchObject({ name: raw.find((c) => c.code === '74119')!.nom, zone: 'ZAC', qpv: true });
    expect(await t.prisma.commune.findUniqueOrThrow({ where: { inseeCode: small.code } })).toMatchObject({ zone: 'ZIP', rural: false, ruralConfirmed: true });
    expect(await t.prisma.commune.findUniqueOrThrow({ where: { inseeCode: '74999' } })).toMatchObject({ active: false });
  });

  it('refuses another region (403), an unknown region (400), a bad zoning file (400, nothing applied)', async () => {
    expectProblem(await t.http().post('/api/v1/communes/load-official').set(as()).send({ regionCode: '53' }), 403);
    expectProblem(await t.http().post('/api/v1/communes/load-official').set(as()).send({ regionCode: '99' }), 400);
    const before = await t.prisma.commune.findUniqueOrThrow({ where: { inseeCode: '74119' } });
    const bad = expectProblem(
      await t
        .http()
        .post('/api/v1/communes/zoning/import')
        .set(as())
        .set('Content-Type', 'text/csv')
        .send('inseeCode,zone,qpv,island\n74119,ZIP,false,false\n74119,ZZZ,false,false\n00000,ZIP,false,false\n'),
      400,
    );
    expect(bad.errors!.map((e) => e.line).sort()).toEqual([3, 4]);
    expectProblem(await t.http().post('/api/v1/communes/zoning/import').set(as()).set('Content-Type', 'text/csv').send('inseeCode,zone,color\n74119,ZIP,red\n'), 400);
    expect((await t.prisma.commune.findUniqueOrThrow({ where: { inseeCode: '74119' } })).zone).toBe(before.zone);
  });

  it('scopes communes and EPCI to the caller', async () => {
    const bretagne = await actor(t, 'AUDITOR', { regionCode: '53' });
    expectProblem(await t.http().get('/api/v1/communes/74119').set('Authorization', bretagne.auth), 404);
    const epcis = await t.http().get('/api/v1/epcis').set('Authorization', bretagne.auth).expect(200);
    expect(epcis.body.items).toEqual([]);
    const prefecture = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '74', funders: ['DETR'] });
    const list = await t.http().get('/api/v1/communes?limit=200').set('Authorization', prefecture.auth).expect(200);
    expect(list.body.items.every((c: { departmentCode: string }) => c.departmentCode === '74')).toBe(true);
    const epci74 = await t.http().get('/api/v1/epcis?departmentCode=74&limit=200').set('Authorization', prefecture.auth).expect(200);
    expect(epci74.body.items.length).toBeGreaterThan(5);
  });
});
