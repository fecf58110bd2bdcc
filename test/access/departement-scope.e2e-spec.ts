// The département boundary (issue 17, items 1 and 2): what a partner of a département reads of
// CARPEC séances, envelope movements, report runs and funding plans, and the writes that
// belong to the region. Each case of the issue, as a new user would try it.
import { startTestApp, type TestApp } from '../helpers/app.js';
import { advance, makeDossier } from '../helpers/dossiers.js';
import { type Actor, actor, expectProblem, makeOrganization, makeUser, PASSWORD } from '../helpers/factories.js';
import { activeRuleSet, envelope } from '../helpers/funding.js';

const EXPENSES = [
  { category: 'IMMOBILIER', label: 'Travaux', amountCents: 40_000_000 },
  { category: 'EQUIPEMENT', label: 'Matériel', amountCents: 2_000_000 },
];

describe('the département boundary', () => {
  let t: TestApp;
  let admin: Actor;
  let instructor: Actor;
  let director: Actor;
  let partner74: Actor;
  let regionPartner: Actor;
  let dossier74: string;
  let dossier43: string;
  let sessionId: string;
  let regionEnvelope: string;
  let key74: string;

  const as = (a: Actor) => ({ Authorization: a.auth });

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    admin = await actor(t, 'ADMIN');
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    partner74 = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '74', funders: ['DETR'] });
    regionPartner = await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] });
    await activeRuleSet(t, admin);
    regionEnvelope = (await envelope(t, admin, 'REGION', 100_000_000)).id;
    await envelope(t, admin, 'ARS', 100_000_000);

    // Two dossiers, one in Haute-Savoie (74), one in Haute-Loire (43), both committed.
    dossier74 = (await makeDossier(t, instructor, { commune: { inseeCode: '74010', departmentCode: '74' } })).id;
    dossier43 = (await makeDossier(t, instructor, { commune: { inseeCode: '43157', departmentCode: '43' } })).id;
    for (const id of [dossier74, dossier43]) {
      await advance(t, id, 'STEP2_IN_PROGRESS', { instructor, director });
      await t.http().put(`/api/v1/applications/${id}/expenses`).set(as(instructor)).send(EXPENSES).expect(200);
      await t.http().post(`/api/v1/applications/${id}/funding-plan/compute`).set(as(instructor)).send({}).expect(200);
      await t.http().post(`/api/v1/applications/${id}/funding-plan/commit`).set(as(director)).send({}).expect(200);
    }
    // The dossier of 43 leaves the procedure: a RELEASE movement with its reason.
    await t.http().post(`/api/v1/applications/${dossier43}/withdraw`).set(as(instructor)).send({ reason: 'promoter insolvent' }).expect(200);
    await t.http().post(`/api/v1/envelopes/${regionEnvelope}/adjustments`).set(as(admin)).send({ amountCents: 1000, note: 'correction CPER' }).expect(200);

    // A CARPEC séance with both dossiers on its agenda, the 43 one with confidential reservations.
    sessionId = (await t.http().post('/api/v1/carpec-sessions').set(as(instructor)).send({ sessionDate: '2025-01-15', title: 'CARPEC janvier' }).expect(201)).body.id;
    const s = await t.prisma.carpecSession.findUniqueOrThrow({ where: { id: sessionId } });
    for (const [id, reservations] of [
      [dossier74, 'sous réserve du bail'],
      [dossier43, 'confidential: promoter insolvent'],
    ] as const) {
      const item = await t.prisma.carpecAgendaItem.create({ data: { sessionId: s.id, applicationId: id, purpose: 'INFORMATION' } });
      await t.prisma.carpecOpinion.create({ data: { sessionId: s.id, applicationId: id, agendaItemId: item.id, outcome: 'NOTED', reservations } });
    }

    const org74 = await t.prisma.organization.findFirstOrThrow({ where: { departmentCode: '74' } });
    key74 = (await t.http().post('/api/v1/api-keys').set(as(admin)).send({ name: 'préfecture 74', role: 'REPORTING', organizationId: org74.id }).expect(201)).body.key;
  }, 120_000);
  afterAll(() => t.close());

  it('shows a département partner the séance, and the agenda items of its département only', async () => {
    const list = await t.http().get('/api/v1/carpec-sessions').set(as(partner74)).expect(200);
    const session = list.body.items.find((s: { id: string }) => s.id === sessionId);
    expect(session).toMatchObject({ sessionDate: '2025-01-15', title: 'CARPEC janvier' });
    expect(session.agenda.map((i: { applicationId: string }) => i.applicationId)).toEqual([dossier74]);
    expect(JSON.stringify(list.body)).not.toContain('insolvent');
    const one = await t.http().get(`/api/v1/carpec-sessions/${sessionId}`).set(as(partner74)).expect(200);
    const project74 = await t.prisma.application.findUniqueOrThrow({ where: { id: dossier74 }, select: { project: { select: { name: true } } } });
    expect(one.body.agenda).toEqual([
      expect.objectContaining({ applicationId: dossier74, projectName: project74.project.name, departmentCode: '74', outcome: 'NOTED', reservations: 'sous réserve du bail' }),
    ]);
    // The region's partner and the ARS see both items.
    const region = await t.http().get(`/api/v1/carpec-sessions/${sessionId}`).set(as(regionPartner)).expect(200);
    expect(region.body.agenda.map((i: { applicationId: string }) => i.applicationId).sort()).toEqual([dossier43, dossier74].sort());
  });

  it("lists a regional envelope's movements of the partner's département only (no adjustment, no other dossier)", async () => {
    const all = await t.http().get(`/api/v1/envelopes/${regionEnvelope}/movements`).set(as(instructor)).expect(200);
    expect(all.body.items.map((m: { kind: string }) => m.kind).sort()).toEqual(['ADJUSTMENT', 'COMMITMENT', 'COMMITMENT', 'RELEASE']);
    const mine = await t.http().get(`/api/v1/envelopes/${regionEnvelope}/movements`).set(as(partner74)).expect(200);
    expect(mine.body.items).toEqual([expect.objectContaining({ kind: 'COMMITMENT', applicationId: dossier74 })]);
    expect(JSON.stringify(mine.body)).not.toContain(dossier43);
    // The envelope itself (its totals) stays readable.
    await t.http().get(`/api/v1/envelopes/${regionEnvelope}`).set(as(partner74)).expect(200);
  });

  it("hides another département's DETR envelope, and shows the movements without a dossier of its own", async () => {
    const detr43 = (await envelope(t, admin, 'DETR', 5_000_000, '43')).id;
    const detr74 = (await envelope(t, admin, 'DETR', 5_000_000, '74')).id;
    await t.http().post(`/api/v1/envelopes/${detr74}/adjustments`).set(as(admin)).send({ amountCents: 500, note: 'report 2024' }).expect(200);
    expectProblem(await t.http().get(`/api/v1/envelopes/${detr43}`).set(as(partner74)), 404);
    expectProblem(await t.http().get(`/api/v1/envelopes/${detr43}/movements`).set(as(partner74)), 404);
    const own = await t.http().get(`/api/v1/envelopes/${detr74}/movements`).set(as(partner74)).expect(200);
    expect(own.body.items).toEqual([expect.objectContaining({ kind: 'ADJUSTMENT', note: 'report 2024' })]);
    const listed = (await t.http().get('/api/v1/envelopes?limit=200').set(as(partner74)).expect(200)).body.items.map((e: { id: string }) => e.id);
    expect(listed).toContain(detr74);
    expect(listed).toContain(regionEnvelope);
    expect(listed).not.toContain(detr43);
  });

  it('refuses POST /reports/runs to a REPORTING key of a préfecture de département (403 naming why), the region’s run untouched', async () => {
    const before = await t.prisma.reportRun.count();
    const auditBefore = await t.prisma.auditLog.count({ where: { entity: 'report_run' } });
    const res = await t.http().post('/api/v1/reports/runs').set('X-API-Key', key74).send({ type: 'PIPELINE', date: '2026-01-05' });
    const problem = expectProblem(res, 403);
    expect(problem).toMatchObject({ rule: 'region-wide-write', regionCode: '84', departmentCode: '74' });
    expect(problem.detail).toContain('département 74');
    expect(await t.prisma.reportRun.count()).toBe(before);
    expect(await t.prisma.auditLog.count({ where: { entity: 'report_run' } })).toBe(auditBefore);
  });

  it('writes an audit row for every report run requested, in the run’s transaction', async () => {
    const res = await t.http().post('/api/v1/reports/runs').set(as(admin)).send({ date: '2026-01-06' }).expect(202);
    expect(res.body.items).toHaveLength(4);
    const rows = await t.prisma.auditLog.findMany({ where: { entity: 'report_run', action: 'report_run.request' } });
    expect(rows.map((r) => r.entityId).sort()).toEqual(res.body.items.map((i: { id: string }) => i.id).sort());
    expect(rows[0]).toMatchObject({ actorId: admin.userId, regionCode: '84' });
    // A second request for the same date (it replaces the run) says what it replaced.
    await t.http().post('/api/v1/reports/runs').set(as(admin)).send({ type: 'PIPELINE', date: '2026-01-06' }).expect(202);
    const again = await t.prisma.auditLog.findMany({ where: { entity: 'report_run' }, orderBy: { id: 'desc' }, take: 1 });
    expect(again[0].before).toMatchObject({ status: expect.any(String) });
  });

  it('gives a département partner the rowCount and summary of its own rows', async () => {
    const run = await t.prisma.reportRun.create({
      data: {
        regionCode: '84',
        type: 'FUNDING',
        date: new Date('2025-06-01'),
        status: 'SUCCEEDED',
        rowCount: 3,
        summary: {
          envelopes: [
            { funder: 'REGION', departmentCode: null, programme: 'CPER', amountCents: 1, committedCents: 0, remainingCents: 1 },
            { funder: 'DETR', departmentCode: '43', programme: 'DETR 43', amountCents: 2, committedCents: 0, remainingCents: 2 },
            { funder: 'DETR', departmentCode: '74', programme: 'DETR 74', amountCents: 3, committedCents: 0, remainingCents: 3 },
          ],
        },
        rows: {
          create: [
            { position: 1, departmentCode: '43', data: { departmentCode: '43', funder: 'REGION' } },
            { position: 2, departmentCode: '43', data: { departmentCode: '43', funder: 'ARS' } },
            { position: 3, departmentCode: '74', data: { departmentCode: '74', funder: 'REGION' } },
          ],
        },
      },
    });
    const mine = (await t.http().get(`/api/v1/reports/runs/${run.id}`).set(as(partner74)).expect(200)).body;
    expect(mine.rowCount).toBe(1);
    expect(mine.rows).toHaveLength(1);
    expect(mine.summary.envelopes.map((e: { programme: string }) => e.programme)).toEqual(['CPER', 'DETR 74']);
    const listed = (await t.http().get('/api/v1/reports/runs?type=FUNDING&date=2025-06-01').set('X-API-Key', key74).expect(200)).body.items;
    expect(listed).toEqual([expect.objectContaining({ id: run.id, rowCount: 1 })]);
    expect(listed[0].summary.envelopes).toHaveLength(2);
    const csv = await t.http().get(`/api/v1/reports/runs/${run.id}/download?format=csv`).set(as(partner74)).expect(200);
    expect(csv.text.trim().split('\n')).toHaveLength(2); // header + the one row of 74
    expect(csv.text).not.toMatch(/^43,/m);
    // The region sees the whole run.
    const region = (await t.http().get(`/api/v1/reports/runs/${run.id}`).set(as(regionPartner)).expect(200)).body;
    expect(region.rowCount).toBe(3);
    expect(region.summary.envelopes).toHaveLength(3);
  });

  it("shows a partner its own funder's lines of a plan in full, the others' not at all, and the totals", async () => {
    const full = (await t.http().get(`/api/v1/applications/${dossier74}/funding-plan`).set(as(instructor)).expect(200)).body;
    expect(full.lines.map((l: { funder: string }) => l.funder).sort()).toEqual(['ARS', 'REGION']);
    const mine = (await t.http().get(`/api/v1/applications/${dossier74}/funding-plan`).set(as(regionPartner)).expect(200)).body;
    expect(mine.lines).toEqual([full.lines.find((l: { funder: string }) => l.funder === 'REGION')]);
    for (const k of ['totalCents', 'publicTotalCents', 'selfFinancingCents', 'publicCeilingCents', 'eligibleCostCents', 'status']) expect(mine[k]).toEqual(full[k]);
    // A DETR préfecture with no DETR line on this plan: the totals, no line.
    const detr = (await t.http().get(`/api/v1/applications/${dossier74}/funding-plan`).set(as(partner74)).expect(200)).body;
    expect(detr.lines).toEqual([]);
    expect(detr.totalCents).toBe(full.totalCents);
    // Its own write's answer is filtered the same way.
    const committed = await t.http().put(`/api/v1/applications/${dossier74}/funding-plan/lines/REGION`).set(as(regionPartner)).send({ committedCents: 1_000_000 }).expect(200);
    expect(committed.body.lines.map((l: { funder: string }) => l.funder)).toEqual(['REGION']);
    // Auditors see every line.
    const auditor = await actor(t, 'AUDITOR');
    expect((await t.http().get(`/api/v1/applications/${dossier74}/funding-plan`).set(as(auditor)).expect(200)).body.lines).toHaveLength(2);
  });

  it('refuses every write that belongs to the region to a département caller, whatever its role (403, nothing written)', async () => {
    // An ADMIN of a département's organisation cannot be made through the API (roleFits): the
    // scope, not the role, decides.
    const org = await makeOrganization(t, { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '74', funders: ['DETR'] });
    const user = await makeUser(t, 'ADMIN', org.id);
    const login = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
    const D = { Authorization: `Bearer ${login.body.accessToken}` };
    const ruleSet = await t.prisma.fundingRuleSet.findFirstOrThrow({ where: { regionCode: '84' } });
    const auditBefore = await t.prisma.auditLog.count();
    const attempts = [
      t
        .http()
        .post('/api/v1/funding-rule-sets')
        .set(D)
        .send({
          name: 'x',
          publicCeilingBps: 8000,
          funders: { REGION: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE'], defaultRateBps: 1000, minRateBps: 0, maxRateBps: 2000, priority: 1 } },
        }),
      t.http().post(`/api/v1/funding-rule-sets/${ruleSet.id}/activate`).set(D).send({}),
      t.http().post('/api/v1/envelopes').set(D).send({ funder: 'FNADT', regionCode: '84', programme: 'x', amountCents: 1 }),
      t.http().post(`/api/v1/envelopes/${regionEnvelope}/adjustments`).set(D).send({ amountCents: 1, note: 'x' }),
      t.http().post(`/api/v1/envelopes/${regionEnvelope}/close`).set(D).send({}),
      t
        .http()
        .post('/api/v1/communes')
        .set(D)
        .send({ inseeCode: '74999', name: 'X', departmentCode: '74', regionCode: '84', population: 1, zone: 'ZIP', qpv: false, island: false, rural: true }),
      t
        .http()
        .post('/api/v1/communes/import')
        .set(D)
        .set('Content-Type', 'text/csv')
        .send('inseeCode,name,departmentCode,regionCode,population,zone,qpv,island,rural\n74998,X,74,84,1,ZIP,false,false,true\n'),
      t.http().post('/api/v1/communes/zoning/import').set(D).set('Content-Type', 'text/csv').send('inseeCode,zone,qpv,island\n74010,ZAC,false,false\n'),
      t.http().post('/api/v1/communes/load-official').set(D).send({ regionCode: '84' }),
      t.http().patch('/api/v1/communes/74010').set(D).send({ zone: 'ZAC' }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(expectProblem(res, 403)).toMatchObject({ rule: 'region-wide-write', departmentCode: '74' });
    }
    expect(await t.prisma.auditLog.count()).toBe(auditBefore);
    expect((await t.prisma.commune.findUniqueOrThrow({ where: { inseeCode: '74010' } })).zone).toBe('ZIP');
    expect(await t.prisma.commune.count({ where: { inseeCode: { in: ['74999', '74998'] } } })).toBe(0);
    expect((await t.prisma.envelope.findUniqueOrThrow({ where: { id: regionEnvelope } })).status).toBe('OPEN');
  });

  it('refuses a commune whose département lies in another region (422 department-not-in-region), nothing written', async () => {
    const res = await t
      .http()
      .post('/api/v1/communes')
      .set(as(admin))
      .send({ inseeCode: '29020', name: 'Brest', departmentCode: '29', regionCode: '84', population: 139_000, zone: 'NONE', qpv: false, island: false, rural: false });
    expect(expectProblem(res, 422)).toMatchObject({ rule: 'department-not-in-region', inseeCode: '29020', departmentCode: '29', regionCode: '84' });
    expect(await t.prisma.commune.count({ where: { inseeCode: '29020' } })).toBe(0);
    // Region 53 then creates its own commune.
    const bretagne = await actor(t, 'ADMIN', { regionCode: '53' });
    await t
      .http()
      .post('/api/v1/communes')
      .set(as(bretagne))
      .send({ inseeCode: '29020', name: 'Brest', departmentCode: '29', regionCode: '53', population: 139_000, zone: 'NONE', qpv: false, island: false, rural: false })
      .expect(201);
    // The import names the line and the rule, all rows or none.
    const imported = await t
      .http()
      .post('/api/v1/communes/import')
      .set(as(admin))
      .set('Content-Type', 'text/csv')
      .send('inseeCode,name,departmentCode,regionCode,population,zone,qpv,island,rural\n43301,Ok,43,84,100,ZIP,false,false,true\n29021,Brest bis,29,84,1,ZIP,false,false,true\n');
    const problem = expectProblem(imported, 400);
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'departmentCode', line: 3, message: expect.stringContaining('department-not-in-region') })]);
    expect(await t.prisma.commune.count({ where: { inseeCode: { in: ['43301', '29021'] } } })).toBe(0);
  });

  it("answers 404 for the events and the audit trail of another département's dossier", async () => {
    expectProblem(await t.http().get(`/api/v1/applications/${dossier43}/events`).set(as(partner74)), 404);
    await t.http().get(`/api/v1/applications/${dossier74}/events`).set(as(partner74)).expect(200);
    // An auditor of a département's organisation (only through the database): one dossier of its own.
    const org = await t.prisma.organization.findFirstOrThrow({ where: { departmentCode: '74' } });
    const user = await makeUser(t, 'AUDITOR', org.id);
    const login = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
    const A = { Authorization: `Bearer ${login.body.accessToken}` };
    expectProblem(await t.http().get(`/api/v1/audit?entity=application&id=${dossier43}`).set(A), 404);
    expectProblem(await t.http().get('/api/v1/audit').set(A), 403);
    const own = await t.http().get(`/api/v1/audit?entity=application&id=${dossier74}`).set(A).expect(200);
    expect(own.body.items.length).toBeGreaterThan(0);
  });
});
