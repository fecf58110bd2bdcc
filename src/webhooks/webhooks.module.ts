import { Module } from '@nestjs/common';
import { DigestModule } from '../digest/digest.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { DeadlineEvents } from './deadline-events.js';
import { NotificationSchedule } from './notification-schedule.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

@Module({
  imports: [DigestModule, ReportsModule, MetricsModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhooksRepository, WebhookDispatcher, DeadlineEvents, NotificationSchedule],
  exports: [WebhookDispatcher, NotificationSchedule],
})
export class WebhooksModule {}
