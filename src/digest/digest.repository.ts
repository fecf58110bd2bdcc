import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';
import { inTerritory, sqlFragment } from '../database/sql.js';
import type { ApplicationStatus, Role } from '../generated/prisma/enums.js';
import { DUE_SOON, RECEIPT_AWAITED } from '../reports/report-queries.js';
import { OPEN_STATUSES, sqlList } from '../reports/report-statuses.js';

// The dossier status lists are the reports' own (report-statuses.ts), and the récépissé's
// deadlines the DEADLINES report's (report-queries.ts): a digest never says another thing than
// the nightly report.
const OPEN = sqlFragment(sqlList(OPEN_STATUSES));

/** The person a digest is for: the territory of its organisation, and its choice. */
export interface DigestPerson {
  id: string;
  email: string;
  displayName: string | null;
  role: Role;
  regionCode: string;
  departmentCode: string | null;
  dailyDigest: boolean;
  version: number;
}

/** A dossier as a digest lists it, with what puts it in which section. */
export interface DigestRow {
  applicationId: string;
  projectName: string;
  communeName: string;
  departmentCode: string;
  status: ApplicationStatus;
  /** The récépissé's due date while it is awaited (YYYY-MM-DD), else null. */
  dueOn: string | null;
  /** Days past `dueOn` on the digest's date (≤ 0: not late), null without one. */
  daysLate: number | null;
  /** Open and assigned to the person. */
  assigned: boolean;
  /** Its récépissé is awaited and due by the date + DUE_SOON_DAYS (the DEADLINES report's RECEIPT_DUE_SOON or RECEIPT_OVERDUE). */
  receiptDueBy: boolean;
  awaitingDecision: boolean;
  receiptAwaited: boolean;
}

interface PersonRow {
  id: string;
  email: string;
  display_name: string | null;
  role: Role;
  region_code: string;
  department_code: string | null;
  daily_digest: boolean;
  version: number;
}

const toPerson = (r: PersonRow): DigestPerson => ({
  id: r.id,
  email: r.email,
  displayName: r.display_name,
  role: r.role,
  regionCode: r.region_code,
  departmentCode: r.department_code,
  dailyDigest: r.daily_digest,
  version: r.version,
});

@Injectable()
export class DigestRepository extends Repository {
  async person(userId: string): Promise<DigestPerson | null> {
    const [row] = await this.sql<PersonRow>`
      SELECT u.id, u.email, u.display_name, u.role::text AS role, o.region_code, o.department_code, u.daily_digest, u.version
      FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.id = ${userId}::uuid AND u.active`;
    return row ? toPerson(row) : null;
  }

  /** The active people of these roles who did not opt out, in a stable order. */
  async recipients(roles: readonly Role[]): Promise<DigestPerson[]> {
    const rows = await this.sql<PersonRow>`
      SELECT u.id, u.email, u.display_name, u.role::text AS role, o.region_code, o.department_code, u.daily_digest, u.version
      FROM users u JOIN organizations o ON o.id = u.organization_id
      WHERE u.active AND u.daily_digest AND u.role::text = ANY(${[...roles]}::text[])
      ORDER BY o.region_code, u.id`;
    return rows.map(toPerson);
  }

  /** Opts in or out, only while the user is still at `version` (bumping it). */
  async setDailyDigest(userId: string, version: number, dailyDigest: boolean): Promise<boolean> {
    return (
      (await this.sqlCount`UPDATE users SET daily_digest = ${dailyDigest}, version = version + 1, updated_at = now() WHERE id = ${userId}::uuid AND version = ${version}`) === 1
    );
  }

  /**
   * What waits for an instructor in the territory on `date`: its open dossiers, and the
   * récépissés due by `date` + DUE_SOON_DAYS (overdue ones included) of dossiers assigned to it
   * or to nobody. One statement; the service sorts the rows into sections.
   */
  instructorRows(territory: Territory, userId: string, date: string): Promise<DigestRow[]> {
    return this.sql<DigestRow>`
      SELECT d.* FROM (
        SELECT a.id AS "applicationId", p.name AS "projectName", c.name AS "communeName", a.department_code AS "departmentCode", a.status::text AS status,
               CASE WHEN ${RECEIPT_AWAITED} THEN to_char(a.receipt_due_on, 'YYYY-MM-DD') END AS "dueOn",
               CASE WHEN ${RECEIPT_AWAITED} THEN ${date}::date - a.receipt_due_on END AS "daysLate",
               (a.assignee_id = ${userId}::uuid AND a.status IN ${OPEN}) AS assigned,
               (${RECEIPT_AWAITED} AND a.receipt_due_on <= ${date}::date + ${DUE_SOON}) AS "receiptDueBy",
               false AS "awaitingDecision", false AS "receiptAwaited", a.last_event_at
        FROM applications a JOIN projects p ON p.id = a.project_id JOIN communes c ON c.insee_code = p.commune_insee
        LEFT JOIN receipts r ON r.application_id = a.id
        -- The person's dossiers, and those of nobody whose récépissé is awaited (the status: for the index).
        WHERE ${inTerritory(territory)} AND (a.assignee_id = ${userId}::uuid OR (a.assignee_id IS NULL AND a.status = 'DELIVERABLES_RECEIVED'))
      ) d
      WHERE d.assigned OR d."receiptDueBy"
      ORDER BY d."dueOn" NULLS LAST, d.last_event_at, d."applicationId"`.then(strip);
  }

  /** What waits for the DG ARS in the territory: the decisions, and every récépissé awaited. */
  directorRows(territory: Territory, date: string): Promise<DigestRow[]> {
    return this.sql<DigestRow>`
      SELECT a.id AS "applicationId", p.name AS "projectName", c.name AS "communeName", a.department_code AS "departmentCode", a.status::text AS status,
             CASE WHEN ${RECEIPT_AWAITED} THEN to_char(a.receipt_due_on, 'YYYY-MM-DD') END AS "dueOn",
             CASE WHEN ${RECEIPT_AWAITED} THEN ${date}::date - a.receipt_due_on END AS "daysLate",
             false AS assigned, false AS "receiptDueBy",
             a.status = 'AWAITING_DECISION' AS "awaitingDecision", ${RECEIPT_AWAITED} AS "receiptAwaited", a.last_event_at
      FROM applications a JOIN projects p ON p.id = a.project_id JOIN communes c ON c.insee_code = p.commune_insee
      LEFT JOIN receipts r ON r.application_id = a.id
      WHERE ${inTerritory(territory)} AND a.status IN ('AWAITING_DECISION', 'DELIVERABLES_RECEIVED')
      ORDER BY a.receipt_due_on NULLS LAST, a.last_event_at, a.id`.then(strip);
  }
}

/** The rows without the column they were ordered by. */
const strip = (rows: (DigestRow & { last_event_at?: unknown })[]): DigestRow[] => rows.map(({ last_event_at: _, ...row }) => row);
