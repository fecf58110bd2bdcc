import { Injectable, Logger } from '@nestjs/common';
import { Repository } from '../database/repository.js';
import { sqlFragment } from '../database/sql.js';
import { TransactionHost } from '../database/transaction-host.js';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import { DUE_SOON, RECEIPT_AWAITED } from '../reports/report-queries.js';

interface AwaitedReceipt {
  applicationId: string;
  regionCode: string;
  departmentCode: string;
  receiptDueOn: string;
  overdue: boolean;
}

/**
 * The récépissés awaited that fall due within 15 days, or are overdue, as of `date` (the
 * definitions of the DEADLINES report): each becomes `application.receipt_due_soon` or
 * `application.receipt_overdue` once per dossier and due date, however often this runs.
 */
@Injectable()
export class DeadlineEvents extends Repository {
  private readonly logger = new Logger('DeadlineEvents');

  constructor(
    txHost: TransactionHost,
    private readonly outbox: OutboxRepository,
  ) {
    super(txHost);
  }

  async record(date: string): Promise<number> {
    const due = await this.awaited(date);
    let recorded = 0;
    for (const candidate of due) {
      // Each in a transaction holding the dossier, checked again: a récépissé issued meanwhile
      // makes it no longer due, and its events stay in the order they commit.
      const id = await this.txHost.transaction(async () => {
        const [d] = await this.awaited(date, candidate.applicationId);
        if (!d) return null;
        const type = d.overdue ? 'application.receipt_overdue' : 'application.receipt_due_soon';
        return this.outbox.publish({
          type,
          regionCode: d.regionCode,
          departmentCode: d.departmentCode,
          applicationId: d.applicationId,
          dedupeKey: `${type}:${d.applicationId}:${d.receiptDueOn}`,
          data: { applicationId: d.applicationId, departmentCode: d.departmentCode, receiptDueOn: d.receiptDueOn, asOf: date },
        });
      });
      if (id) recorded++;
    }
    if (recorded) this.logger.log({ date, recorded }, 'récépissé deadline events recorded');
    return recorded;
  }

  /** The récépissés awaited and due by `date` + 15 days (one dossier's, locked, when `applicationId` is given). */
  private awaited(date: string, applicationId?: string): Promise<AwaitedReceipt[]> {
    return this.sql<AwaitedReceipt>`
      SELECT a.id AS "applicationId", a.region_code AS "regionCode", a.department_code AS "departmentCode",
             to_char(a.receipt_due_on, 'YYYY-MM-DD') AS "receiptDueOn", a.receipt_due_on < ${date}::date AS overdue
      FROM applications a LEFT JOIN receipts r ON r.application_id = a.id
      WHERE ${RECEIPT_AWAITED} AND a.receipt_due_on <= ${date}::date + ${DUE_SOON}
        AND (${applicationId ?? null}::uuid IS NULL OR a.id = ${applicationId ?? null}::uuid)
      ORDER BY a.receipt_due_on, a.id
      ${applicationId ? sqlFragment('FOR NO KEY UPDATE OF a') : sqlFragment('')}`;
  }
}
