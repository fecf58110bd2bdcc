import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';
import { inTerritory, sqlFragment } from '../database/sql.js';
import { type ApplicationStatus, type Funder, Prisma } from '../generated/prisma/client.js';
import { DORMANT, DUE_SOON, RECEIPT_AWAITED } from '../reports/report-queries.js';
import { OPEN_STATUSES, sqlList } from '../reports/report-statuses.js';

const OPEN = sqlFragment(sqlList(OPEN_STATUSES));

export interface DashboardRow {
  byStatus: { status: ApplicationStatus; count: number }[];
  deadlines: { overdue: number; dueSoon: number; idle: number };
  urgent: { applicationId: string; projectName: string; status: ApplicationStatus; departmentCode: string; kind: 'RECEIPT_OVERDUE' | 'RECEIPT_DUE_SOON' | 'IDLE'; date: string }[];
  envelopes: { funder: Funder; amountCents: string; committedCents: string; paidCents: string }[];
}

/**
 * What the console's dashboard shows, in one statement over the caller's territory: dossiers by
 * status, the récépissé deadlines and the idle dossiers (the DEADLINES report's rules), the
 * envelopes by funder with the payments on their lines (a partner: its own funders' payments).
 */
@Injectable()
export class DashboardRepository extends Repository {
  async read(territory: Territory, today: string, payingFunders: readonly string[] | null, urgentLimit: number): Promise<DashboardRow> {
    const envelopeScope = territory.departmentCode
      ? Prisma.sql`e.region_code = ${territory.regionCode} AND (e.department_code IS NULL OR e.department_code = ${territory.departmentCode})`
      : Prisma.sql`e.region_code = ${territory.regionCode}`;
    const funders = payingFunders === null ? Prisma.sql`true` : Prisma.sql`l.funder::text = ANY(${[...payingFunders]}::text[])`;
    const [row] = await this.sql<{
      by_status: DashboardRow['byStatus'];
      deadlines: DashboardRow['deadlines'];
      urgent: DashboardRow['urgent'];
      envelopes: DashboardRow['envelopes'];
    }>`
      WITH d AS (
        SELECT a.id, p.name, a.status, a.department_code, a.receipt_due_on, a.last_event_at,
               (${RECEIPT_AWAITED} AND a.receipt_due_on < ${today}::date) AS overdue,
               (${RECEIPT_AWAITED} AND a.receipt_due_on >= ${today}::date AND a.receipt_due_on <= ${today}::date + ${DUE_SOON}) AS due_soon,
               (a.status IN ${OPEN} AND a.last_event_at < (${today}::date - ${DORMANT})::timestamp AT TIME ZONE 'Europe/Paris') AS idle
        FROM applications a JOIN projects p ON p.id = a.project_id LEFT JOIN receipts r ON r.application_id = a.id
        WHERE ${inTerritory(territory)}
      )
      SELECT
        (SELECT coalesce(json_agg(s ORDER BY s.status), '[]') FROM (SELECT status, count(*)::int AS count FROM d GROUP BY status) s) AS by_status,
        (SELECT json_build_object('overdue', count(*) FILTER (WHERE overdue), 'dueSoon', count(*) FILTER (WHERE due_soon), 'idle', count(*) FILTER (WHERE idle)) FROM d) AS deadlines,
        (SELECT coalesce(json_agg(u), '[]') FROM (
           SELECT id AS "applicationId", name AS "projectName", status, department_code AS "departmentCode",
                  CASE WHEN overdue THEN 'RECEIPT_OVERDUE' WHEN due_soon THEN 'RECEIPT_DUE_SOON' ELSE 'IDLE' END AS kind,
                  CASE WHEN overdue OR due_soon THEN to_char(receipt_due_on, 'YYYY-MM-DD') ELSE to_char(last_event_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') END AS date
           FROM d WHERE overdue OR due_soon OR idle
           ORDER BY overdue DESC, due_soon DESC, receipt_due_on NULLS LAST, last_event_at, id LIMIT ${urgentLimit}) u) AS urgent,
        (SELECT coalesce(json_agg(f ORDER BY f.funder), '[]') FROM (
           SELECT e.funder, sum(e.amount_cents)::text AS "amountCents",
                  coalesce(sum((SELECT sum(m.amount_cents) FROM envelope_movements m WHERE m.envelope_id = e.id)), 0)::text AS "committedCents",
                  (SELECT coalesce(sum(l.paid_cents), 0) FROM funding_plan_lines l JOIN funding_plans fp ON fp.id = l.plan_id JOIN applications a ON a.id = fp.application_id
                   WHERE l.funder = e.funder AND ${inTerritory(territory)} AND ${funders})::text AS "paidCents"
           FROM envelopes e WHERE ${envelopeScope} AND e.status = 'OPEN' GROUP BY e.funder) f) AS envelopes`;
    return { byStatus: row.by_status, deadlines: row.deadlines, urgent: row.urgent, envelopes: row.envelopes };
  }
}
