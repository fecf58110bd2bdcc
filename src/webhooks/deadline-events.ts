import { Injectable, Logger } from '@nestjs/common';
import { Repository } from '../database/repository.js';
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
    const due = await this.sql<AwaitedReceipt>`
      SELECT a.id AS "applicationId", a.region_code AS "regionCode", a.department_code AS "departmentCode",
             to_char(a.receipt_due_on, 'YYYY-MM-DD') AS "receiptDueOn", a.receipt_due_on < ${date}::date AS overdue
      FROM applications a LEFT JOIN receipts r ON r.application_id = a.id
      WHERE ${RECEIPT_AWAITED} AND a.receipt_due_on <= ${date}::date + ${DUE_SOON}
      ORDER BY a.receipt_due_on, a.id`;
    let recorded = 0;
    for (const d of due) {
      const type = d.overdue ? 'application.receipt_overdue' : 'application.receipt_due_soon';
      const id = await this.outbox.publish({
        type,
        regionCode: d.regionCode,
        departmentCode: d.departmentCode,
        applicationId: d.applicationId,
        dedupeKey: `${type}:${d.applicationId}:${d.receiptDueOn}`,
        data: { applicationId: d.applicationId, departmentCode: d.departmentCode, receiptDueOn: d.receiptDueOn, asOf: date },
      });
      if (id) recorded++;
    }
    if (recorded) this.logger.log({ date, recorded }, 'récépissé deadline events recorded');
    return recorded;
  }
}
