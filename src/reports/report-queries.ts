// The reports, computed by PostgreSQL set-based statements: rows are built and inserted by
// the database (INSERT … SELECT), never loaded dossier by dossier into Node.
import type { Tx } from '../audit/audit.repository.js';
import type { ReportType } from '../generated/prisma/enums.js';
import { DORMANT_DAYS, DUE_SOON_DAYS } from './report-types.js';

const OPEN = `('DRAFT','SITE_MEETING_HELD','SUBMITTED','CARPEC_REVIEW','AWAITING_DECISION','STEP2_IN_PROGRESS','DELIVERABLES_RECEIVED','RECEIPT_ISSUED','STEP3_IN_PROGRESS')`;
const STEP = `CASE WHEN a.status IN ('DRAFT','SITE_MEETING_HELD','SUBMITTED','CARPEC_REVIEW','AWAITING_DECISION') THEN 1
                   WHEN a.status IN ('STEP2_IN_PROGRESS','DELIVERABLES_RECEIVED','RECEIPT_ISSUED') THEN 2
                   WHEN a.status IN ('STEP3_IN_PROGRESS','COMPLETED') THEN 3 END`;

/** Writes the run's rows; returns how many, and the run's summary. */
export async function computeReport(tx: Tx, runId: string, type: ReportType, regionCode: string, date: string): Promise<{ rowCount: number; summary: object }> {
  await tx.$executeRaw`DELETE FROM report_rows WHERE run_id = ${runId}::uuid`;
  let rowCount: number;
  let summary: object = {};
  switch (type) {
    case 'PIPELINE':
      rowCount = await tx.$executeRawUnsafe(
        `INSERT INTO report_rows (run_id, position, department_code, data)
         SELECT $1::uuid, row_number() OVER (ORDER BY department_code, step NULLS LAST, status, kind, zone), department_code,
                jsonb_build_object('departmentCode', department_code, 'step', step, 'status', status, 'kind', kind, 'zone', zone, 'count', n)
         FROM (SELECT a.department_code, ${STEP} AS step, a.status::text AS status, a.kind::text AS kind, a.zone::text AS zone, count(*) AS n
               FROM applications a WHERE a.region_code = $2
               GROUP BY 1, 2, 3, 4, 5) g`,
        runId,
        regionCode,
      );
      break;
    case 'FUNDING': {
      rowCount = await tx.$executeRawUnsafe(
        `INSERT INTO report_rows (run_id, position, department_code, data)
         SELECT $1::uuid, row_number() OVER (ORDER BY department_code, funder), department_code,
                jsonb_build_object('departmentCode', department_code, 'funder', funder, 'dossiers', dossiers,
                                   'computedCents', computed, 'committedCents', committed, 'paidCents', paid)
         FROM (SELECT a.department_code, l.funder::text AS funder,
                      count(DISTINCT a.id) FILTER (WHERE l.amount_cents > 0 AND a.status NOT IN ('REJECTED','WITHDRAWN','CLOSED')) AS dossiers,
                      coalesce(sum(l.amount_cents) FILTER (WHERE a.status NOT IN ('REJECTED','WITHDRAWN','CLOSED')), 0) AS computed,
                      coalesce(sum(l.amount_cents) FILTER (WHERE p.status = 'COMMITTED' AND a.status NOT IN ('WITHDRAWN','CLOSED')), 0) AS committed,
                      coalesce(sum(l.paid_cents), 0) AS paid
               FROM funding_plan_lines l JOIN funding_plans p ON p.id = l.plan_id JOIN applications a ON a.id = p.application_id
               WHERE a.region_code = $2
               GROUP BY 1, 2) g`,
        runId,
        regionCode,
      );
      const envelopes = await tx.$queryRaw<{ funder: string; programme: string; amount: bigint; committed: bigint; status: string }[]>`
        SELECT e.funder::text AS funder, e.programme, e.amount_cents AS amount, e.status::text AS status,
               coalesce((SELECT sum(m.amount_cents) FROM envelope_movements m WHERE m.envelope_id = e.id), 0)::bigint AS committed
        FROM envelopes e WHERE e.region_code = ${regionCode} ORDER BY e.funder, e.created_at`;
      summary = {
        envelopes: envelopes.map((e) => ({
          funder: e.funder,
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
      rowCount = await tx.$executeRawUnsafe(
        `INSERT INTO report_rows (run_id, position, department_code, data)
         SELECT $1::uuid, row_number() OVER (ORDER BY department_code, reason, receipt_due_on NULLS LAST, application_id), department_code,
                jsonb_build_object('departmentCode', department_code, 'applicationId', application_id, 'projectName', project_name,
                                   'reason', reason, 'receivedOn', received_on, 'receiptDueOn', receipt_due_on, 'issuedOn', issued_on,
                                   'daysLate', days_late, 'lastEventAt', to_char(last_event_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
         FROM (
           SELECT a.department_code, a.id AS application_id, p.name AS project_name, a.deliverables_received_on AS received_on,
                  a.receipt_due_on, r.issued_on, a.last_event_at,
                  CASE WHEN r.id IS NOT NULL THEN 'RECEIPT_LATE'
                       WHEN a.receipt_due_on < $3::date THEN 'RECEIPT_OVERDUE'
                       ELSE 'RECEIPT_DUE_SOON' END AS reason,
                  CASE WHEN r.id IS NOT NULL THEN r.issued_on - a.receipt_due_on ELSE $3::date - a.receipt_due_on END AS days_late
           FROM applications a JOIN projects p ON p.id = a.project_id LEFT JOIN receipts r ON r.application_id = a.id
           WHERE a.region_code = $2 AND a.receipt_due_on IS NOT NULL
             AND ((r.id IS NOT NULL AND r.issued_on > a.receipt_due_on)
               OR (r.id IS NULL AND a.status = 'DELIVERABLES_RECEIVED' AND a.receipt_due_on <= $3::date + ${DUE_SOON_DAYS}))
           UNION ALL
           SELECT a.department_code, a.id, p.name, a.deliverables_received_on, a.receipt_due_on, r.issued_on, a.last_event_at,
                  'DORMANT', NULL
           FROM applications a JOIN projects p ON p.id = a.project_id LEFT JOIN receipts r ON r.application_id = a.id
           WHERE a.region_code = $2 AND a.status IN ${OPEN}
             AND a.last_event_at < ($3::date - ${DORMANT_DAYS})::timestamp AT TIME ZONE 'Europe/Paris'
         ) d`,
        runId,
        regionCode,
        date,
      );
      break;
    case 'FOLLOW_UP':
      // The contrat local de santé criteria (seed 003): a site is operational once its
      // récépissé is issued (or it is an existing centre), in project while its dossier is open.
      rowCount = await tx.$executeRawUnsafe(
        `INSERT INTO report_rows (run_id, position, department_code, data)
         SELECT $1::uuid, row_number() OVER (ORDER BY department_code, commune_insee), department_code,
                jsonb_build_object('departmentCode', department_code, 'communeInsee', commune_insee, 'communeName', commune_name,
                                   'sitesInProject', in_project, 'sitesOperational', operational,
                                   'doctorsPlanned', doctors, 'professionalsPlanned', professionals)
         FROM (
           SELECT department_code, commune_insee, commune_name,
                  count(*) FILTER (WHERE NOT operational) AS in_project, count(*) FILTER (WHERE operational) AS operational,
                  sum(doctors_planned) AS doctors, sum(professionals_planned) AS professionals
           FROM (
             SELECT a.department_code, p.commune_insee, c.name AS commune_name, p.doctors_planned, p.professionals_planned,
                    (a.status IN ('RECEIPT_ISSUED','STEP3_IN_PROGRESS','COMPLETED') OR p.existing) AS operational
             FROM applications a JOIN projects p ON p.id = a.project_id JOIN communes c ON c.insee_code = p.commune_insee
             WHERE a.region_code = $2 AND (a.status IN ${OPEN} OR a.status = 'COMPLETED')
           ) s
           GROUP BY 1, 2, 3
         ) g`,
        runId,
        regionCode,
      );
      break;
  }
  return { rowCount, summary };
}
