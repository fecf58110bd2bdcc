import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { unavailable } from '../common/errors/problem.js';
import { parisToday } from '../common/validation/dates.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DATABASE_URL } from '../database/database-url.js';
import { TransactionHost } from '../database/transaction-host.js';
import type { ReportRun } from '../generated/prisma/client.js';
import type { ReportType } from '../generated/prisma/enums.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import { REPORT_TYPES } from './report-types.js';
import { ReportsRepository } from './reports.repository.js';

export const RUN_QUEUE = 'report-run';
export const NIGHTLY_QUEUE = 'reports-nightly';

/**
 * The job queue, in the service's own PostgreSQL (pg-boss): report runs are jobs, retried with
 * backoff; the nightly schedule is a pg-boss cron, sent once per tick however many instances
 * run. With WORKERS_ENABLED=false an instance only sends jobs (an API-only instance).
 */
@Injectable()
export class ReportJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReportJobs');
  private boss?: PgBoss;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    private readonly tx: TransactionHost,
    private readonly reports: ReportsRepository,
    private readonly metrics: MetricsService,
    private readonly outbox: OutboxRepository,
  ) {}

  private ready?: Promise<PgBoss>;
  /** Other modules' scheduled jobs (the daily notifications), on this queue. */
  private readonly scheduled: { queue: string; cron: string; run: () => Promise<unknown> }[] = [];
  /** Other modules' jobs sent on demand (a call's sync), each run by one worker. */
  private readonly onDemand: { queue: string; expireInSeconds: number; run: (data: object) => Promise<unknown> }[] = [];
  /** The start under way, which a shutdown must wait for: it would register workers after it. */
  private starting?: Promise<PgBoss>;
  private stopped = false;

  /**
   * Starts the queue without holding up the service: a database that is away at start delays
   * the jobs, not the API (attempts go on every 5 s until it answers).
   */
  onApplicationBootstrap(): void {
    this.ready = new Promise((resolve) => {
      const attempt = async () => {
        if (this.stopped) return;
        try {
          resolve(await (this.starting = this.start()));
        } catch (error) {
          if (this.stopped) return;
          this.logger.warn({ err: error }, 'job queue not started yet: retrying in 5 s');
          setTimeout(() => void attempt(), 5000).unref();
        }
      };
      void attempt();
    });
  }

  private async start(): Promise<PgBoss> {
    const workers = this.config.workersEnabled;
    const boss = new PgBoss({
      connectionString: this.databaseUrl,
      schema: 'pgboss',
      max: 3,
      application_name: 'msp-funding-jobs',
      supervise: workers,
      schedule: workers,
      cronMonitorIntervalSeconds: this.config.jobsCronIntervalSeconds,
      cronWorkerIntervalSeconds: Math.min(5, this.config.jobsCronIntervalSeconds),
    });
    boss.on('error', (error) => this.logger.error({ err: error }, 'job queue error'));
    try {
      await boss.start();
    } catch (error) {
      // A half-started instance keeps timers and connections: close it before the next try.
      await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
      throw error;
    }
    this.boss = boss;
    await boss.createQueue(RUN_QUEUE, { name: RUN_QUEUE, retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 30 * 60 });
    await boss.createQueue(NIGHTLY_QUEUE, { name: NIGHTLY_QUEUE, retryLimit: 2, retryDelay: 60 });
    for (const job of this.scheduled) await boss.createQueue(job.queue, { name: job.queue, retryLimit: 2, retryDelay: 60, retryBackoff: true });
    for (const job of this.onDemand)
      await boss.createQueue(job.queue, { name: job.queue, retryLimit: 2, retryDelay: 60, retryBackoff: true, expireInSeconds: job.expireInSeconds });
    if (workers) {
      for (const job of this.onDemand) await boss.work<object>(job.queue, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([j]) => job.run(j.data));
      for (const job of this.scheduled) {
        await boss.schedule(job.queue, job.cron, {}, { tz: 'Europe/Paris' });
        await boss.work(job.queue, { batchSize: 1 }, async () => {
          await job.run();
        });
      }
      await boss.schedule(NIGHTLY_QUEUE, this.config.reportsCron, {}, { tz: 'Europe/Paris' });
      await boss.work<{ runId: string }>(RUN_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => this.run(job.data.runId));
      await boss.work(NIGHTLY_QUEUE, { batchSize: 1 }, async () => {
        await this.nightly();
      });
    }
    return boss;
  }

  /**
   * A job run on `cron` (Europe/Paris) by one worker of all the instances, retried twice on
   * failure. Registered before the application starts (a provider's onModuleInit).
   */
  schedule(queue: string, cron: string, run: () => Promise<unknown>): void {
    this.scheduled.push({ queue, cron, run });
  }

  /**
   * A queue of jobs sent on demand (`send`), each run by one worker of all the instances, retried
   * twice on failure, given up (and retried) past `expireInSeconds`. Registered before the
   * application starts.
   */
  worker<T extends object>(queue: string, expireInSeconds: number, run: (data: T) => Promise<unknown>): void {
    this.onDemand.push({ queue, expireInSeconds, run: run as (data: object) => Promise<unknown> });
  }

  /** Sends a job to a `worker` queue once the caller's transaction (if any) has committed (`singletonKey`: at most one such job queued). */
  async send(queue: string, data: object, options: { singletonKey?: string } = {}): Promise<void> {
    await this.tx.afterCommit(async () => (await this.queue()).send(queue, data, options));
  }

  /** The started queue, or 503 when it could not start within a few seconds. */
  private async queue(): Promise<PgBoss> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.ready!,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(unavailable('The job queue is not ready yet; try again shortly.')), 5000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // Stops fetching, lets a running job finish (bounded), closes the queue's pool.
    this.stopped = true;
    // A start still under way (a short-lived process, a database slow to answer) finishes
    // first, bounded, so that the workers it registers are stopped too.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.starting?.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    await this.boss?.stop({ graceful: true, wait: true, timeout: 8000 });
  }

  /**
   * Queues the runs of (region, types, date); each answers at once with QUEUED. `audit`, when
   * given (a caller's request), writes its row in the run's own transaction.
   */
  async request(regionCode: string, types: ReportType[], date: string, audit?: (before: ReportRun | null, run: ReportRun) => Promise<void>) {
    const runs = [];
    for (const type of types) {
      // The nightly schedule's request is one statement; a caller's writes its audit row with it.
      const run = audit
        ? await this.tx.transaction(async () => {
            const before = await this.reports.findOf(regionCode, type, date);
            const queued = await this.reports.request(regionCode, type, date);
            await audit(before, queued);
            return queued;
          })
        : await this.reports.request(regionCode, type, date);
      // Inside an Idempotency-Key request the run commits with the request: queued after.
      await this.send(RUN_QUEUE, { runId: run.id });
      runs.push(run);
    }
    return runs;
  }

  /** Every region with an ARS, every report, for today (Europe/Paris). */
  async nightly(): Promise<number> {
    const date = parisToday();
    let count = 0;
    for (const region of await this.reports.regions()) count += (await this.request(region, REPORT_TYPES, date)).length;
    this.logger.log({ date, runs: count }, 'nightly reports queued');
    return count;
  }

  private async run(runId: string): Promise<void> {
    const started = process.hrtime.bigint();
    let type = 'unknown';
    try {
      const run = await this.reports.execute(runId, (done) =>
        this.outbox
          .publish({
            type: 'report_run.finished',
            regionCode: done.regionCode,
            departmentCode: null,
            // Not its row count: a département's partner reads its own rows' count only.
            data: { runId: done.id, reportType: done.type, date: done.date.toISOString().slice(0, 10), status: done.status },
          })
          .then(() => undefined),
      );
      type = run.type;
      this.metrics.reportRuns.inc({ type, status: 'SUCCEEDED' });
    } catch (error) {
      this.metrics.reportRuns.inc({ type, status: 'FAILED' });
      this.logger.error({ err: error, runId }, 'report run failed (it will be retried)');
      throw error;
    } finally {
      this.metrics.reportDuration.observe({ type }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}
