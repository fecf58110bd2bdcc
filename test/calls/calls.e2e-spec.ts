// Calls for applications (issue 23, item 1) through the real API and a real PostgreSQL: a
// call of the region, its dates and départements, its démarche and token (encrypted, never
// answered), the dossiers that answer it (same procedure, a département it is open to), the
// list by call, the PIPELINE report grouped by call.
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeDossier, today } from '../helpers/dossiers.js';
import { type DemarcheFixture, type DsServer, startDsServer } from '../helpers/ds-server.js';
import { actor, type Actor, expectProblem, makeCommune, makeProject, makePromoter } from '../helpers/factories.js';

describe('calls for applications', () => {
  let t: TestApp;
  let instructor: Actor;
  let director: Actor;
  let partner: Actor;
  let ds: DsServer;
  const calls = '/api/v1/calls';
  const DEMARCHE: DemarcheFixture = {
    number: 98_765,
    title: 'Appel à candidatures MSP 2027',
    revisionId: 'UHJvY2VkdXJlUmV2aXNpb24tNw==',
    champs: [
      { __typename: 'TextChampDescriptor', id: 'c-porteur', label: 'Nom du porteur', required: true },
      { __typename: 'TextChampDescriptor', id: 'c-projet', label: 'Nom du projet', required: true },
      { __typename: 'CommuneChampDescriptor', id: 'c-commune', label: 'Commune d’implantation', required: true },
      { __typename: 'DecimalNumberChampDescriptor', id: 'c-travaux', label: 'Travaux (€ HT)', required: false },
      { __typename: 'PieceJustificativeChampDescriptor', id: 'c-projet-sante', label: 'Projet de santé', required: true },
    ],
    dossiers: [],
  };
  const call = (overrides: Record<string, unknown> = {}) => ({
    title: 'Appel à candidatures 2027 — maisons de santé pluriprofessionnelles',
    regionCode: '84',
    opensOn: '2027-01-15',
    closesOn: '2027-04-30',
    procedure: 'STEP1',
    ...overrides,
  });
  const open = async (a: Actor, body: Record<string, unknown>) => (await t.http().post(calls).set('Authorization', a.auth).send(body).expect(201)).body;

  beforeAll(async () => {
    ds = await startDsServer([DEMARCHE]);
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0', DS_API_URL: ds.url, DS_MIN_INTERVAL_MS: '0', DS_TIMEOUT_MS: '500', DS_MAX_RETRIES: '1' });
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    partner = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '43', funders: ['DETR'] });
  });
  afterAll(async () => {
    await t.close();
    await ds.close();
  });

  it('opens a call of the region, read by its partners, changed with If-Match', async () => {
    const res = await t
      .http()
      .post(calls)
      .set('Authorization', instructor.auth)
      .send(call({ departmentCodes: ['43', '15'], ds: { demarcheNumber: 98_765 } }))
      .expect(201);
    expect(res.headers.location).toBe(`/api/v1/calls/${res.body.id}`);
    expect(res.body).toMatchObject({ regionCode: '84', departmentCodes: ['43', '15'], opensOn: '2027-01-15', closesOn: '2027-04-30', procedure: 'STEP1', version: 1 });
    expect(res.body.ds).toEqual({ demarcheNumber: 98_765, hasToken: false, writeBack: null, syncedUntil: null });
    expect((await t.http().get(`${calls}/${res.body.id}`).set('Authorization', partner.auth).expect(200)).body.title).toBe(res.body.title);
    const patched = await t.http().patch(`${calls}/${res.body.id}`).set('Authorization', director.auth).set('If-Match', '"1"').send({ closesOn: '2027-05-15' }).expect(200);
    expect(patched.body).toMatchObject({ closesOn: '2027-05-15', version: 2 });
    expectProblem(await t.http().patch(`${calls}/${res.body.id}`).set('Authorization', director.auth).set('If-Match', '"1"').send({ title: 'x' }), 412);
    // Lists: the calls open on a day, by procedure.
    const audit = await open(instructor, call({ procedure: 'AUDIT', opensOn: '2027-06-01', closesOn: '2027-06-30' }));
    const ids = async (q: string) => (await t.http().get(`${calls}${q}`).set('Authorization', partner.auth).expect(200)).body.items.map((c: { id: string }) => c.id);
    expect(await ids('?openOn=2027-02-01')).toEqual(expect.arrayContaining([res.body.id]));
    expect(await ids('?openOn=2027-02-01')).not.toContain(audit.id);
    expect(await ids('?procedure=AUDIT')).toEqual(expect.arrayContaining([audit.id]));
    expect(await ids('?procedure=AUDIT')).not.toContain(res.body.id);
    // Another region sees none of them.
    const other = await actor(t, 'INSTRUCTOR', { regionCode: '53' });
    expectProblem(await t.http().get(`${calls}/${res.body.id}`).set('Authorization', other.auth), 404);
    expect(await (async () => (await t.http().get(calls).set('Authorization', other.auth).expect(200)).body.items)()).toEqual([]);
  });

  it('says what is wrong with a call (400), and refuses another region and partners (403)', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [call({ opensOn: '2027-04-30', closesOn: '2027-01-15' }), /closesOn must be on or after opensOn/],
      [call({ departmentCodes: ['29'] }), /département 29 is not in region 84/],
      [call({ closesOn: '2027-02-30' }), /closesOn must be a date YYYY-MM-DD that exists/],
      [call({ title: '   ' }), /title must not be blank/],
      [call({ procedure: 'STEP2' }), /procedure/],
      [call({ ds: { demarcheNumber: 0 } }), /demarcheNumber/],
    ];
    for (const [body, detail] of cases) expect(expectProblem(await t.http().post(calls).set('Authorization', instructor.auth).send(body), 400).detail).toMatch(detail);
    expectProblem(
      await t
        .http()
        .post(calls)
        .set('Authorization', instructor.auth)
        .send(call({ regionCode: '53' })),
      403,
    );
    expectProblem(await t.http().post(calls).set('Authorization', partner.auth).send(call()), 403);
    expect(await t.prisma.callForApplications.count({ where: { title: '   ' } })).toBe(0);
  });

  it("keeps the démarche's token encrypted, never answers it, and forgets it with its démarche", async () => {
    const c = await open(instructor, call());
    // No démarche yet: no token.
    expectProblem(await t.http().put(`${calls}/${c.id}/ds-token`).set('Authorization', instructor.auth).send({ token: 'token-without-demarche' }), 400);
    await t
      .http()
      .patch(`${calls}/${c.id}`)
      .set('Authorization', instructor.auth)
      .send({ ds: { demarcheNumber: 4242 } })
      .expect(200);
    const token = `ds-${randomUUID()}`;
    const set = await t.http().put(`${calls}/${c.id}/ds-token`).set('Authorization', instructor.auth).send({ token }).expect(200);
    expect(set.body.ds).toEqual({ demarcheNumber: 4242, hasToken: true, writeBack: null, syncedUntil: null });
    expect(JSON.stringify(set.body)).not.toContain(token);
    const row = await t.prisma.callForApplications.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.dsTokenCipher).toBeTruthy();
    expect(row.dsTokenCipher).not.toContain(token);
    const audit = await t.prisma.auditLog.findMany({ where: { entity: 'call', entityId: c.id } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['call.create', 'call.ds_token']));
    expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toContain(token);
    expectProblem(await t.http().put(`${calls}/${c.id}/ds-token`).set('Authorization', instructor.auth).send({ token: 'has spaces in it' }), 400);
    // Another démarche: the token was the other one's.
    const moved = await t
      .http()
      .patch(`${calls}/${c.id}`)
      .set('Authorization', instructor.auth)
      .send({ ds: { demarcheNumber: 4343 } })
      .expect(200);
    expect(moved.body.ds).toEqual({ demarcheNumber: 4343, hasToken: false, writeBack: null, syncedUntil: null });
    expect((await t.http().patch(`${calls}/${c.id}`).set('Authorization', instructor.auth).send({ ds: null }).expect(200)).body.ds).toBeNull();
  });

  it("checks a mapping against the démarche's champs, read from Démarches Simplifiées with the call's token", async () => {
    const c = await open(instructor, call({ ds: { demarcheNumber: DEMARCHE.number } }));
    const mapping = (fields: Record<string, unknown>[]) => t.http().put(`${calls}/${c.id}/mapping`).set('Authorization', instructor.auth).send({ fields });
    const good = [
      { champId: 'c-porteur', target: 'promoter.name' },
      { champId: 'c-projet', target: 'project.name' },
      { champId: 'c-commune', target: 'project.commune' },
      { champId: 'c-travaux', target: 'expense', category: 'IMMOBILIER', nature: 'WORKS', label: 'Travaux' },
      { champId: 'c-projet-sante', target: 'document', kind: 'PROJET_DE_SANTE' },
    ];
    // No token yet: 409.
    expect(expectProblem(await mapping(good), 409)).toMatchObject({ rule: 'ds-not-configured' });
    const token = `ds-${randomUUID()}`;
    await t.http().put(`${calls}/${c.id}/ds-token`).set('Authorization', instructor.auth).send({ token }).expect(200);
    ds.requests.length = 0;
    const saved = await mapping(good).expect(200);
    expect(saved.body.mapping).toEqual({ revision: DEMARCHE.revisionId, fields: good, defaults: {} });
    expect(ds.requests.map((r) => [r.variables.number, r.authorization])).toEqual([[DEMARCHE.number, `Bearer ${token}`]]);
    expect((await t.http().get(`${calls}/${c.id}`).set('Authorization', partner.auth).expect(200)).body.mapping.fields).toHaveLength(5);

    const wrong = expectProblem(
      await mapping([
        { champId: 'c-porteur', target: 'promoter.name' },
        { champId: 'c-absent', target: 'project.name' },
        { champId: 'c-travaux', target: 'project.commune' },
      ]),
      422,
    );
    expect(wrong).toMatchObject({ rule: 'mapping-invalid' });
    expect(wrong.errors).toEqual([
      { field: 'fields[1].champId', message: 'the démarche has no champ c-absent (in its active revision)' },
      {
        field: 'fields[2].champId',
        message: 'champ c-travaux ("Travaux (€ HT)") is a DecimalNumberChampDescriptor; project.commune takes CommuneChampDescriptor or TextChampDescriptor',
      },
    ]);
    expectProblem(await mapping([{ champId: 'c-porteur', target: 'promoter.nom' }]), 400);
    // DS refuses the token (401): the caller's to fix, 422; DS away: 503 with Retry-After; nothing saved either way.
    ds.failures.push({ status: 401 });
    expect(expectProblem(await mapping(good.slice(0, 3)), 422)).toMatchObject({ rule: 'ds-refused', dsStatus: 401 });
    ds.failures.push({ status: 502 }, { status: 502 });
    const away = await mapping(good.slice(0, 3));
    expectProblem(away, 503);
    expect(away.headers['retry-after']).toBe('60');
    expect((await t.http().get(`${calls}/${c.id}`).set('Authorization', instructor.auth).expect(200)).body.mapping.fields).toHaveLength(5);
    // Another démarche: the mapping was the other one's.
    expect(
      (
        await t
          .http()
          .patch(`${calls}/${c.id}`)
          .set('Authorization', instructor.auth)
          .send({ ds: { demarcheNumber: 4343 } })
          .expect(200)
      ).body.mapping,
    ).toBeNull();
  });

  it('lets a dossier answer a call of its procedure and département, lists a call’s dossiers, and groups the pipeline by call', async () => {
    const step1 = await open(instructor, call({ departmentCodes: ['43'] }));
    const audits = await open(instructor, call({ procedure: 'AUDIT' }));
    const elsewhere = await open(instructor, call({ departmentCodes: ['15'] }));
    const commune = await makeCommune(t, { inseeCode: '43157' });
    const promoter = await makePromoter(t, commune.inseeCode);
    const project = await makeProject(t, promoter.id, commune.inseeCode, { name: 'MSP de Langeac' });
    const post = (body: Record<string, unknown>) =>
      t
        .http()
        .post('/api/v1/applications')
        .set('Authorization', instructor.auth)
        .send({ projectId: project.id, ...body });

    const answered = (await post({ callId: step1.id }).expect(201)).body;
    expect(answered.callId).toBe(step1.id);
    expect(expectProblem(await post({ callId: audits.id }), 422)).toMatchObject({ rule: 'call-procedure', callProcedure: 'AUDIT', procedure: 'ACCOMPANIMENT' });
    expect(expectProblem(await post({ callId: elsewhere.id }), 422)).toMatchObject({ rule: 'call-territory', departmentCodes: ['15'], departmentCode: '43' });
    expectProblem(await post({ callId: randomUUID() }), 400);
    const byHand = await makeDossier(t, instructor);

    const listed = (await t.http().get(`/api/v1/applications?callId=${step1.id}`).set('Authorization', instructor.auth).expect(200)).body.items;
    expect(listed.map((d: { id: string }) => d.id)).toEqual([answered.id]);
    expect((await t.http().get(`/api/v1/applications/${byHand.id}`).set('Authorization', instructor.auth).expect(200)).body.callId).toBeNull();
    const created = await t.prisma.applicationEvent.findFirstOrThrow({ where: { applicationId: answered.id, type: 'CREATED' } });
    expect(created.data).toMatchObject({ callId: step1.id });

    const run = (await t.http().post('/api/v1/reports/runs').set('Authorization', director.auth).send({ type: 'PIPELINE', date: today() }).expect(202)).body.items[0].id;
    let rows: { callId: string | null; count: number }[] = [];
    for (let i = 0; i < 100 && rows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const got = await t.http().get(`/api/v1/reports/runs/${run}`).set('Authorization', director.auth);
      if (got.body.status === 'SUCCEEDED') rows = got.body.rows;
    }
    expect(rows.filter((r) => r.callId === step1.id).reduce((n, r) => n + r.count, 0)).toBe(1);
    expect(rows.filter((r) => r.callId === null).reduce((n, r) => n + r.count, 0)).toBeGreaterThanOrEqual(1);
  });
});
