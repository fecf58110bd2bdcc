import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditedWrites } from '../audit/audited-writes.js';
import type { Principal } from '../common/access/principal.js';
import { SECRET_BOX, type SecretBox } from '../common/crypto/secret-box.js';
import { businessRule, conflict, forbidden, invalid, notFound } from '../common/errors/problem.js';
import { decodeCursor, DEFAULT_LIMIT, type Page, pageOf, type PageQuery, toPage } from '../common/http/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { WebhookSubscription } from '../generated/prisma/client.js';
import { TEST_EVENT } from '../outbox/event-types.js';
import { OutboxRepository } from '../outbox/outbox.repository.js';
import type { CreateWebhookDto, DeliveryAttemptDto, DeliveryQuery, DeliveryQueuedDto, UpdateWebhookDto, WebhookDto, WebhookWithSecretDto } from './dto/webhook.dto.js';
import { targetRefusal } from '../common/http/target-guard.js';
import { type AttemptRow, WebhooksRepository } from './webhooks.repository.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toWebhookDto = (s: WebhookSubscription): WebhookDto => ({
  id: s.id,
  organizationId: s.organizationId,
  regionCode: s.regionCode,
  departmentCode: s.departmentCode,
  url: s.url,
  events: s.events,
  description: s.description,
  enabled: s.enabled,
  disabledAt: iso(s.disabledAt),
  disabledReason: s.disabledReason,
  failingSince: iso(s.failingSince),
  previousSecretExpiresAt: s.previousSecretExpiresAt && s.previousSecretExpiresAt > new Date() ? s.previousSecretExpiresAt.toISOString() : null,
  version: s.version,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

const toAttemptDto = (a: AttemptRow): DeliveryAttemptDto => ({
  eventId: a.eventId,
  type: a.type,
  attempt: a.attempt,
  status: a.succeeded ? 'SUCCEEDED' : 'FAILED',
  responseStatus: a.responseStatus,
  durationMs: a.durationMs,
  error: a.error,
  at: a.at.toISOString(),
  deliveryStatus: a.deliveryStatus,
  nextAttemptAt: iso(a.nextAttemptAt),
});

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

