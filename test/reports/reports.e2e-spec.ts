import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { addMonths, daysBetween } from '../../src/common/validation/dates.js';
import { NIGHTLY_QUEUE } from '../../src/reports/report-jobs.js';
import { bytes, startTestApp, type TestApp } from '../helpers/app.js';
import { advance, daysAgo, makeDossier, today } from '../helpers/dossiers.js';
import { actor, type Actor, expectProblem } from '../helpers/factories.js';
import { activeRuleSet, envelope } from '../helpers/funding.js';

describe('reports: pipeline, funding, deadlines, follow-up', () => {
  let t: TestApp;
  let admin: Actor, instructor: Actor, director: Actor, region: Actor, prefecture74: Actor;
  let reportingKey: string;
  const ids: Record<string, string> = {};
  const who = () => ({ instructor, director });

  async function runAll(date = today()) {
    const res = await t.http().post('/api/v1/reports/runs').set('X-API-Key', reportingKey).send({ date }).expect(202);
    expect(res.body.items.map((r: { type: string }) => r.type).sort()).toEqual(['DEADLINES', 'FOLLOW_UP', 'FUNDING', 'PIPELINE']);
    const byType: Record<string, { id: string; rows: Record<string, unknown>[]; summary: Record<string, unknown>; rowCount: number }> = {};
    for (const item of res.body.items) {
      for (let i = 0; i < 100; i++) {
        const run = (await t.http().get(`/api/v1/reports/runs/${item.id}`).set('X-API-Key', reportingKey).expect(200)).body;
        if (run.status === 'SUCCEEDED' && run.finishedAt) {
          byType[item.type] = run;
          break;
        }
        if (run.status === 'FAILED') throw new Error(run.error);
        await new Promise((r) => setTimeout(r, 200));
      }
      if (!byType[item.type]) throw new Error(`${item.type} did not finish`);
    }
    return byType;
  }

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    admin = await actor(t, 'ADMIN');
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    region = await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] });
    prefecture74 = await actor(t, 'PARTNER', { type: 'PREFECTURE_DEPARTEMENT', departmentCode: '74', funders: ['DETR'] });
    reportingKey = (
      await t.http().post('/api/v1/api-keys').set('Authorization', admin.auth).send({ name: 'nightly', role: 'REPORTING', organizationId: admin.organizationId }).expect(201)
    ).body.key;

    ids.draft = (await makeDossier(t, instructor, { commune: { inseeCode: '43001', departmentCode: '43' } })).id;
    ids.late = (await makeDossier(t, instructor, { commune: { inseeCode: '43002', departmentCode: '43' } })).id;
    await advance(t, ids.late, 'STEP2_IN_PROGRESS', who());
    await t
      .http()
      .post(`/api/v1/applications/${ids.late}/deliverables`)
      .set('Authorization', instructor.auth)
      .send({ receivedOn: daysAgo(70) })
      .expect(200);
    await t
      .http()
      .post(`/api/v1/applications/${ids.late}/receipt`)
      .set('Authorization', director.auth)
      .send({ issuedOn: today(), finessEj: '430000123', finessEt: '430000131' })
      .expect(200);
    ids.soon = (await makeDossier(t, instructor, { commune: { inseeCode: '43003', departmentCode: '43' } })).id;
    await advance(t, ids.soon, 'STEP2_IN_PROGRESS', who());
    await t
      .http()
      .post(`/api/v1/applications/${ids.soon}/deliverables`)
      .set('Authorization', instructor.auth)
      .send({ receivedOn: daysAgo(50) })
      .expect(200);
    ids.overdue = (await makeDossier(t, instructor, { commune: { inseeCode: '74010', departmentCode: '74' } })).id;
    await advance(t, ids.overdue, 'STEP2_IN_PROGRESS', who());
    await t
      .http()
      .post(`/api/v1/applications/${ids.overdue}/deliverables`)
      .set('Authorization', instructor.auth)
      .send({ receivedOn: daysAgo(65) })
      .expect(200);
    ids.dormant = (await makeDossier(t, instructor, { commune: { inseeCode: '74011', departmentCode: '74' } })).id;
    await t.prisma.application.update({ where: { id: ids.dormant }, data: { lastEventAt: new Date(Date.now() - 100 * 86_400_000) } });

    // Funding: the late dossier's plan is committed, and the Région paid an advance.
    await activeRuleSet(t, admin);
    await envelope(t, admin, 'REGION', 50_000_000);
    await envelope(t, admin, 'ARS', 50_000_000);
    await t
      .http()
      .put(`/api/v1/applications/${ids.late}/expenses`)
      .set('Authorization', instructor.auth)
      .send([{ category: 'IMMOBILIER', label: 'Travaux', amountCents: 20_000_000 }])
      .expect(200);
    await t.http().post(`/api/v1/applications/${ids.late}/funding-plan/compute`).set('Authorization', instructor.auth).send({}).expect(200);
    await t.http().post(`/api/v1/applications/${ids.late}/funding-plan/commit`).set('Authorization', director.auth).expect(200);
    await t.http().put(`/api/v1/applications/${ids.late}/funding-plan/lines/REGION`).set('Authorization', region.auth).send({ committedCents: 10_000_000 }).expect(200);
    await t
      .http()
      .post(`/api/v1/applications/${ids.late}/funding-plan/lines/REGION/payments`)
      .set('Authorization', region.auth)
      .send({ kind: 'ADVANCE', amountCents: 3_000_000, paidOn: today() })
      .expect(201);
    await t
      .http()
      .put(`/api/v1/applications/${ids.soon}/expenses`)
      .set('Authorization', instructor.auth)
      .send([{ category: 'IMMOBILIER', label: 'Travaux', amountCents: 8_000_000 }])
      .expect(200);
    await t.http().post(`/api/v1/applications/${ids.soon}/funding-plan/compute`).set('Authorization', instructor.auth).send({}).expect(200);
  }, 60_000);
  afterAll(() => t.close());

  it('computes each report with exactly the expected rows, and a partner of the 74 reads only its rows', async () => {
    const runs = await runAll();
    expect(runs.PIPELINE.rows).toEqual([
      { departmentCode: '43', step: 1, status: 'DRAFT', kind: 'MSP', zone: 'ZIP', procedure: 'ACCOMPANIMENT', callId: null, count: 1 },
      { departmentCode: '43', step: 2, status: 'DELIVERABLES_RECEIVED', kind: 'MSP', zone: 'ZIP', procedure: 'ACCOMPANIMENT', callId: null, count: 1 },
      { departmentCode: '43', step: 2, status: 'RECEIPT_ISSUED', kind: 'MSP', zone: 'ZIP', procedure: 'ACCOMPANIMENT', callId: null, count: 1 },
      { departmentCode: '74', step: 1, status: 'DRAFT', kind: 'MSP', zone: 'ZIP', procedure: 'ACCOMPANIMENT', callId: null, count: 1 },
      { departmentCode: '74', step: 2, status: 'DELIVERABLES_RECEIVED', kind: 'MSP', zone: 'ZIP', procedure: 'ACCOMPANIMENT', callId: null, count: 1 },
    ]);
    expect(runs.FUNDING.rows).toEqual([
      { departmentCode: '43', funder: 'ARS', dossiers: 0, computedCents: 0, committedCents: 0, paidCents: 0, toRecoverCents: 0 },
      { departmentCode: '43', funder: 'REGION', dossiers: 2, computedCents: 14_000_000, committedCents: 10_000_000, paidCents: 3_000_000, toRecoverCents: 0 },
    ]);
    expect(runs.FUNDING.summary.envelopes).toEqual(
      expect.arrayContaining([expect.objectContaining({ funder: 'REGION', amountCents: 50_000_000, committedCents: 10_000_000, remainingCents: 40_000_000 })]),
    );

    const due = (received: number) => addMonths(daysAgo(received), 2);
    const deadlines = runs.DEADLINES.rows.map((r) => [r.applicationId, r.reason, r.receiptDueOn, r.daysLate]);
    expect(deadlines).toEqual(
      expect.arrayContaining([
        [ids.late, 'RECEIPT_LATE', due(70), daysBetween(due(70), today())],
        [ids.soon, 'RECEIPT_DUE_SOON', due(50), daysBetween(due(50), today())],
        [ids.overdue, 'RECEIPT_OVERDUE', due(65), daysBetween(due(65), today())],
        [ids.dormant, 'DORMANT', null, null],
      ]),
    );
    expect(deadlines).toHaveLength(4);

    expect(runs.FOLLOW_UP.rows.map((r) => [r.communeInsee, r.sitesInProject, r.sitesOperational, r.doctorsPlanned])).toEqual([
      ['43001', 1, 0, 3],
      ['43002', 0, 1, 3],
      ['43003', 1, 0, 3],
      ['74010', 1, 0, 3],
      ['74011', 1, 0, 3],
    ]);

    const partnerView = (await t.http().get(`/api/v1/reports/runs/${runs.PIPELINE.id}`).set('Authorization', prefecture74.auth).expect(200)).body;
    expect(partnerView.rows.map((r: { departmentCode: string }) => r.departmentCode)).toEqual(['74', '74']);
  }, 60_000);

  it('downloads CSV and XLSX that parse back to the same rows, filtered for the partner, with a telling file name', async () => {
    const runs = await runAll();
    const csv = await t.http().get(`/api/v1/reports/runs/${runs.FOLLOW_UP.id}/download?format=csv`).set('X-API-Key', reportingKey).expect(200);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="report-84-follow_up-${today()}.csv"`);
    const parsed = parse<Record<string, string>>(csv.text, { columns: true });
    expect(parsed.map((r) => [r.communeInsee, Number(r.sitesOperational)])).toEqual(runs.FOLLOW_UP.rows.map((r) => [r.communeInsee, r.sitesOperational]));
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

    const xlsx = await t.http().get(`/api/v1/reports/runs/${runs.PIPELINE.id}/download?format=xlsx`).set('Authorization', prefecture74.auth).buffer(true).parse(bytes).expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as never);
    const sheet = workbook.worksheets[0];
    const values = sheet
      .getSheetValues()
      .filter(Boolean)
      .map((row) => (row as unknown[]).slice(1));
    expect(values[0]).toEqual(['departmentCode', 'step', 'status', 'kind', 'zone', 'count', 'procedure', 'callId']);
    // callId is null: exceljs leaves the cell empty, so the row ends at procedure.
    expect(values.slice(1)).toEqual([
      ['74', 1, 'DRAFT', 'MSP', 'ZIP', 1, 'ACCOMPANIMENT'],
      ['74', 2, 'DELIVERABLES_RECEIVED', 'MSP', 'ZIP', 1, 'ACCOMPANIMENT'],
    ]);
    expectProblem(await t.http().get(`/api/v1/reports/runs/${runs.PIPELINE.id}/download?format=pdf`).set('X-API-Key', reportingKey), 400);
  }, 60_000);

  it('replaces a run of the same type and date (same run, new rows), and lists runs', async () => {
    const first = await runAll('2026-11-02');
    await t.http().post(`/api/v1/applications/${ids.draft}/withdraw`).set('Authorization', instructor.auth).send({ reason: 'abandon' }).expect(200);
    const second = await runAll('2026-11-02');
    expect(second.PIPELINE.id).toBe(first.PIPELINE.id);
    expect(second.PIPELINE.rows).toContainEqual({
      departmentCode: '43',
      step: null,
      status: 'WITHDRAWN',
      kind: 'MSP',
      zone: 'ZIP',
      procedure: 'ACCOMPANIMENT',
      callId: null,
      count: 1,
    });
    expect(await t.prisma.reportRow.count({ where: { runId: first.PIPELINE.id } })).toBe(second.PIPELINE.rowCount);
    const list = await t.http().get('/api/v1/reports/runs?date=2026-11-02').set('Authorization', admin.auth).expect(200);
    expect(list.body.items).toHaveLength(4);
    expectProblem(await t.http().post('/api/v1/reports/runs').set('Authorization', instructor.auth).send({}), 403);
  }, 60_000);

  it('schedules the nightly run once per tick however many instances run', async () => {
    const env = { REPORTS_CRON: '* * * * *', JOBS_CRON_INTERVAL_SECONDS: '1' };
    const { createApp } = await import('../../src/app.factory.js');
    const { loadConfig } = await import('../../src/config/config.js');
    const { TEST_ENV } = await import('../helpers/app.js');
    const instances = await Promise.all([1, 2].map(() => createApp(loadConfig({ ...TEST_ENV, ...env }), t.databaseUrl)));
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    let closed = false;
    try {
      let nightly = 0;
      for (let i = 0; i < 40 && nightly === 0; i++) {
        await new Promise((r) => setTimeout(r, 500));
        nightly = Number((await client.query('SELECT count(*) FROM pgboss.job WHERE name = $1', [NIGHTLY_QUEUE])).rows[0].count);
      }
      await new Promise((r) => setTimeout(r, 3000)); // both instances had several ticks meanwhile
      // Stopped before counting: a tick between the two counts would be seen without its job.
      await Promise.all(instances.map((a) => a.close()));
      closed = true;
      // The nightly schedule's ticks only: another schedule (the DS sync every 30 minutes) ticks
      // in the same minute at :00 and :30, with its own key.
      const ticks = (
        await client.query(`SELECT singleton_on, count(*)::int AS n FROM pgboss.job WHERE name = '__pgboss__send-it' AND singleton_key = $1 GROUP BY 1`, [NIGHTLY_QUEUE])
      ).rows;
      nightly = Number((await client.query('SELECT count(*) FROM pgboss.job WHERE name = $1', [NIGHTLY_QUEUE])).rows[0].count);
      expect(ticks.length).toBeGreaterThanOrEqual(1);
      expect(ticks.every((r: { n: number }) => r.n === 1)).toBe(true);
      expect(nightly).toBe(ticks.length);
    } finally {
      await client.end();
      if (!closed) await Promise.all(instances.map((a) => a.close()));
    }
  }, 60_000);
});
