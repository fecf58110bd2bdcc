// The reports, computed by PostgreSQL set-based statements: rows are built and inserted by
// the database (INSERT … SELECT), never loaded dossier by dossier into Node.
import type { Db } from '../database/transaction-host.js';
import { sqlFragment } from '../database/sql.js';
import type { ReportType } from '../generated/prisma/enums.js';
import { LIVE_STATUSES, OPEN_STATUSES, OPERATIONAL_STATUSES, requiredPiecesSql, sqlList, stepCaseSql } from './report-statuses.js';
import { DORMANT_DAYS, DUE_SOON_DAYS, MISSING_PIECE_DAYS } from './report-types.js';

// The status lists are generated from the workflow's constants (report-statuses.ts), never
// copied: AUDIT_IN_PROGRESS is open, AUDIT_DELIVERED terminal, and neither has a step.
// Fragments of SQL text made by this code from constants (never from input); every value a
// caller gives is a bound parameter of the tagged statements below.
const OPEN = sqlFragment(sqlList(OPEN_STATUSES));
const LIVE = sqlFragment(sqlList(LIVE_STATUSES));
const OPERATIONAL = sqlFragment(sqlList(OPERATIONAL_STATUSES));
const STEP = sqlFragment(stepCaseSql('a.status'));
/** The days of DUE_SOON_DAYS, as SQL: `a.receipt_due_on <= ${date}::date + ${DUE_SOON}` (the DEADLINES report, the daily digest). */
export const DUE_SOON = sqlFragment(String(Number(DUE_SOON_DAYS)));
/**
 * A récépissé awaited: the deliverables are in and none was issued, over `a` (applications) and
 * `r` (its receipt, left-joined). Due by today + DUE_SOON: RECEIPT_DUE_SOON, or RECEIPT_OVERDUE
 * once the due date has passed; the daily digest (src/digest) reads the same definition.
 */
export const RECEIPT_AWAITED = sqlFragment(`r.id IS NULL AND a.status = 'DELIVERABLES_RECEIVED'`);
export const DORMANT = sqlFragment(String(Number(DORMANT_DAYS)));
const MISSING_PIECE = sqlFragment(String(Number(MISSING_PIECE_DAYS)));
const REQUIRED_PIECES = sqlFragment(requiredPiecesSql());

