import { PassThrough, type Readable, type Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { AuditRepository } from '../audit/audit.repository.js';
import { assertRegionWide, type Principal, territoryOf } from '../common/access/principal.js';
import { notFound } from '../common/errors/problem.js';
import { csvSafeCell, xlsxValueCell } from '../common/http/csv.js';
import { type Page, pageOf } from '../common/http/pagination.js';
import { parisToday } from '../common/validation/dates.js';
import type { ReportRun } from '../generated/prisma/client.js';
import type { RequestedRunsDto, RequestRunsDto, RunDto, RunQuery } from './dto/report.dto.js';
import { ReportJobs } from './report-jobs.js';
import { REPORT_COLUMNS, REPORT_TYPES, reportFileName } from './report-types.js';
import { ReportsRepository } from './reports.repository.js';

/**
 * Until `stream` drains; refused when the response `out` closes first (the client went away):
 * the download's transaction then ends at once instead of waiting for its timeout.
 */
function drained(stream: Writable, out: PassThrough): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      stream.off('drain', onDrain);
      out.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('the download was closed before its end'));
    stream.once('drain', onDrain);
    out.once('close', onClose);
  });
}

/** JSON reads carry at most this many rows; the downloads carry all of them. */
export const JSON_ROW_LIMIT = 10_000;

const toRunDto = (r: ReportRun): RunDto => ({
  id: r.id,
  type: r.type,
  date: r.date.toISOString().slice(0, 10),
  status: r.status,
  regionCode: r.regionCode,
  startedAt: r.startedAt?.toISOString() ?? null,
  finishedAt: r.finishedAt?.toISOString() ?? null,
  rowCount: r.rowCount,
  error: r.error,
  summary: r.summary,
});

@Injectable()
export class ReportsService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly jobs: ReportJobs,
    private readonly audit: AuditRepository,
  ) {}

  /**
   * A run is the region's (it replaces the region's run of that date): a caller of a narrower
   * scope may not request one (403). Each run requested writes its audit row with the run.
   */
  async request(p: Principal, dto: RequestRunsDto): Promise<RequestedRunsDto> {
    assertRegionWide(p, 'A report run');
    const runs = await this.jobs.request(p.regionCode, dto.type ? [dto.type] : REPORT_TYPES, dto.date ?? parisToday(), (before, run) =>
      this.audit.change(p, {
        action: 'report_run.request',
        entity: 'report_run',
        entityId: run.id,
        regionCode: run.regionCode,
        before: before && { status: before.status, rowCount: before.rowCount, finishedAt: before.finishedAt?.toISOString() ?? null },
        after: { type: run.type, date: run.date.toISOString().slice(0, 10), status: run.status },
      }),
    );
    return { items: runs.map((r) => ({ id: r.id, type: r.type, date: r.date.toISOString().slice(0, 10), status: r.status })) };
  }

  async list(p: Principal, q: RunQuery): Promise<Page<RunDto>> {
    return pageOf(q, (after, take) => this.reports.list(territoryOf(p), q, after, take), toRunDto);
  }

  async get(p: Principal, id: string): Promise<RunDto> {
    const found = await this.reports.readWithRows(territoryOf(p), id, JSON_ROW_LIMIT);
    if (!found) throw notFound(`Report run ${id}`);
    return { ...toRunDto(found.run), rows: found.rows };
  }

  /** The rows as CSV or XLSX, streamed: a header line, then one line per row. */
  async download(p: Principal, id: string, format: 'csv' | 'xlsx'): Promise<{ fileName: string; contentType: string; body: Readable }> {
    const territory = territoryOf(p);
    const run = await this.reports.find(territory, id);
    if (!run) throw notFound(`Report run ${id}`);
    const columns = REPORT_COLUMNS[run.type];
    const date = run.date.toISOString().slice(0, 10);
    const region = territory.departmentCode ? `${run.regionCode}-${territory.departmentCode}` : run.regionCode;
    const out = new PassThrough();
    const fail = (error: unknown) => out.destroy(error as Error);
    if (format === 'csv') {
      const csv = stringify({ header: true, columns, cast: { boolean: (v) => String(v) } });
      csv.pipe(out);
      void this.reports
        .streamRows(territory, id, async (rows) => {
          // Text that a spreadsheet would run as a formula is neutralised; numbers stay numbers.
          for (const row of rows) if (!csv.write(columns.map((c) => csvSafeCell(row[c])))) await drained(csv, out);
        })
        .then(() => csv.end(), fail);
      return { fileName: reportFileName(region, run.type, date, 'csv'), contentType: 'text/csv; charset=utf-8', body: out };
    }
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
    const sheet = workbook.addWorksheet(run.type);
    sheet.addRow(columns).commit();
    void this.reports
      .streamRows(territory, id, async (rows) => {
        // Values, never formulas (xlsxValueCell): a string starting with `=` is written as text.
        for (const row of rows) sheet.addRow(columns.map((c) => xlsxValueCell(row[c]))).commit();
        // exceljs writes on without waiting for the client: the next batch waits until what
        // this one produced has gone out, so memory holds about one batch whatever the size.
        if (out.writableNeedDrain) await drained(out, out);
      })
      .then(async () => {
        sheet.commit();
        await workbook.commit();
      }, fail);
    return {
      fileName: reportFileName(region, run.type, date, 'xlsx'),
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      body: out,
    };
  }
}
