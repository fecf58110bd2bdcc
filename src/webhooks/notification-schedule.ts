import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { parisToday } from '../common/validation/dates.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DigestService } from '../digest/digest.service.js';
import { ReportJobs } from '../reports/report-jobs.js';
import { DeadlineEvents } from './deadline-events.js';

export const NOTIFICATIONS_QUEUE = 'notifications-daily';

/**
 * Every morning (DIGEST_CRON, 07:00 Europe/Paris by default), by one worker: the récépissé
 * deadline events, then each person's digest (which reads the same deadlines).
 */
@Injectable()
export class NotificationSchedule implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: ReportJobs,
    private readonly deadlines: DeadlineEvents,
    private readonly digest: DigestService,
  ) {}

  onModuleInit(): void {
    this.jobs.schedule(NOTIFICATIONS_QUEUE, this.config.notifications.mail.digestCron, () => this.run(parisToday()));
  }

  async run(date: string): Promise<{ deadlineEvents: number; digests: Awaited<ReturnType<DigestService['sendAll']>> }> {
    return { deadlineEvents: await this.deadlines.record(date), digests: await this.digest.sendAll(date) };
  }
}
