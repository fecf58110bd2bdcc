import { Module } from '@nestjs/common';
import { SecretBox } from '../common/crypto/secret-box.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DigestModule } from '../digest/digest.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { DeadlineEvents } from './deadline-events.js';
import { NotificationSchedule } from './notification-schedule.js';
import { SECRET_BOX, WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

@Module({
  imports: [DigestModule, ReportsModule, MetricsModule],
  controllers: [WebhooksController],
  providers: [
    WebhooksService,
    WebhooksRepository,
    WebhookDispatcher,
    DeadlineEvents,
    NotificationSchedule,
    { provide: SECRET_BOX, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new SecretBox(config.dataEncryptionKey ?? config.jwt.secret!) },
  ],
  exports: [WebhookDispatcher, NotificationSchedule],
})
export class WebhooksModule {}
