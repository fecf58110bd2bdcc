// `npm run seed:demo` as an operator runs it (`node dist/cli/seed-demo.js`), twice, on a fresh
// database: the region's official communes with the demo zoning, 40+ dossiers over every
// status of both procedures, séances with opinions of every outcome, decisions, récépissés (some
// late), plans committed against the envelopes with the partners' commitments and payments, a
// PIPELINE report run; every write through the services (audit trail, whose chains hold as
// `npm run audit:verify` checks them); and the second run writes nothing and moves nothing.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { ALL_STATUSES } from '../../src/applications/workflow.js';
import { DEPARTMENTS_OF_REGION } from '../../src/reference/departments.js';
import { readOfficialDataset, regionSlice } from '../../src/reference/official/dataset.js';
import { TEST_ENV } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';

const run = promisify(execFile);
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('npm run seed:demo', () => {
  let db: { url: string; drop(): Promise<void> };
  let client: pg.Client;
  const env = () => ({ PATH: process.env.PATH ?? '', ...TEST_ENV, DATABASE_URL: db.url, BOOTSTRAP_ADMIN_EMAIL: 'admin@ars.test', BOOTSTRAP_REGION_CODE: '84' });
  const seed = async (label: string) => {
    const started = Date.now();
    const out = await run(process.execPath, ['dist/cli/seed-demo.js'], { env: env(), cwd: process.cwd() });
    console.info(`seed:demo, ${label}: ${Date.now() - started} ms`);
    return out;
  };
  const rows = async <T extends pg.QueryResultRow>(sql: string, values: unknown[] = []) => (await client.query<T>(sql, values)).rows;
  const one = async <T extends pg.QueryResultRow>(sql: string, values: unknown[] = []) => (await rows<T>(sql, values))[0];
  /** What any run could add to or move: a second run must leave each as it was. */
  const state = async () => {
    const tables = [
      'audit_log',
      'organizations',
      'users',
      'communes',
      'epcis',
      'promoters',
      'projects',
      'applications',
      'application_events',
      'carpec_sessions',
      'carpec_agenda_items',
      'carpec_opinions',
      'decisions',
      'receipts',
      'expenses',
      'funding_rule_sets',
      'funding_plans',
      'funding_plan_lines',
      'payments',
      'envelopes',
      'envelope_movements',
      'report_runs',
      'report_rows',
    ];
    const counts = await one<Record<string, string>>(`SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`);
    const versions = await one<Record<string, string>>(
      `SELECT (SELECT max(id) FROM audit_log) AS last_audit, (SELECT sum(version) FROM applications) AS applications,
              (SELECT sum(version) FROM communes) AS communes, (SELECT sum(version) FROM funding_plans) AS plans,
              (SELECT sum(version) FROM funding_plan_lines) AS lines, (SELECT max(finished_at)::text FROM report_runs) AS report`,
    );
    const dossiers = await rows('SELECT id, status::text, version FROM applications ORDER BY id');
    return { counts, versions, dossiers };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('spreads the demo over every status through the services, says what to open, and a second run adds nothing', async () => {
    const first = await seed('first run');

    // The demo accounts: the ARS's instructor and DG, and the partners', each password shown once.
    for (const [email, role] of [
      ['instructeur.demo@ars.test', 'INSTRUCTOR'],
      ['dg.demo@ars.test', 'DIRECTOR'],
      ['region.demo@partenaires.test', 'PARTNER'],
      ['prefecture-region.demo@partenaires.test', 'PARTNER'],
      ['prefecture43.demo@partenaires.test', 'PARTNER'],
    ]) {
      expect(first.stdout).toMatch(new RegExp(`${email.replace(/\./g, '\\.')} \\(${role}\\) +password: \\S{20}`));
    }
    expect(
      await rows(`SELECT u.email, u.role::text AS role, o.type::text AS type, o.department_code, o.funders::text[] AS funders
                       FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.email LIKE '%.demo@%' ORDER BY u.email`),
    ).toEqual([
      { email: 'dg.demo@ars.test', role: 'DIRECTOR', type: 'ARS', department_code: null, funders: ['ARS'] },
      { email: 'instructeur.demo@ars.test', role: 'INSTRUCTOR', type: 'ARS', department_code: null, funders: ['ARS'] },
      { email: 'prefecture-region.demo@partenaires.test', role: 'PARTNER', type: 'PREFECTURE_REGION', department_code: null, funders: ['DSIL', 'FNADT'] },
      { email: 'prefecture43.demo@partenaires.test', role: 'PARTNER', type: 'PREFECTURE_DEPARTEMENT', department_code: '43', funders: ['DETR'] },
      { email: 'region.demo@partenaires.test', role: 'PARTNER', type: 'REGION', department_code: null, funders: ['REGION'] },
    ]);

    // Every official commune of the region, loaded by the reference loader; the demo zoning on some.
    const official = regionSlice(await readOfficialDataset(), '84').communes.length;
    expect(Number((await one<{ n: string }>(`SELECT count(*) AS n FROM communes WHERE region_code = '84' AND source = 'OFFICIAL' AND active`)).n)).toBe(official);
    expect(official).toBeGreaterThan(4000);
    expect(
      await rows(`SELECT insee_code, zone::text AS zone, qpv, rural FROM communes WHERE insee_code IN ('43040', '03185', '26113', '07010', '69256') ORDER BY insee_code`),
    ).toEqual([
      { insee_code: '03185', zone: 'ZAC', qpv: true, rural: false },
      { insee_code: '07010', zone: 'NONE', qpv: false, rural: false },
      { insee_code: '26113', zone: 'ZIP', qpv: false, rural: true },
      { insee_code: '43040', zone: 'ZIP', qpv: false, rural: false },
      { insee_code: '69256', zone: 'ZAC', qpv: true, rural: false },
    ]);
    expect(Number((await one<{ n: string }>(`SELECT count(*) AS n FROM communes WHERE zone <> 'NONE'`)).n)).toBe(20);

    // 40+ dossiers over every status, both procedures, MSP and centres de santé, every département of the region.
    const dossiers = await rows<{ id: string; name: string; status: string; procedure: string; kind: string; department_code: string }>(
      `SELECT a.id, p.name, a.status::text AS status, a.procedure::text AS procedure, a.kind::text AS kind, a.department_code
       FROM applications a JOIN projects p ON p.id = a.project_id ORDER BY p.name`,
    );
    expect(dossiers.length).toBeGreaterThanOrEqual(40);
    expect(new Set(dossiers.map((d) => d.status))).toEqual(new Set(ALL_STATUSES));
    for (const procedure of ['ACCOMPANIMENT', 'AUDIT']) {
      expect(new Set(dossiers.filter((d) => d.procedure === procedure).map((d) => d.status)).size).toBeGreaterThanOrEqual(8);
    }
    expect(new Set(dossiers.map((d) => d.department_code))).toEqual(new Set(DEPARTMENTS_OF_REGION['84']));
    expect(dossiers.some((d) => d.kind === 'MSP') && dossiers.some((d) => d.kind.startsWith('CDS_'))).toBe(true);
    const byName = (name: string) => dossiers.find((d) => d.name === name)!;

    // Both étapes paths: a new centre through étapes 1, 2 and 3; an existing one from the decision straight to étape 3.
    const paths = await rows<{ name: string; path: string[] }>(
      `SELECT p.name, array_agg(e.to_status::text ORDER BY e.at, e.id) FILTER (WHERE e.to_status IS DISTINCT FROM e.from_status) AS path
       FROM application_events e JOIN applications a ON a.id = e.application_id JOIN projects p ON p.id = a.project_id
       WHERE p.name IN ('Maison de santé du Puy-en-Velay Guitard', 'Centre de santé de Firminy Centre', 'Audit du centre de santé de Privas') GROUP BY p.name ORDER BY p.name`,
    );
    expect(paths).toEqual([
      { name: 'Audit du centre de santé de Privas', path: ['DRAFT', 'SUBMITTED', 'CARPEC_REVIEW', 'AWAITING_DECISION', 'AUDIT_IN_PROGRESS', 'AUDIT_DELIVERED'] },
      { name: 'Centre de santé de Firminy Centre', path: ['DRAFT', 'SITE_MEETING_HELD', 'SUBMITTED', 'CARPEC_REVIEW', 'AWAITING_DECISION', 'STEP3_IN_PROGRESS', 'COMPLETED'] },
      {
        name: 'Maison de santé du Puy-en-Velay Guitard',
        path: [
          'DRAFT',
          'SITE_MEETING_HELD',
          'SUBMITTED',
          'CARPEC_REVIEW',
          'AWAITING_DECISION',
          'STEP2_IN_PROGRESS',
          'DELIVERABLES_RECEIVED',
          'RECEIPT_ISSUED',
          'STEP3_IN_PROGRESS',
          'COMPLETED',
        ],
      },
    ]);

    // Each dossier's history is in the audit trail, written by the demo's people (the préfecture confirmed a DETR eligibility).
    const audited = await rows<{ entity_id: string; actions: string[]; roles: string[] }>(
      `SELECT l.entity_id, array_agg(l.action ORDER BY l.id) AS actions, array_agg(DISTINCT u.role::text) AS roles
       FROM audit_log l JOIN users u ON u.id = l.actor_id WHERE l.entity = 'application' GROUP BY l.entity_id`,
    );
    for (const d of dossiers) expect(audited.find((a) => a.entity_id === d.id)?.actions[0]).toBe('application.create');
    const lePuy = audited.find((a) => a.entity_id === byName('Maison de santé du Puy-en-Velay Guitard').id)!;
    // Each move's pièces (seed 002) are sent before it: the request, step 2's deliverables, step 3's.
    expect(lePuy.actions).toEqual([
      'application.create',
      'application.record_site_meeting',
      'application.document.create',
      'application.submit',
      'application.expenses',
      'application.detr_confirmation',
      'application.schedule_opinion',
      'application.record_opinion',
      'application.document.create', // the decision letter, in the approval's transaction
      'application.approve',
      'application.document.create',
      'application.document.create',
      'application.receive_deliverables',
      'application.document.create', // the récépissé, in its issue's transaction
      'application.issue_receipt',
      'application.schedule_information',
      'application.note_information',
      'application.document.create',
      'application.document.create',
      'application.complete',
    ]);
    expect(lePuy.roles.sort()).toEqual(['DIRECTOR', 'INSTRUCTOR', 'PARTNER']);

    // Expenses on most dossiers; decisions of both outcomes.
    const withExpenses = Number((await one<{ n: string }>('SELECT count(DISTINCT application_id) AS n FROM expenses')).n);
    expect(withExpenses * 2).toBeGreaterThan(dossiers.length);
    expect((await rows<{ outcome: string }>('SELECT DISTINCT outcome::text AS outcome FROM decisions ORDER BY 1')).map((r) => r.outcome)).toEqual(['APPROVED', 'REJECTED']);

    // Opinions of every outcome at the séances held; the coming séance has its agenda, none given yet.
    expect((await rows<{ outcome: string }>('SELECT DISTINCT outcome::text AS outcome FROM carpec_opinions ORDER BY 1')).map((r) => r.outcome)).toEqual([
      'FAVORABLE',
      'FAVORABLE_WITH_RESERVATIONS',
      'NOTED',
      'UNFAVORABLE',
    ]);
    const coming = await rows<{ purpose: string; opinions: string }>(
      `SELECT i.purpose::text AS purpose, count(o.id) AS opinions FROM carpec_agenda_items i JOIN carpec_sessions s ON s.id = i.session_id
       LEFT JOIN carpec_opinions o ON o.agenda_item_id = i.id WHERE s.session_date = '2026-12-10' GROUP BY 1 ORDER BY 1`,
    );
    expect(coming).toEqual([
      { purpose: 'INFORMATION', opinions: '0' },
      { purpose: 'OPINION', opinions: '0' },
    ]);

    // Récépissés, some issued after their due date (deliverables + 2 months): `late` says so.
    const receipts = await rows<{ late: boolean; after_due: boolean }>(
      'SELECT r.late, r.issued_on > a.receipt_due_on AS after_due FROM receipts r JOIN applications a ON a.id = r.application_id',
    );
    expect(receipts.filter((r) => r.late).length).toBeGreaterThanOrEqual(1);
    expect(receipts.filter((r) => !r.late).length).toBeGreaterThanOrEqual(1);
    for (const r of receipts) expect(r.late).toBe(r.after_due);

    // Plans committed against the envelopes (each line above 0 consumed its funder's envelope), the partners' commitments and payments.
    const committed = await rows<{ id: string; lines: string; consumed: string }>(
      `SELECT f.id, (SELECT sum(amount_cents) FROM funding_plan_lines l WHERE l.plan_id = f.id)::text AS lines,
              (SELECT sum(m.amount_cents) FROM envelope_movements m WHERE m.plan_id = f.id AND m.kind = 'COMMITMENT')::text AS consumed
       FROM funding_plans f WHERE f.status = 'COMMITTED'`,
    );
    expect(committed.length).toBeGreaterThanOrEqual(5);
    for (const p of committed) expect(p.consumed).toBe(p.lines);
    const partnerLines = await rows<{ funder: string; kinds: string[]; uncommitted: string; by: string[] }>(
      `SELECT l.funder::text AS funder, array_agg(DISTINCT p.kind::text) AS kinds, count(*) FILTER (WHERE l.committed_cents IS NULL)::text AS uncommitted,
              array_agg(DISTINCT u.role::text) AS by
       FROM funding_plan_lines l JOIN funding_plans f ON f.id = l.plan_id AND f.status = 'COMMITTED'
       JOIN payments p ON p.line_id = l.id JOIN users u ON u.id = p.recorded_by_id GROUP BY l.funder ORDER BY l.funder`,
    );
    expect(partnerLines.map((l) => l.funder)).toEqual(['REGION', 'DETR', 'DSIL']);
    for (const l of partnerLines) expect([l.by, l.uncommitted]).toEqual([['PARTNER'], '0']);
    expect(partnerLines.find((l) => l.funder === 'REGION')!.kinds.sort()).toEqual(['ADVANCE', 'BALANCE', 'INSTALMENT']);
    // A plan released with its dossier closed: the advance paid is to recover, the envelopes got the money back.
    const released = await one<{ paid: string; net: string }>(
      `SELECT (SELECT sum(paid_cents) FROM funding_plan_lines l WHERE l.plan_id = f.id)::text AS paid,
              (SELECT sum(m.amount_cents) FROM envelope_movements m WHERE m.application_id = f.application_id)::text AS net
       FROM funding_plans f WHERE f.status = 'RELEASED'`,
    );
    expect(Number(released.paid)).toBeGreaterThan(0);
    expect(released.net).toBe('0');

    // One PIPELINE report run, requested (audited) and completed: its rows count every dossier.
    const [report] = await rows<{ id: string; status: string; total: string }>(
      `SELECT r.id, r.status::text AS status, (SELECT sum((x.data->>'count')::int) FROM report_rows x WHERE x.run_id = r.id)::text AS total FROM report_runs r`,
    );
    expect(report).toEqual({ id: expect.any(String), status: 'SUCCEEDED', total: String(dossiers.length) });
    expect(Number((await one<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE action = 'report_run.request' AND entity_id = $1`, [report.id])).n)).toBe(1);

    // What to open first: /docs, a list filtered by status, a dossier with a late récépissé, a committed plan with payments.
    expect(first.stdout).toMatch(/Open the console, http:\/\/localhost:\d+\/, and sign in/);
    expect(first.stdout).toMatch(/http:\/\/localhost:\d+\/docs/);
    expect(first.stdout).toMatch(/\/api\/v1\/applications\?status=AWAITING_DECISION/);
    const lateId = new RegExp(`/api/v1/applications/(${UUID})  — .*ISSUED_LATE`).exec(first.stdout)?.[1];
    expect((await one<{ late: boolean }>('SELECT late FROM receipts WHERE application_id = $1', [lateId]))?.late).toBe(true);
    const planId = new RegExp(`/api/v1/applications/(${UUID})/funding-plan`).exec(first.stdout)?.[1];
    expect(
      await one(
        `SELECT f.status::text AS status, bool_or(l.paid_cents > 0) AS paid FROM funding_plans f JOIN funding_plan_lines l ON l.plan_id = f.id WHERE f.application_id = $1 GROUP BY f.status`,
        [planId],
      ),
    ).toEqual({ status: 'COMMITTED', paid: true });

    // A second run: nothing new, nothing moved, not a row more in the audit trail.
    const before = await state();
    const second = await seed('second run');
    expect(second.stdout).toMatch(/: 0 new \(/);
    expect(second.stdout).not.toMatch(/password/);
    expect(await state()).toEqual(before);

    // `npm run audit:verify`: every chain of the trail holds.
    const verified = await run(process.execPath, ['dist/cli/audit-verify.js'], { env: env(), cwd: process.cwd() });
    expect(verified.stdout).toMatch(new RegExp(`^audit trail holds: ${before.counts.audit_log} rows in \\d+ chain\\(s\\)`));
  }, 180_000);
});
