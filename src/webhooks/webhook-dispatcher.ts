import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository.js';
import { SECRET_BOX, type SecretBox } from '../common/crypto/secret-box.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TransactionHost } from '../database/transaction-host.js';
import { escapeHtml } from '../digest/digest-mail.js';
import { Mailer } from '../digest/mailer.js';
import type { WebhookSubscription } from '../generated/prisma/client.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { retryDelayMs } from './retry-schedule.js';
import { eventBody, send, type SendResult, sign } from './webhook-sender.js';
import { type ClaimedDelivery, WebhooksRepository } from './webhooks.repository.js';

/**
 * Sends the outbox's deliveries, in every instance that runs the workers: claims those due
 * (webhooks.repository.ts `claim`), posts each signed, records the attempt and when to try
 * again (exponential backoff with jitter, over more than 24 h by default), and disables a
 * subscription failing for 3 days, telling its admins. At least once: a worker that dies
 * mid-delivery leaves a lease that expires, and the delivery goes again with the same
 * `webhook-id`.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebhookDispatcher');
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private polling = false;
  private stopped = false;
  /** The last claim found work: more may be due (the next of a dossier, say), claimed as soon as an attempt ends, not at the next tick. */
  private backlog = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    private readonly webhooks: WebhooksRepository,
    private readonly tx: TransactionHost,
    private readonly audit: AuditRepository,
    private readonly mailer: Mailer,
    private readonly metrics: MetricsService,
  ) {}

  private get settings() {
    return this.config.notifications.webhooks;
  }

  onApplicationBootstrap(): void {
    if (!this.config.workersEnabled) return;
    this.timer = setInterval(() => void this.poll(), this.settings.pollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    // Attempts under way end within their timeout; one cut short goes again after its lease.
    await Promise.allSettled([...this.inFlight]);
  }

  /** Claims what is due, up to the free slots, and sends each; what the claim found, for tests and the bench. */
  async poll(): Promise<number> {
    if (this.polling || this.stopped) return 0;
    this.polling = true;
    try {
      const free = this.settings.concurrency - this.inFlight.size;
      if (free <= 0) return 0;
      const claimed = await this.webhooks.claim(free, this.settings.timeoutMs + 5000, randomUUID());
      this.backlog = claimed.length > 0;
      for (const delivery of claimed) {
        const attempt: Promise<void> = this.deliver(delivery)
          .catch((error: unknown) => this.logger.error({ err: error, deliveryId: delivery.id }, 'delivery not recorded: it goes again after its lease'))
          .finally(() => {
            this.inFlight.delete(attempt);
            if (this.backlog) void this.poll();
          });
        this.inFlight.add(attempt);
      }
      return claimed.length;
    } catch (error) {
      this.logger.warn({ err: error }, 'webhook deliveries not claimed this turn');
      return 0;
    } finally {
      this.polling = false;
    }
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const secret = this.secrets.tryOpen(d.secretCipher);
    const previous = d.previousSecretCipher && d.previousSecretExpiresAt && d.previousSecretExpiresAt > new Date() ? this.secrets.tryOpen(d.previousSecretCipher) : null;
    // A secret sealed under another key (DATA_ENCRYPTION_KEY or JWT_SECRET changed) cannot sign:
    // the attempt fails, logged as such, and a rotation gives the subscription a new one.
    const result: SendResult =
      secret === null
        ? { succeeded: false, responseStatus: null, durationMs: 0, error: "the subscription's secret cannot be read with this key: rotate it" }
        : await send(d.url, sign(d.eventId, eventBody(d), previous ? [secret, previous] : [secret]), {
            timeoutMs: this.settings.timeoutMs,
            allowLoopback: this.settings.allowLoopback,
          });
    this.metrics.webhookDeliveries.inc({ outcome: result.succeeded ? 'succeeded' : 'failed' });
    const next = result.succeeded || d.attempts >= this.settings.maxAttempts ? null : new Date(Date.now() + retryDelayMs(d.attempts, this.settings.retryBaseMs));
    let disabled: WebhookSubscription | null = null;
    await this.tx.transaction(async () => {
      if (!(await this.webhooks.finish(d, result, next))) return;
      if (result.succeeded) return this.webhooks.succeeded(d.subscriptionId);
      const hours = this.settings.disableAfterHours;
      disabled = await this.webhooks.failed(d.subscriptionId, hours * 3_600_000, `toutes les tentatives échouent depuis ${hours} heures (dernière : ${result.error})`);
      if (disabled) {
        await this.audit.append(
          { id: null, kind: 'SYSTEM' },
          {
            action: 'webhook.disable',
            entity: 'webhook',
            entityId: disabled.id,
            regionCode: disabled.regionCode,
            before: { enabled: true },
            after: { enabled: false, reason: disabled.disabledReason },
          },
        );
      }
    });
    if (!result.succeeded) this.logger.warn({ deliveryId: d.id, eventId: d.eventId, attempt: d.attempts, error: result.error, next }, 'webhook attempt failed');
    if (disabled) await this.tellAdmins(disabled);
  }

  /** The people who manage a disabled subscription learn it by e-mail (or the log without SMTP). */
  private async tellAdmins(s: WebhookSubscription): Promise<void> {
    this.logger.warn({ subscriptionId: s.id, url: s.url, reason: s.disabledReason }, 'webhook subscription disabled');
    const subject = 'Financement MSP — abonnement webhook désactivé';
    const text = [
      'Bonjour,',
      '',
      `L’abonnement webhook ${s.id} vers ${s.url} a été désactivé : ${s.disabledReason ?? ''}.`,
      `Les événements sont conservés ; ils seront envoyés dans l’ordre dès que l’abonnement sera réactivé (PATCH /api/v1/webhooks/${s.id} avec {"enabled": true}).`,
    ].join('\n');
    const html = `<p>Bonjour,</p><p>L’abonnement webhook <code>${escapeHtml(s.id)}</code> vers <code>${escapeHtml(s.url)}</code> a été désactivé : ${escapeHtml(s.disabledReason ?? '')}.</p><p>Les événements sont conservés ; ils seront envoyés dans l’ordre dès que l’abonnement sera réactivé (<code>PATCH /api/v1/webhooks/${escapeHtml(s.id)}</code> avec <code>{"enabled": true}</code>).</p>`;
    for (const admin of await this.webhooks.admins(s)) {
      await this.mailer
        .send({ to: admin.email, subject, text, html })
        .catch((error: unknown) => this.logger.error({ err: error, to: admin.email }, 'disabled-webhook e-mail not sent'));
    }
  }
}