const ATTEMPT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Webhook subscriptions (API.md, Notifications): a partner manages its own organisation's, an
 * ARS admin any of its region's; other callers see none (404). Events reach a subscription in
 * its organisation's scope only (outbox.repository.ts).
 */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    private readonly webhooks: WebhooksRepository,
    private readonly outbox: OutboxRepository,
    private readonly writes: AuditedWrites,
  ) {}

  async create(p: Principal, dto: CreateWebhookDto): Promise<WebhookWithSecretDto> {
    const organizationId = dto.organizationId ?? p.organizationId;
    if (p.role === 'PARTNER' && organizationId !== p.organizationId) throw forbidden("A partner manages its own organisation's webhooks only.");
    const org = await this.webhooks.organization(organizationId);
    if (!org || org.regionCode !== p.regionCode) throw notFound(`Organisation ${organizationId}`);
    this.checkTarget(dto.url);
    const secret = newSecret();
    const created = await this.writes.create(p, {
      entity: 'webhook',
      write: () =>
        this.webhooks.create({
          organizationId,
          regionCode: org.regionCode,
          departmentCode: org.departmentCode,
          url: dto.url,
          events: dto.events,
          description: dto.description ?? null,
          secretCipher: this.secrets.seal(secret),
          createdById: p.kind === 'USER' ? p.id : null,
        }),
      view: toWebhookDto,
    });
    return { ...created, secret };
  }

  async list(p: Principal, query: PageQuery): Promise<Page<WebhookDto>> {
    const where = p.role === 'ADMIN' ? { regionCode: p.regionCode } : { regionCode: p.regionCode, organizationId: p.organizationId };
    return pageOf(query, (after, take) => this.webhooks.list(where, after, take), toWebhookDto);
  }

  async get(p: Principal, id: string): Promise<WebhookDto> {
    return toWebhookDto(await this.managed(p, id));
  }

  update(p: Principal, id: string, dto: UpdateWebhookDto, expectedVersion?: number): Promise<WebhookDto> {
    if (dto.url !== undefined) this.checkTarget(dto.url);
    return this.writes.change(p, {
      what: `Webhook ${id}`,
      entity: 'webhook',
      entityId: id,
      expectedVersion,
      find: () => this.scoped(p, id),
      write: (before) =>
        this.webhooks.update(id, before.version, {
          ...(dto.url !== undefined && { url: dto.url }),
          ...(dto.events !== undefined && { events: dto.events }),
          ...(dto.description !== undefined && { description: dto.description }),
          // Enabling again starts afresh: no failing spell, no reason; what waited goes out in order.
          ...(dto.enabled === true && !before.enabled && { enabled: true, disabledAt: null, disabledReason: null, failingSince: null }),
          ...(dto.enabled === false && before.enabled && { enabled: false, disabledAt: new Date(), disabledReason: 'paused by its owner' }),
        }),
      // Its pending deliveries follow: kept and not due while it is paused, due again once it is enabled.
      also: async (before) => {
        if (dto.enabled !== undefined && dto.enabled !== before.enabled) await this.webhooks.pause(id, !dto.enabled);
      },
      view: toWebhookDto,
    });
  }

  async remove(p: Principal, id: string, expectedVersion?: number): Promise<void> {
    await this.writes.change(p, {
      what: `Webhook ${id}`,
      entity: 'webhook',
      action: 'webhook.delete',
      entityId: id,
      expectedVersion,
      find: () => this.scoped(p, id),
      write: async (before) => (await this.webhooks.delete(id, before.version)) && { ...before, version: before.version + 1 },
      view: toWebhookDto,
      audit: (before) => ({ before: toWebhookDto(before), after: null }),
    });
  }

  /** A new secret, answered once; the previous one still signs (beside it) for the grace period. */
  async rotate(p: Principal, id: string): Promise<WebhookWithSecretDto> {
    const secret = newSecret();
    const graceMs = this.config.notifications.webhooks.rotationGraceHours * 3_600_000;
    const rotated = await this.writes.change(p, {
      what: `Webhook ${id}`,
      entity: 'webhook',
      action: 'webhook.rotate_secret',
      entityId: id,
      expectedVersion: undefined,
      find: () => this.scoped(p, id),
      write: (before) => {
        // A previous secret that this key cannot read (the key changed) does not sign on.
        const keep = graceMs > 0 && this.secrets.tryOpen(before.secretCipher) !== null;
        return this.webhooks.update(id, before.version, {
          secretCipher: this.secrets.seal(secret),
          previousSecretCipher: keep ? before.secretCipher : null,
          previousSecretExpiresAt: keep ? new Date(Date.now() + graceMs) : null,
        });
      },
      view: toWebhookDto,
    });
    return { ...rotated, secret };
  }

  /** A `webhook.test` event to this subscription alone, delivered (and logged) as any other. */
  async test(p: Principal, id: string): Promise<DeliveryQueuedDto> {
    return this.writes.run(p, async () => {
      const s = await this.scoped(p, id);
      if (!s) throw notFound(`Webhook ${id}`);
      if (!s.enabled) throw conflict('The subscription is disabled: enable it (PATCH enabled: true) to send a test event; what waited goes out first, in order.');
      const eventId = await this.outbox.publish(
        {
          type: TEST_EVENT,
          regionCode: s.regionCode,
          departmentCode: s.departmentCode,
          data: { webhookId: s.id, message: 'Événement de test : la signature et la réception fonctionnent.' },
        },
        s.id,
      );
      return {
        audit: { action: 'webhook.test', entity: 'webhook', entityId: s.id, regionCode: s.regionCode, after: { eventId } },
        result: { eventId: eventId!, status: 'PENDING' as const },
      };
    });
  }

  async deliveries(p: Principal, id: string, query: DeliveryQuery): Promise<Page<DeliveryAttemptDto>> {
    await this.managed(p, id);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const key = decodeCursor(query.cursor, ATTEMPT_KEY);
    const after = key ? { at: new Date(key.slice(0, 24)), id: key.slice(25) } : undefined;
    if (after && Number.isNaN(after.at.getTime())) throw invalid([{ field: 'cursor', message: 'is not a cursor this list gave' }]);
    const rows = await this.webhooks.attempts(id, query.eventId, after, limit + 1);
    return toPage(rows, limit, (r) => `${r.at.toISOString()}|${r.id}`, toAttemptDto);
  }

  async redeliver(p: Principal, id: string, eventId: string): Promise<DeliveryQueuedDto> {
    return this.writes.run(p, async () => {
      const s = await this.scoped(p, id);
      if (!s) throw notFound(`Webhook ${id}`);
      const outcome = await this.webhooks.redeliver(id, eventId);
      if (outcome === 'absent') throw notFound(`Event ${eventId} of webhook ${id}`);
      if (outcome === 'in-flight') throw conflict('This event is being delivered right now; look at the delivery log, and redeliver it once that attempt has ended.');
      return {
        audit: { action: 'webhook.redeliver', entity: 'webhook', entityId: id, regionCode: s.regionCode, after: { eventId } },
        result: { eventId, status: 'PENDING' as const },
      };
    });
  }

  private checkTarget(url: string): void {
    const refusal = targetRefusal(url, this.config.notifications.webhooks.allowLoopback);
    if (refusal) throw businessRule('webhook-target', `The webhook's url ${refusal}.`, { errors: [{ field: 'url', message: refusal }] });
  }

  /** The subscription if the caller manages it (its organisation's, or its region's for an ARS admin), else null. */
  private async scoped(p: Principal, id: string): Promise<WebhookSubscription | null> {
    const s = await this.webhooks.find(id);
    if (!s || s.regionCode !== p.regionCode) return null;
    return p.role === 'ADMIN' || s.organizationId === p.organizationId ? s : null;
  }

  private async managed(p: Principal, id: string): Promise<WebhookSubscription> {
    const s = await this.scoped(p, id);
    if (!s) throw notFound(`Webhook ${id}`);
    return s;
  }
}
