// `npm run seed:demo` as an operator runs it (`node dist/cli/seed-demo.js`), twice, on a fresh
// database: the demo's dossiers stand at their stages, every write went through the services
// (audit rows of the dossiers, a funding plan committed against the CPER AURA envelopes), and
// the second run writes nothing.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { TEST_ENV } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';

const run = promisify(execFile);

const STAGES: Record<string, string> = {
  'MSP du Chablais': 'DRAFT',
  'MSP de Brioude': 'SITE_MEETING_HELD',
  'Maison de santé du Diois': 'SUBMITTED',
  'Centre de santé médical Fontbouillant': 'CARPEC_REVIEW',
  'Centre de santé polyvalent de Saint-Flour': 'STEP2_IN_PROGRESS',
  "Maison de santé pluriprofessionnelle d'Ambert": 'RECEIPT_ISSUED',
  "Centre de santé dentaire d'Annonay": 'WITHDRAWN',
};

describe('npm run seed:demo', () => {
  let db: { url: string; drop(): Promise<void> };
  let client: pg.Client;
  const seed = () =>
    run(process.execPath, ['dist/cli/seed-demo.js'], {
      env: { PATH: process.env.PATH ?? '', ...TEST_ENV, DATABASE_URL: db.url, BOOTSTRAP_ADMIN_EMAIL: 'admin@ars.test', BOOTSTRAP_REGION_CODE: '84' },
      cwd: process.cwd(),
    });
  const rows = async <T extends pg.QueryResultRow>(sql: string, values: unknown[] = []) => (await client.query<T>(sql, values)).rows;
  /** What every run could add to: a second run must leave each count as it was. */
  const counts = async () =>
    (
      await rows<{ counts: Record<string, number> }>(`
        SELECT json_build_object(
          'audit', (SELECT count(*) FROM audit_log), 'users', (SELECT count(*) FROM users),
          'communes', (SELECT count(*) FROM communes), 'promoters', (SELECT count(*) FROM promoters),
          'projects', (SELECT count(*) FROM projects), 'applications', (SELECT count(*) FROM applications),
          'events', (SELECT count(*) FROM application_events), 'sessions', (SELECT count(*) FROM carpec_sessions),
          'movements', (SELECT count(*) FROM envelope_movements), 'ruleSets', (SELECT count(*) FROM funding_rule_sets)) AS counts`)
    )[0].counts;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('brings the demo dossiers to their stages through the services, then a second run adds nothing', async () => {
    const first = await seed();
    expect(first.stdout).toMatch(/instructeur\.demo@ars\.test \(INSTRUCTOR\) +password: \S{20}/);
    expect(first.stdout).toMatch(/dg\.demo@ars\.test \(DIRECTOR\) +password: \S{20}/);
    expect(await rows(`SELECT email, display_name FROM users WHERE email LIKE '%.demo@ars.test' ORDER BY email`)).toEqual([
      { email: 'dg.demo@ars.test', display_name: 'Dominique Bernard (directrice générale)' },
      { email: 'instructeur.demo@ars.test', display_name: 'Camille Martin (instructrice)' },
    ]);

    const dossiers = await rows<{ id: string; name: string; status: string }>(
      'SELECT a.id, p.name, a.status::text AS status FROM applications a JOIN projects p ON p.id = a.project_id ORDER BY p.name',
    );
    expect(Object.fromEntries(dossiers.map((d) => [d.name, d.status]))).toEqual(STAGES);
    const id = (name: string) => dossiers.find((d) => d.name === name)!.id;

    // Each dossier's history is in the audit trail, written by the demo's people.
    const audited = await rows<{ entity_id: string; actions: string[]; roles: string[] }>(
      `SELECT l.entity_id, array_agg(l.action ORDER BY l.id) AS actions, array_agg(DISTINCT u.role::text) AS roles
       FROM audit_log l JOIN users u ON u.id = l.actor_id WHERE l.entity = 'application' GROUP BY l.entity_id`,
    );
    const actionsOf = (name: string) => audited.find((a) => a.entity_id === id(name))?.actions;
    for (const d of dossiers) expect(actionsOf(d.name)?.[0]).toBe('application.create');
    expect(actionsOf("Maison de santé pluriprofessionnelle d'Ambert")).toEqual([
      'application.create',
      'application.record_site_meeting',
      'application.submit',
      'application.schedule_opinion',
      'application.record_opinion',
      'application.approve',
      'application.expenses',
      'application.receive_deliverables',
      'application.issue_receipt',
      'application.schedule_information',
    ]);
    expect(audited.find((a) => a.entity_id === id('Centre de santé polyvalent de Saint-Flour'))!.roles.sort()).toEqual(['DIRECTOR', 'INSTRUCTOR']);

    // The approved centre's plan is committed against the CPER AURA envelopes (Région and ARS).
    const consumed = await rows<{ status: string; funder: string; amount: string }>(
      `SELECT f.status::text AS status, e.funder::text AS funder, m.amount_cents::text AS amount
       FROM funding_plans f JOIN envelope_movements m ON m.plan_id = f.id JOIN envelopes e ON e.id = m.envelope_id
       WHERE f.application_id = $1 ORDER BY e.funder::text`,
      [id('Centre de santé polyvalent de Saint-Flour')],
    );
    expect(consumed).toEqual([
      { status: 'COMMITTED', funder: 'ARS', amount: '5000000' },
      { status: 'COMMITTED', funder: 'REGION', amount: '20000000' },
    ]);

    // The opinions were given at the séance held in June; the December one lists a dossier for its opinion.
    const agenda = await rows<{ session_date: string; name: string; purpose: string; outcome: string | null }>(
      `SELECT s.session_date::text, p.name, i.purpose::text AS purpose, o.outcome::text AS outcome
       FROM carpec_agenda_items i JOIN carpec_sessions s ON s.id = i.session_id JOIN applications a ON a.id = i.application_id
       JOIN projects p ON p.id = a.project_id LEFT JOIN carpec_opinions o ON o.agenda_item_id = i.id ORDER BY s.session_date, p.name`,
    );
    expect(agenda).toEqual([
      { session_date: '2026-06-18', name: 'Centre de santé polyvalent de Saint-Flour', purpose: 'OPINION', outcome: 'FAVORABLE' },
      { session_date: '2026-06-18', name: "Maison de santé pluriprofessionnelle d'Ambert", purpose: 'OPINION', outcome: 'FAVORABLE_WITH_RESERVATIONS' },
      { session_date: '2026-12-10', name: 'Centre de santé médical Fontbouillant', purpose: 'OPINION', outcome: null },
      { session_date: '2026-12-10', name: "Maison de santé pluriprofessionnelle d'Ambert", purpose: 'INFORMATION', outcome: null },
    ]);
    const [receipt] = await rows<{ finess_ej: string; late: boolean }>('SELECT finess_ej, late FROM receipts WHERE application_id = $1', [
      id("Maison de santé pluriprofessionnelle d'Ambert"),
    ]);
    expect(receipt).toEqual({ finess_ej: '630004174', late: false });

    const before = await counts();
    const second = await seed();
    expect(second.stdout).toMatch(/: 0 new \(/);
    expect(second.stdout).not.toMatch(/password/);
    expect(await counts()).toEqual(before);
  }, 90_000);
});
