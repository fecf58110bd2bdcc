import { Injectable } from '@nestjs/common';
import { coversRegionOrDepartment, type Territory } from '../common/access/principal.js';
import { toDbDate } from '../common/validation/dates.js';
import { Repository } from '../database/repository.js';
import type { ReportRun, ReportType } from '../generated/prisma/client.js';
import { computeReport } from './report-queries.js';

/**
 * A run as a territory sees it: for a département's caller, `rowCount` counts its département's
 * rows only, and the FUNDING summary lists the envelopes it sees (the region's own and its
 * département's), never the region-wide figures of what it may not read.
 */
function inTerritory(territory: Territory, run: ReportRun & { _count?: { rows: number } }): ReportRun {
  const { _count, ...rest } = run;
  if (!territory.departmentCode) return rest;
  const summary = rest.summary as { envelopes?: { departmentCode?: string | null }[] } | null;
  return {
    ...rest,
    rowCount: rest.rowCount === null ? null : (_count?.rows ?? 0),
    summary:
      summary && Array.isArray(summary.envelopes)
        ? { ...summary, envelopes: summary.envelopes.filter((e) => coversRegionOrDepartment(territory, e.departmentCode)) }
        : rest.summary,
  };
}

/** Rows per statement of a streamed download. */
export const DOWNLOAD_BATCH = 2000;

@Injectable()
export class ReportsRepository extends Repository {
  /** Runs a report now: RUNNING, then its rows replaced and SUCCEEDED in one transaction (or FAILED). */
  /** Computes the run's rows; `finished` writes what goes with its end (its event), in the transaction that records it, succeeded or failed. */
  async execute(runId: string, finished?: (run: ReportRun) => Promise<void>): Promise<ReportRun> {
    const run = await this.db.reportRun.update({ where: { id: runId }, data: { status: 'RUNNING', startedAt: new Date(), error: null } });
    const date = run.date.toISOString().slice(0, 10);
    try {
      // Readers see the previous rows until this commits, then the new ones: never half a run.
      return await this.txHost.transaction(
        async () => {
          const { rowCount, summary } = await computeReport(this.db, run.id, run.type, run.regionCode, date);
          const done = await this.db.reportRun.update({
            where: { id: run.id },
            data: { status: 'SUCCEEDED', finishedAt: new Date(), rowCount, summary },
          });
          await finished?.(done);
          return done;
        },
        { timeout: 10 * 60_000 },
      );
    } catch (error) {
      // Its end, failed, is announced too (the job queue tries it again; a later success is another event).
      await this.txHost.transaction(async () => {
        const failed = await this.db.reportRun.update({
          where: { id: run.id },
          data: { status: 'FAILED', finishedAt: new Date(), error: (error as Error).message.slice(0, 2000) },
        });
        await finished?.(failed);
      });
      throw error;
    }
  }

  /** The run of (region, type, date), created or reset to QUEUED (its rows stay until replaced). */
  request(regionCode: string, type: ReportType, date: string): Promise<ReportRun> {
    return this.db.reportRun.upsert({
      where: { regionCode_type_date: { regionCode, type, date: toDbDate(date) } },
      create: { regionCode, type, date: toDbDate(date) },
      update: { status: 'QUEUED', error: null, startedAt: null, finishedAt: null },
    });
  }

  findOf(regionCode: string, type: ReportType, date: string): Promise<ReportRun | null> {
    return this.db.reportRun.findUnique({ where: { regionCode_type_date: { regionCode, type, date: toDbDate(date) } } });
  }

  /** The runs of the region, each with the number of its rows in the territory (same statement). */
  async list(territory: Territory, f: { type?: ReportType; date?: string }, after: string | undefined, take: number): Promise<ReportRun[]> {
    const runs = await this.db.reportRun.findMany({
      where: { regionCode: territory.regionCode, ...(f.type && { type: f.type }), ...(f.date && { date: toDbDate(f.date) }), ...(after && { id: { gt: after } }) },
      ...(territory.departmentCode && { include: { _count: { select: { rows: { where: { departmentCode: territory.departmentCode } } } } } }),
      orderBy: { id: 'asc' },
      take,
    });
    return runs.map((r) => inTerritory(territory, r as ReportRun & { _count?: { rows: number } }));
  }

  /** The run and its rows in one statement, so one snapshot: a run being replaced shows whole, old or new. */
  async readWithRows(territory: Territory, id: string, rowLimit: number) {
    const run = await this.db.reportRun.findFirst({
      where: { id, regionCode: territory.regionCode },
      include: {
        rows: {
          where: territory.departmentCode ? { departmentCode: territory.departmentCode } : {},
          orderBy: { position: 'asc' },
          take: rowLimit,
          select: { data: true },
        },
        ...(territory.departmentCode && { _count: { select: { rows: { where: { departmentCode: territory.departmentCode } } } } }),
      },
    });
    if (!run) return null;
    const { rows, ...rest } = run;
    return { run: inTerritory(territory, rest), rows: rows.map((r) => r.data) };
  }

  find(territory: Territory, id: string) {
    return this.db.reportRun.findFirst({ where: { id, regionCode: territory.regionCode } });
  }

  /**
   * Streams a run's rows in batches inside one REPEATABLE READ transaction (one snapshot for
   * the whole download), keyset-paged on position: memory stays flat whatever the size.
   */
  async streamRows(territory: Territory, id: string, onBatch: (rows: Record<string, unknown>[]) => Promise<void>): Promise<void> {
    await this.txHost.transaction(
      async () => {
        let after = 0;
        for (;;) {
          const batch = await this.db.reportRow.findMany({
            where: { runId: id, position: { gt: after }, ...(territory.departmentCode && { departmentCode: territory.departmentCode }) },
            orderBy: { position: 'asc' },
            take: DOWNLOAD_BATCH,
            select: { position: true, data: true },
          });
          if (batch.length) await onBatch(batch.map((b) => b.data as Record<string, unknown>));
          if (batch.length < DOWNLOAD_BATCH) return;
          after = batch[batch.length - 1].position;
        }
      },
      { isolationLevel: 'RepeatableRead', timeout: 10 * 60_000, maxWait: 10_000 },
    );
  }

  /** The regions that have an ARS: the nightly job runs their reports. */
  async regions(): Promise<string[]> {
    const rows = await this.db.organization.findMany({ where: { type: 'ARS' }, distinct: ['regionCode'], select: { regionCode: true } });
    return rows.map((r) => r.regionCode);
  }
}
