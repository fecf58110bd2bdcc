// Money faithful to the seeds, through the API on a real PostgreSQL: rule sets that say what the
// seeds say (and refuse what the law refuses), expenses with their nature and VAT, DETR by the
// promoter and the préfecture de département, and a dossier that follows its project.
import { EXAMPLE_RULE_SETS } from '../../src/funding/examples.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { type Actor, actor, expectProblem, makeCommune, makeProject, makePromoter } from '../helpers/factories.js';

const json = (v: unknown) => JSON.parse(JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? Number(x) : x)));

describe('funding faithful to the seeds', () => {
  let t: TestApp;
  let admin: Actor;
  let instructor: Actor;
  const I = () => ({ Authorization: instructor.auth });
  const A = () => ({ Authorization: admin.auth });

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    admin = await actor(t, 'ADMIN');
    instructor = await actor(t, 'INSTRUCTOR');
  });
  afterAll(() => t.close());

  const ruleSet = async (funders: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    t
      .http()
      .post('/api/v1/funding-rule-sets')
      .set(A())
      .send({ name: `rules ${Math.random()}`, publicCeilingBps: 8000, funders, ...extra });
  const DETR = { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE', 'EPCI'], requiresRural: true, defaultRateBps: 3000, minRateBps: 2000, maxRateBps: 4000, priority: 1 };

  describe('rule sets: what the seeds and the law refuse is a 422 naming the rule', () => {
    it.each([
      ['ars-no-building', { ARS: { ...DETR, requiresRural: false } }, {}],
      ['ceiling-legal-basis', { DETR }, { publicCeilingBps: 8500 }],
      ['rate-band-inverted', { DETR: { ...DETR, minRateBps: 5000, maxRateBps: 4000, defaultRateBps: 4500 } }, {}],
      ['default-rate-outside-band', { DETR: { ...DETR, defaultRateBps: 5000 } }, {}],
      ['cap-below-zero', { DETR: { ...DETR, capCents: -1 } }, {}],
      ['cap-below-zero', { DETR: { ...DETR, baseCapCents: -100 } }, {}],
      ['base-cap-categories', { DETR: { ...DETR, baseCapCents: 100, baseCapCategories: ['EQUIPEMENT'] } }, {}],
    ])('%s', async (rule, funders, extra) => {
      const before = await t.prisma.fundingRuleSet.count();
      const body = expectProblem(await ruleSet(funders, extra), 422);
      expect(body.rule).toBe(rule);
      expect(await t.prisma.fundingRuleSet.count()).toBe(before);
    });

    it('a ceiling above 80 % with its legal basis is accepted and kept', async () => {
      const res = await ruleSet({ DETR }, { publicCeilingBps: 10000, ceilingLegalBasis: 'CGCT L1111-10 III: derogation by the préfet' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ publicCeilingBps: 10000, ceilingLegalBasis: 'CGCT L1111-10 III: derogation by the préfet' });
    });

    it('malformed turn-2 fields are 400 naming the field', async () => {
      const res = await ruleSet({ DETR: { ...DETR, territoriesByCategory: { IMMOBILIER: ['MARS'] }, basis: 'TVA', excludedNatures: ['GOLD'], departmentCodes: ['999'] } });
      const body = expectProblem(res, 400);
      const fields = (body.errors as { field: string }[]).map((e) => e.field);
      expect(fields).toEqual(
        expect.arrayContaining(['funders.DETR.territoriesByCategory.IMMOBILIER', 'funders.DETR.basis', 'funders.DETR.excludedNatures', 'funders.DETR.departmentCodes']),
      );
    });

    it('every example rule set of the seeds is accepted as it is', async () => {
      for (const example of EXAMPLE_RULE_SETS) {
        const res = await ruleSet(json(example.ruleSet.funders), { publicCeilingBps: example.ruleSet.publicCeilingBps, name: example.name });
        expect([example.name, res.status]).toEqual([example.name, 201]);
      }
    });
  });

  describe('Haute-Savoie, through the API: 2,000,000 € HT of works (2,400,000 € TTC) → 100,000 €', () => {
    it('computes 20 % of the 500,000 € TTC cap once the conditions are attested, and 0 naming them before', async () => {
      const example = EXAMPLE_RULE_SETS.find((e) => e.name.includes('Haute-Savoie'))!;
      const rs = await ruleSet(json(example.ruleSet.funders));
      expect(rs.status).toBe(201);
      const commune = await makeCommune(t, { departmentCode: '74', inseeCode: '74010', population: 1200 });
      const promoter = await makePromoter(t, commune.inseeCode);
      const project = await makeProject(t, promoter.id, commune.inseeCode, { kind: 'MSP' });
      const dossier = (await t.http().post('/api/v1/applications').set(I()).send({ projectId: project.id }).expect(201)).body;
      const expenses = await t
        .http()
        .put(`/api/v1/applications/${dossier.id}/expenses`)
        .set(I())
        .send([
          { category: 'IMMOBILIER', nature: 'WORKS', label: 'Construction', amountCents: 200_000_000, vatCents: 40_000_000 },
          { category: 'EQUIPEMENT', nature: 'FURNITURE', label: 'Mobilier', amountCents: 3_000_000, vatCents: 600_000 },
        ])
        .expect(200);
      expect(expenses.body.items[0]).toMatchObject({ nature: 'WORKS', amountCents: 200_000_000, vatCents: 40_000_000 });

      const unattested = await t.http().post(`/api/v1/applications/${dossier.id}/funding-plan/compute`).set(I()).send({ ruleSetId: rs.body.id }).expect(200);
      const line0 = unattested.body.lines.find((l: { funder: string }) => l.funder === 'DEPARTEMENT');
      expect(line0).toMatchObject({ eligible: false, amountCents: 0 });
      expect(line0.reasons[0]).toMatch(/^conditions: not attested on the dossier: gps-over-55/);

      for (const code of ['gps-over-55', 'over-30-min-from-care', 'projet-de-sante', 'maitres-de-stage']) {
        await t.http().post(`/api/v1/applications/${dossier.id}/attestations`).set(I()).send({ code, note: 'vu en réunion sur site' }).expect(201);
      }
      const plan = await t.http().post(`/api/v1/applications/${dossier.id}/funding-plan/compute`).set(I()).send({ ruleSetId: rs.body.id }).expect(200);
      const line = plan.body.lines.find((l: { funder: string }) => l.funder === 'DEPARTEMENT');
      expect(line).toMatchObject({ eligible: true, baseCents: 50_000_000, amountCents: 10_000_000 });
      expect(line.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^excludedNatures: 36,000\.00 € of FURNITURE/), expect.stringMatching(/^baseCapCents:/)]));
    });

    it('simulate takes the same inputs: natures, VAT, kind, département, attestations', async () => {
      const example = EXAMPLE_RULE_SETS.find((e) => e.name.includes('Haute-Savoie'))!;
      const rs = await ruleSet(json(example.ruleSet.funders));
      const res = await t
        .http()
        .post('/api/v1/funding/simulate')
        .set(I())
        .send({
          ruleSetId: rs.body.id,
          promoterType: 'COMMUNE',
          project: { existing: false, doctorsPlanned: 3, balancedBudget: true, kind: 'MSP', departmentCode: '74' },
          commune: { zone: 'ZIP', qpv: false, island: false, rural: true },
          expenses: [{ category: 'IMMOBILIER', nature: 'WORKS', label: 'Travaux', amountCents: 200_000_000, vatCents: 40_000_000 }],
          attestations: ['gps-over-55', 'over-30-min-from-care', 'projet-de-sante', 'maitres-de-stage'],
        })
        .expect(200);
      expect(res.body.lines[0]).toMatchObject({ funder: 'DEPARTEMENT', amountCents: 10_000_000 });
      const savoie = await t
        .http()
        .post('/api/v1/funding/simulate')
        .set(I())
        .send({
          ruleSetId: rs.body.id,
          promoterType: 'COMMUNE',
          project: { existing: false, doctorsPlanned: 3, balancedBudget: true, kind: 'MSP', departmentCode: '73' },
          commune: { zone: 'ZIP', qpv: false, island: false, rural: true },
          expenses: [{ category: 'IMMOBILIER', nature: 'WORKS', label: 'Travaux', amountCents: 200_000_000 }],
        })
        .expect(200);
      expect(savoie.body.lines[0]).toMatchObject({ amountCents: 0, boundBy: 'INELIGIBLE' });
    });
  });

  describe('DETR follows the promoter and the préfecture de département', () => {
    let rsId: string;
    beforeAll(async () => {
      rsId = (await ruleSet({ DETR })).body.id;
    });

    async function dossierOf(o: { population: number; legalType: 'COMMUNE' | 'EPCI'; epci?: { population: number; largest: number }; insee: string }) {
      const commune = await makeCommune(t, { inseeCode: o.insee, departmentCode: '43', population: o.population, rural: true });
      if (o.epci) {
        const siren = `2000${o.insee}`;
        await t.prisma.epci.create({ data: { siren, name: `CC ${o.insee}`, type: 'CC', population: o.epci.population, memberCount: 20, largestMemberPopulation: o.epci.largest } });
        await t.prisma.commune.update({ where: { inseeCode: o.insee }, data: { epciSiren: siren } });
      }
      const promoter = await t.prisma.promoter.create({
        data: { name: `${o.legalType} ${o.insee}`, legalType: o.legalType, communeInsee: o.insee, regionCode: '84', departmentCode: '43' },
      });
      const project = await makeProject(t, promoter.id, commune.inseeCode);
      const dossier = (await t.http().post('/api/v1/applications').set(I()).send({ projectId: project.id }).expect(201)).body;
      await t
        .http()
        .put(`/api/v1/applications/${dossier.id}/expenses`)
        .set(I())
        .send([{ category: 'IMMOBILIER', label: 'Travaux', amountCents: 10_000_000 }])
        .expect(200);
      return dossier.id as string;
    }
    const detrLine = async (id: string) =>
      (await t.http().post(`/api/v1/applications/${id}/funding-plan/compute`).set(I()).send({ ruleSetId: rsId }).expect(200)).body.lines.find(
        (l: { funder: string }) => l.funder === 'DETR',
      );

    it('an EPCI that the official data makes eligible gets DETR for a project in a 5,000-inhabitant commune (30 % of 100,000 € = 30,000 €)', async () => {
      const id = await dossierOf({ insee: '43201', population: 5000, legalType: 'EPCI', epci: { population: 40_000, largest: 5000 } });
      expect(await detrLine(id)).toMatchObject({ eligible: true, amountCents: 3_000_000 });
    });

    it('a commune of 34,000 inhabitants entered by hand with rural: true gets no DETR', async () => {
      const id = await dossierOf({ insee: '43202', population: 34_000, legalType: 'COMMUNE' });
      const line = await detrLine(id);
      expect(line).toMatchObject({ eligible: false, amountCents: 0 });
      expect(line.reasons[0]).toMatch(/^requiresRural: .*34,000/);
    });

    it('TO_CONFIRM: no amount until the préfecture de département of the dossier confirms it; others may not', async () => {
      const id = await dossierOf({ insee: '43203', population: 5000, legalType: 'COMMUNE' });
      expect((await detrLine(id)).reasons[0]).toMatch(/to be confirmed by the préfecture/);
      // What every reader of the dossier sees: to confirm, no decision yet.
      expect((await t.http().get(`/api/v1/applications/${id}/detr-confirmation`).set(I()).expect(200)).body).toEqual({
        applicationId: id,
        status: 'TO_CONFIRM',
        reason: expect.stringMatching(/^population 5,000 between 2,000 and 20,000/),
        decision: null,
        decisionReason: null,
        decidedAt: null,
      });

      const region = await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] });
      expectProblem(await t.http().post(`/api/v1/applications/${id}/detr-confirmation`).set('Authorization', region.auth).send({ decision: 'CONFIRMED', reason: 'x' }), 403);
      const prefecture74 = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '74', funders: ['DETR'] });
      expectProblem(await t.http().post(`/api/v1/applications/${id}/detr-confirmation`).set('Authorization', prefecture74.auth).send({ decision: 'CONFIRMED', reason: 'x' }), 404);
      const prefecture43 = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '43', funders: ['DETR'] });
      expectProblem(await t.http().post(`/api/v1/applications/${id}/detr-confirmation`).set('Authorization', prefecture43.auth).send({ decision: 'MAYBE', reason: ' ' }), 400);

      const confirmed = await t
        .http()
        .post(`/api/v1/applications/${id}/detr-confirmation`)
        .set('Authorization', prefecture43.auth)
        .send({ decision: 'CONFIRMED', reason: 'Potentiel financier sous le seuil' })
        .expect(200);
      expect(confirmed.body).toMatchObject({ status: 'TO_CONFIRM', decision: 'CONFIRMED', decisionReason: 'Potentiel financier sous le seuil' });
      expect(await detrLine(id)).toMatchObject({ eligible: true, amountCents: 3_000_000 });
      expect((await t.http().get(`/api/v1/applications/${id}/detr-confirmation`).set('Authorization', region.auth).expect(200)).body).toEqual(confirmed.body);
      const events = (await t.http().get(`/api/v1/applications/${id}/events`).set(I()).expect(200)).body.items;
      expect(events.at(-1)).toMatchObject({ type: 'DETR_CONFIRMED', reason: 'Potentiel financier sous le seuil' });
      const audit = await t.prisma.auditLog.findFirst({ where: { action: 'application.detr_confirmation', entityId: id } });
      expect(audit?.after).toMatchObject({ decision: 'CONFIRMED' });

      await t
        .http()
        .post(`/api/v1/applications/${id}/detr-confirmation`)
        .set('Authorization', prefecture43.auth)
        .send({ decision: 'REFUSED', reason: 'Potentiel financier trop élevé' })
        .expect(200);
      expect((await detrLine(id)).reasons[0]).toMatch(/refused/);
    });

    it('only a TO_CONFIRM is confirmed: an ELIGIBLE or NOT_ELIGIBLE promoter → 422', async () => {
      const id = await dossierOf({ insee: '43204', population: 900, legalType: 'COMMUNE' });
      const prefecture43 = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '43', funders: ['DETR'] });
      const body = expectProblem(
        await t.http().post(`/api/v1/applications/${id}/detr-confirmation`).set('Authorization', prefecture43.auth).send({ decision: 'CONFIRMED', reason: 'x' }),
        422,
      );
      expect(body).toMatchObject({ rule: 'detr-not-to-confirm', detrStatus: 'ELIGIBLE' });
    });
  });

  describe('a dossier follows its project', () => {
    it('moved to another département: its dossier, its scope and its filters follow at once; rezoned: its zone follows', async () => {
      const haute = await makeCommune(t, { inseeCode: '43301', departmentCode: '43' });
      await makeCommune(t, { inseeCode: '74301', departmentCode: '74', zone: 'ZAC' });
      const promoter = await makePromoter(t, haute.inseeCode);
      const project = await makeProject(t, promoter.id, haute.inseeCode);
      const dossier = (await t.http().post('/api/v1/applications').set(I()).send({ projectId: project.id }).expect(201)).body;
      const p43 = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '43', funders: ['DETR'] });
      const p74 = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '74', funders: ['DETR'] });
      await t.http().get(`/api/v1/applications/${dossier.id}`).set('Authorization', p43.auth).expect(200);

      await t.http().patch(`/api/v1/projects/${project.id}`).set(I()).send({ communeInsee: '74301' }).expect(200);
      const moved = (await t.http().get(`/api/v1/applications/${dossier.id}`).set(I()).expect(200)).body;
      expect(moved).toMatchObject({ departmentCode: '74', zone: 'ZAC' });
      expect(moved.version).toBeGreaterThan(dossier.version);
      expectProblem(await t.http().get(`/api/v1/applications/${dossier.id}`).set('Authorization', p43.auth), 404);
      await t.http().get(`/api/v1/applications/${dossier.id}`).set('Authorization', p74.auth).expect(200);
      const listed = (await t.http().get('/api/v1/applications?departmentCode=74').set(I()).expect(200)).body.items.map((a: { id: string }) => a.id);
      expect(listed).toContain(dossier.id);

      await t.http().patch('/api/v1/communes/74301').set(A()).send({ zone: 'ZIP' }).expect(200);
      expect((await t.http().get(`/api/v1/applications/${dossier.id}`).set(I()).expect(200)).body.zone).toBe('ZIP');
      const zipList = (await t.http().get('/api/v1/applications?zone=ZIP&departmentCode=74').set(I()).expect(200)).body.items.map((a: { id: string }) => a.id);
      expect(zipList).toContain(dossier.id);
    });
  });
});
