// The turn-2 columns of the reports (docs/domain.md, Reports): FOLLOW_UP counts sites
// (projects), not dossiers, and sums their CLS follow-up (seed 003); PIPELINE rows carry the
// procedure and the call; the audit statuses are in the reports' status lists.
import { parse } from 'csv-parse/sync';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { advance, makeDossier, reach, today } from '../helpers/dossiers.js';
import { actor, type Actor, makeCommune, makeProject, makePromoter } from '../helpers/factories.js';

type Row = Record<string, unknown>;

describe('reports: follow-up per site, pipeline procedure, audit statuses', () => {
  let t: TestApp;
  let admin: Actor, instructor: Actor, director: Actor, prefecture74: Actor;
  let reportingKey: string;
  const who = () => ({ instructor, director });
  const year = Number(today().slice(0, 4));
  const p: Record<string, string> = {};
  const d: Record<string, string> = {};

  async function run(type: string, date = today()): Promise<{ id: string; rows: Row[] }> {
    const item = (await t.http().post('/api/v1/reports/runs').set('X-API-Key', reportingKey).send({ type, date }).expect(202)).body.items[0];
    for (let i = 0; i < 100; i++) {
      const r = (await t.http().get(`/api/v1/reports/runs/${item.id}`).set('X-API-Key', reportingKey).expect(200)).body;
      if (r.status === 'SUCCEEDED' && r.finishedAt) return r;
      if (r.status === 'FAILED') throw new Error(r.error);
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new Error(`${type} did not finish`);
  }
  const newDossier = async (projectId: string) =>
    (await t.http().post('/api/v1/applications').set('Authorization', instructor.auth).send({ projectId }).expect(201)).body.id as string;
  /** Another site (project) in a commune that exists already, with one dossier. */
  async function siteIn(inseeCode: string, existing = false): Promise<{ id: string; projectId: string }> {
    const promoter = await makePromoter(t, inseeCode);
    const projectId = (await makeProject(t, promoter.id, inseeCode, { existing })).id;
    return { id: await newDossier(projectId), projectId };
  }
  const putFollowUp = (projectId: string, y: number, installations: number, studentTrainees: number, departuresReplaced: number) =>
    t.http().put(`/api/v1/projects/${projectId}/follow-up/${y}`).set('Authorization', instructor.auth).send({ installations, studentTrainees, departuresReplaced }).expect(200);

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    admin = await actor(t, 'ADMIN');
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    prefecture74 = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '74', funders: ['DETR'] });
    reportingKey = (
      await t.http().post('/api/v1/api-keys').set('Authorization', admin.auth).send({ name: 'nightly', role: 'REPORTING', organizationId: admin.organizationId }).expect(201)
    ).body.key;

    // 43101: a site whose first dossier was withdrawn, then a new one opened: ONE site in project.
    ({ id: d.withdrawn, projectId: p.again } = await makeDossier(t, instructor, { commune: { inseeCode: '43101', departmentCode: '43' } }));
    await reach(t, d.withdrawn, 'WITHDRAWN', who());
    d.again = await newDossier(p.again);
    // 43102: a site with two live dossiers, one with its récépissé issued: ONE operational site.
    ({ id: d.receipt, projectId: p.twice } = await makeDossier(t, instructor, { commune: { inseeCode: '43102', departmentCode: '43' } }));
    await advance(t, d.receipt, 'RECEIPT_ISSUED', who());
    d.second = await newDossier(p.twice);
    // 43102 too: an existing centre, operational from its first dossier.
    ({ projectId: p.existing } = await siteIn('43102', true));
    // 43103: a site whose only dossiers left the procedure: no site.
    ({ id: d.rejected, projectId: p.gone } = await makeDossier(t, instructor, { commune: { inseeCode: '43103', departmentCode: '43' } }));
    await reach(t, d.rejected, 'REJECTED', who());
    d.closed = await newDossier(p.gone);
    await reach(t, d.closed, 'CLOSED', who());
    // 74101: a completed site, and (74102) an existing centre audited, its audit under way and dormant.
    ({ id: d.completed, projectId: p.completed } = await makeDossier(t, instructor, { commune: { inseeCode: '74101', departmentCode: '74' }, convention: 'ACI' }));
    await advance(t, d.completed, 'COMPLETED', who());
    ({ id: d.audit, projectId: p.audit } = await makeDossier(t, instructor, { commune: { inseeCode: '74102', departmentCode: '74' }, existing: true }));
    // The audit's own workflow is another slice's: the dossier is put in its status directly.
    await t.prisma.application.update({
      where: { id: d.audit },
      data: { procedure: 'AUDIT', status: 'AUDIT_IN_PROGRESS', lastEventAt: new Date(Date.now() - 100 * 86_400_000) },
    });
    // 74102 too: another existing centre whose audit plan was delivered (terminal, with a result).
    ({ id: d.delivered } = await siteIn('74102', true));
    await t.prisma.application.update({
      where: { id: d.delivered },
      data: { procedure: 'AUDIT', status: 'AUDIT_DELIVERED', lastEventAt: new Date(Date.now() - 100 * 86_400_000) },
    });

    // The follow-up (seed 003) of three sites, over several years.
    await putFollowUp(p.again, year - 2, 1, 2, 0);
    await putFollowUp(p.again, year - 1, 2, 1, 1);
    await putFollowUp(p.again, year, 1, 0, 1);
    await putFollowUp(p.twice, year - 1, 3, 0, 2);
    await putFollowUp(p.gone, year - 1, 9, 9, 9); // not a site: not counted
    await putFollowUp(p.completed, year, 0, 5, 0);
  }, 120_000);
  afterAll(() => t.close());

  it('counts sites, not dossiers: one row per (département, commune), with the follow-up sums up to the run year', async () => {
    const { rows } = await run('FOLLOW_UP');
    expect(rows).toEqual([
      {
        departmentCode: '43',
        communeInsee: '43101',
        communeName: 'Commune 43101',
        sitesInProject: 1,
        sitesOperational: 0,
        doctorsPlanned: 3,
        professionalsPlanned: 8,
        installations: 4,
        studentTrainees: 3,
        departuresReplaced: 2,
      },
      {
        departmentCode: '43',
        communeInsee: '43102',
        communeName: 'Commune 43102',
        sitesInProject: 0,
        sitesOperational: 2,
        doctorsPlanned: 6,
        professionalsPlanned: 16,
        installations: 3,
        studentTrainees: 0,
        departuresReplaced: 2,
      },
      {
        departmentCode: '74',
        communeInsee: '74101',
        communeName: 'Commune 74101',
        sitesInProject: 0,
        sitesOperational: 1,
        doctorsPlanned: 3,
        professionalsPlanned: 8,
        installations: 0,
        studentTrainees: 5,
        departuresReplaced: 0,
      },
      {
        departmentCode: '74',
        communeInsee: '74102',
        communeName: 'Commune 74102',
        sitesInProject: 0,
        sitesOperational: 2,
        doctorsPlanned: 6,
        professionalsPlanned: 16,
        installations: 0,
        studentTrainees: 0,
        departuresReplaced: 0,
      },
    ]);
    // A run dated last year sums the years up to last year only.
    const past = await run('FOLLOW_UP', `${year - 1}-12-31`);
    expect(past.rows.map((r) => [r.communeInsee, r.installations, r.studentTrainees, r.departuresReplaced])).toEqual([
      ['43101', 3, 3, 1],
      ['43102', 3, 0, 2],
      ['74101', 0, 0, 0],
      ['74102', 0, 0, 0],
    ]);
  }, 60_000);

  it("reports a site under its project's département, and a partner of the 74 reads only the 74 (JSON and CSV with the new columns)", async () => {
    // The project moves to another commune of another département: its dossiers follow.
    await makeCommune(t, { inseeCode: '74103', departmentCode: '74' });
    await t.http().patch(`/api/v1/projects/${p.again}`).set('Authorization', instructor.auth).send({ communeInsee: '74103' }).expect(200);
    try {
      const { id, rows } = await run('FOLLOW_UP');
      expect(rows.map((r) => [r.departmentCode, r.communeInsee, r.sitesInProject, r.installations])).toEqual([
        ['43', '43102', 0, 3],
        ['74', '74101', 0, 0],
        ['74', '74102', 0, 0],
        ['74', '74103', 1, 4],
      ]);
      const partner = (await t.http().get(`/api/v1/reports/runs/${id}`).set('Authorization', prefecture74.auth).expect(200)).body;
      expect(partner.rows.map((r: Row) => r.communeInsee)).toEqual(['74101', '74102', '74103']);
      const csv = await t.http().get(`/api/v1/reports/runs/${id}/download?format=csv`).set('Authorization', prefecture74.auth).expect(200);
      const parsed = parse<Record<string, string>>(csv.text, { columns: true });
      expect(Object.keys(parsed[0])).toEqual([
        'departmentCode',
        'communeInsee',
        'communeName',
        'sitesInProject',
        'sitesOperational',
        'doctorsPlanned',
        'professionalsPlanned',
        'installations',
        'studentTrainees',
        'departuresReplaced',
      ]);
      expect(parsed.map((r) => [r.communeInsee, r.installations, r.studentTrainees, r.departuresReplaced])).toEqual([
        ['74101', '0', '5', '0'],
        ['74102', '0', '0', '0'],
        ['74103', '4', '3', '2'],
      ]);
    } finally {
      await t.http().patch(`/api/v1/projects/${p.again}`).set('Authorization', instructor.auth).send({ communeInsee: '43101' }).expect(200);
    }
  }, 60_000);

  it('gives PIPELINE rows their procedure and callId (null), grouped by procedure, audit statuses without a step', async () => {
    const { id, rows } = await run('PIPELINE');
    expect(rows.every((r) => 'procedure' in r && r.callId === null)).toBe(true);
    expect(rows).toEqual([
      { departmentCode: '43', step: 1, status: 'DRAFT', kind: 'MSP', zone: 'ZIP', procedure: 'ACCOMPANIMENT', callId: null, count: 3 },
      { departmentCode: '43', step: 2, status: 'RECEIPT_ISSUED', kind: 'MSP', zone: 'ZIP', procedure: 'ACCOMPANIMENT', callId: null, count: 1 },
      { departmentCode: '43', step: null, status: 'CLOSED', kind: 'MSP', zone: 'ZIP', procedure: 'ACCOMPANIMENT', callId: null, count: 1 },
      { departmentCode: '43', step: null, status: 'REJECTED', kind: 'MSP', zone: 'ZIP', procedure: 'ACCOMPANIMENT', callId: null, count: 1 },
      { departmentCode: '43', step: null, status: 'WITHDRAWN', kind: 'MSP', zone: 'ZIP', procedure: 'ACCOMPANIMENT', callId: null, count: 1 },
      { departmentCode: '74', step: 3, status: 'COMPLETED', kind: 'MSP', zone: 'ZIP', procedure: 'ACCOMPANIMENT', callId: null, count: 1 },
      { departmentCode: '74', step: null, status: 'AUDIT_DELIVERED', kind: 'MSP', zone: 'ZIP', procedure: 'AUDIT', callId: null, count: 1 },
      { departmentCode: '74', step: null, status: 'AUDIT_IN_PROGRESS', kind: 'MSP', zone: 'ZIP', procedure: 'AUDIT', callId: null, count: 1 },
    ]);
    const csv = parse<Record<string, string>>((await t.http().get(`/api/v1/reports/runs/${id}/download?format=csv`).set('X-API-Key', reportingKey).expect(200)).text, {
      columns: true,
    });
    expect(Object.keys(csv[0])).toEqual(['departmentCode', 'step', 'status', 'kind', 'zone', 'count', 'procedure', 'callId']);
    expect(csv.find((r) => r.status === 'AUDIT_IN_PROGRESS')).toMatchObject({ step: '', procedure: 'AUDIT', callId: '' });
  }, 60_000);

  it('lists a dormant audit under way in DEADLINES, never a delivered one', async () => {
    const { rows } = await run('DEADLINES');
    const dormant = rows.filter((r) => r.reason === 'DORMANT').map((r) => r.applicationId);
    expect(dormant).toContain(d.audit);
    expect(dormant).not.toContain(d.delivered);
  }, 60_000);
});