/** Writes the run's rows; returns how many, and the run's summary. */
export async function computeReport(db: Db, runId: string, type: ReportType, regionCode: string, date: string): Promise<{ rowCount: number; summary: object }> {
  await db.$executeRaw`DELETE FROM report_rows WHERE run_id = ${runId}::uuid`;
  let rowCount: number;
  let summary: object = {};
  switch (type) {
    case 'PIPELINE':
      // Grouped by call for applications too (null: dossiers entered by hand).
      rowCount = await db.$executeRaw`INSERT INTO report_rows (run_id, position, department_code, data)
         SELECT ${runId}::uuid, row_number() OVER (ORDER BY department_code, step NULLS LAST, status, kind, zone, procedure, call_id NULLS FIRST), department_code,
                jsonb_build_object('departmentCode', department_code, 'step', step, 'status', status, 'kind', kind, 'zone', zone,
                                   'procedure', procedure, 'callId', call_id, 'count', n)
         FROM (SELECT a.department_code, ${STEP} AS step, a.status::text AS status, a.kind::text AS kind, a.zone::text AS zone,
                      a.procedure::text AS procedure, a.call_id, count(*) AS n
               FROM applications a WHERE a.region_code = ${regionCode}
               GROUP BY 1, 2, 3, 4, 5, 6, 7) g`;
      break;
    case 'FUNDING': {
      // A RELEASED plan (its dossier left the procedure) is not committed any more: what was
      // paid on it is to recover (toRecoverCents), and still counts in paidCents (it was paid).
      rowCount = await db.$executeRaw`INSERT INTO report_rows (run_id, position, department_code, data)
         SELECT ${runId}::uuid, row_number() OVER (ORDER BY department_code, funder), department_code,
                jsonb_build_object('departmentCode', department_code, 'funder', funder, 'dossiers', dossiers,
                                   'computedCents', computed, 'committedCents', committed, 'paidCents', paid,
                                   'toRecoverCents', to_recover)
         FROM (SELECT a.department_code, l.funder::text AS funder,
                      count(DISTINCT a.id) FILTER (WHERE l.amount_cents > 0 AND a.status NOT IN ('REJECTED','WITHDRAWN','CLOSED')) AS dossiers,
                      coalesce(sum(l.amount_cents) FILTER (WHERE a.status NOT IN ('REJECTED','WITHDRAWN','CLOSED')), 0) AS computed,
                      coalesce(sum(l.amount_cents) FILTER (WHERE p.status = 'COMMITTED' AND a.status NOT IN ('WITHDRAWN','CLOSED')), 0) AS committed,
                      coalesce(sum(l.paid_cents), 0) AS paid,
                      coalesce(sum(l.paid_cents) FILTER (WHERE p.status = 'RELEASED'), 0) AS to_recover
               FROM funding_plan_lines l JOIN funding_plans p ON p.id = l.plan_id JOIN applications a ON a.id = p.application_id
               WHERE a.region_code = ${regionCode}
               GROUP BY 1, 2) g`;
      const envelopes = await db.$queryRaw<{ funder: string; department_code: string | null; programme: string; amount: bigint; committed: bigint; status: string }[]>`
        SELECT e.funder::text AS funder, e.department_code, e.programme, e.amount_cents AS amount, e.status::text AS status,
               coalesce((SELECT sum(m.amount_cents) FROM envelope_movements m WHERE m.envelope_id = e.id), 0)::bigint AS committed
        FROM envelopes e WHERE e.region_code = ${regionCode} ORDER BY e.funder, e.department_code NULLS FIRST, e.created_at`;
      summary = {
        envelopes: envelopes.map((e) => ({
          funder: e.funder,
          departmentCode: e.department_code,
          programme: e.programme,
          status: e.status,
          amountCents: Number(e.amount),
          committedCents: Number(e.committed),
          remainingCents: Number(e.amount - e.committed),
        })),
      };
      break;
    }
    case 'DEADLINES':
      rowCount = await db.$executeRaw`INSERT INTO report_rows (run_id, position, department_code, data)
         SELECT ${runId}::uuid, row_number() OVER (ORDER BY department_code, reason, receipt_due_on NULLS LAST, application_id), department_code,
                jsonb_build_object('departmentCode', department_code, 'applicationId', application_id, 'projectName', project_name,
                                   'reason', reason, 'receivedOn', received_on, 'receiptDueOn', receipt_due_on, 'issuedOn', issued_on,
                                   'daysLate', days_late, 'lastEventAt', to_char(last_event_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                   'missingPieces', missing_pieces)
         FROM (
           SELECT a.department_code, a.id AS application_id, p.name AS project_name, a.deliverables_received_on AS received_on,
                  a.receipt_due_on, r.issued_on, a.last_event_at,
                  CASE WHEN r.id IS NOT NULL THEN 'RECEIPT_LATE'
                       WHEN a.receipt_due_on < ${date}::date THEN 'RECEIPT_OVERDUE'
                       ELSE 'RECEIPT_DUE_SOON' END AS reason,
                  CASE WHEN r.id IS NOT NULL THEN r.issued_on - a.receipt_due_on ELSE ${date}::date - a.receipt_due_on END AS days_late,
                  NULL AS missing_pieces
           FROM applications a JOIN projects p ON p.id = a.project_id LEFT JOIN receipts r ON r.application_id = a.id
           WHERE a.region_code = ${regionCode} AND a.receipt_due_on IS NOT NULL
             AND ((r.id IS NOT NULL AND r.issued_on > a.receipt_due_on)
               OR (${RECEIPT_AWAITED} AND a.receipt_due_on <= ${date}::date + ${DUE_SOON}))
           UNION ALL
           SELECT a.department_code, a.id, p.name, a.deliverables_received_on, a.receipt_due_on, r.issued_on, a.last_event_at,
                  'DORMANT', NULL, NULL
           FROM applications a JOIN projects p ON p.id = a.project_id LEFT JOIN receipts r ON r.application_id = a.id
           WHERE a.region_code = ${regionCode} AND a.status IN ${OPEN}
             AND a.last_event_at < (${date}::date - ${DORMANT})::timestamp AT TIME ZONE 'Europe/Paris'
           UNION ALL
           -- Waiting for a pièce its next move requires (the workflow's checklist) for more than
           -- MISSING_PIECE_DAYS since it entered its status; daysLate: the days past that.
           SELECT a.department_code, a.id, p.name, a.deliverables_received_on, a.receipt_due_on, NULL, a.last_event_at, 'MISSING_PIECE',
                  ${date}::date - (w.since AT TIME ZONE 'Europe/Paris')::date - ${MISSING_PIECE},
                  string_agg(q.piece, ' ' ORDER BY q.piece)
           FROM applications a JOIN projects p ON p.id = a.project_id
           JOIN (VALUES ${REQUIRED_PIECES}) AS q (procedure, status, letter_of_intent, kind, piece)
             ON q.procedure = a.procedure::text AND q.status = a.status::text AND q.letter_of_intent = a.letter_of_intent_requested AND q.kind = a.kind::text
           CROSS JOIN LATERAL (SELECT max(e.at) AS since FROM application_events e WHERE e.application_id = a.id AND e.to_status = a.status) w
           WHERE a.region_code = ${regionCode}
             AND w.since < (${date}::date - ${MISSING_PIECE})::timestamp AT TIME ZONE 'Europe/Paris'
             AND NOT EXISTS (SELECT 1 FROM application_documents d WHERE d.application_id = a.id AND d.kind::text = q.piece
                                                                      AND d.superseded_at IS NULL AND d.withdrawn_at IS NULL)
           GROUP BY a.id, p.name, w.since
         ) d`;
      break;
    case 'FOLLOW_UP':
      // The contrat local de santé criteria (seed 003), counted per SITE (a project), never per
      // dossier: a project with two dossiers is one site. A site counts while one of its
      // dossiers is open or ended with a result (LIVE); it is operational once one of them has
      // its récépissé issued or reached step 3, or when it is an existing centre, and in project
      // before that. Its planned doctors and professionals count once; its follow-up figures
      // are the sums of its yearly rows up to the run's year. Per the project's département
      // and commune (a dossier follows its project).
      rowCount = await db.$executeRaw`INSERT INTO report_rows (run_id, position, department_code, data)
         SELECT ${runId}::uuid, row_number() OVER (ORDER BY department_code, commune_insee), department_code,
                jsonb_build_object('departmentCode', department_code, 'communeInsee', commune_insee, 'communeName', commune_name,
                                   'sitesInProject', in_project, 'sitesOperational', operational,
                                   'doctorsPlanned', doctors, 'professionalsPlanned', professionals,
                                   'installations', installations, 'studentTrainees', student_trainees,
                                   'departuresReplaced', departures_replaced)
         FROM (
           SELECT s.department_code, s.commune_insee, c.name AS commune_name,
                  count(*) FILTER (WHERE NOT s.operational) AS in_project, count(*) FILTER (WHERE s.operational) AS operational,
                  sum(s.doctors_planned) AS doctors, sum(s.professionals_planned) AS professionals,
                  coalesce(sum(f.installations), 0) AS installations, coalesce(sum(f.student_trainees), 0) AS student_trainees,
                  coalesce(sum(f.departures_replaced), 0) AS departures_replaced
           FROM (
             SELECT p.id, p.department_code, p.commune_insee, p.doctors_planned, p.professionals_planned,
                    (p.existing OR bool_or(a.status IN ${OPERATIONAL})) AS operational
             FROM projects p JOIN applications a ON a.project_id = p.id
             WHERE p.region_code = ${regionCode} AND a.status IN ${LIVE}
             GROUP BY p.id
           ) s
           JOIN communes c ON c.insee_code = s.commune_insee
           LEFT JOIN (
             SELECT project_id, sum(installations) AS installations, sum(student_trainees) AS student_trainees,
                    sum(departures_replaced) AS departures_replaced
             FROM project_follow_ups
             WHERE year <= extract(year FROM ${date}::date) AND project_id IN (SELECT id FROM projects WHERE region_code = ${regionCode})
             GROUP BY project_id
           ) f ON f.project_id = s.id
           GROUP BY 1, 2, 3
         ) g`;
      break;
  }
  return { rowCount, summary };
}
