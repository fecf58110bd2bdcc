import { Injectable } from '@nestjs/common';
import { Repository } from '../database/repository.js';
import { type Organization, Prisma, type WebhookSubscription } from '../generated/prisma/client.js';

export interface NewSubscription {
  organizationId: string;
  regionCode: string;
  departmentCode: string | null;
  url: string;
  events: string[];
  description: string | null;
  secretCipher: string;
  createdById: string | null;
}

/** A delivery a worker has claimed, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  claimToken: string;
  attempts: number;
  subscriptionId: string;
  url: string;
  secretCipher: string;
  previousSecretCipher: string | null;
  previousSecretExpiresAt: Date | null;
  eventId: string;
  type: string;
  version: number;
  occurredAt: Date;
  data: Record<string, unknown>;
}

export interface AttemptResult {
  succeeded: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}

export interface AttemptRow {
  id: string;
  eventId: string;
  type: string;
  attempt: number;
  succeeded: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  at: Date;
  deliveryStatus: string;
  nextAttemptAt: Date | null;
}

@Injectable()
export class WebhooksRepository extends Repository {
  organization(id: string): Promise<Organization | null> {
    return this.db.organization.findUnique({ where: { id } });
  }

  create(s: NewSubscription): Promise<WebhookSubscription> {
    return this.db.webhookSubscription.create({ data: s });
  }

  find(id: string): Promise<WebhookSubscription | null> {
    return this.db.webhookSubscription.findUnique({ where: { id } });
  }

  list(where: { regionCode: string; organizationId?: string }, after: string | undefined, take: number): Promise<WebhookSubscription[]> {
    return this.db.webhookSubscription.findMany({ where: { ...where, ...(after && { id: { gt: after } }) }, orderBy: { id: 'asc' }, take });
  }

  /** Writes only while the subscription is still at `version`, bumping it. */
  async update(id: string, version: number, data: Partial<WebhookSubscription>): Promise<WebhookSubscription | null> {
    const { count } = await this.db.webhookSubscription.updateMany({ where: { id, version }, data: { ...data, version: { increment: 1 } } });
    return count === 1 ? this.db.webhookSubscription.findUnique({ where: { id } }) : null;
  }

  async delete(id: string, version: number): Promise<boolean> {
    // Its deliveries and their attempts go with it (cascade); the events stay in the outbox.
    return (await this.db.webhookSubscription.deleteMany({ where: { id, version } })).count === 1;
  }

  /**
   * Claims up to `limit` deliveries due, each the first still pending of its stream (a dossier's
   * events to one subscription go out in commit order; a later one waits for the one before,
   * its retries included), of an enabled subscription, not claimed by a live worker. The claim
   * is a lease: a worker that dies leaves it to expire, and another takes the delivery.
   */
  async claim(limit: number, leaseMs: number, claimToken: string): Promise<ClaimedDelivery[]> {
    // A background poll (every second by default): not one of a request's statements.
    const claim = Prisma.sql`
      WITH c AS (
        UPDATE webhook_deliveries d
        SET lease_until = now() + ${leaseMs} * interval '1 millisecond', claim_token = ${claimToken}::uuid, attempts = d.attempts + 1
        FROM (
          SELECT d.id FROM webhook_deliveries d
          JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.enabled
          WHERE d.status = 'PENDING' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.stream = d.stream AND p.status = 'PENDING' AND p.seq < d.seq)
          ORDER BY d.next_attempt_at, d.seq
          LIMIT ${limit}
          FOR UPDATE OF d SKIP LOCKED
        ) due
        WHERE d.id = due.id
        RETURNING d.id, d.claim_token, d.attempts, d.subscription_id, d.event_id
      )
      SELECT c.id, c.claim_token AS "claimToken", c.attempts, c.subscription_id AS "subscriptionId", s.url, s.secret_cipher AS "secretCipher",
             s.previous_secret_cipher AS "previousSecretCipher", s.previous_secret_expires_at AS "previousSecretExpiresAt",
             e.id AS "eventId", e.type, e.version, e.occurred_at AS "occurredAt", e.data
      FROM c JOIN webhook_subscriptions s ON s.id = c.subscription_id JOIN outbox_events e ON e.id = c.event_id
      ORDER BY e.seq`;
    return (await this.txHost.query<ClaimedDelivery>(claim, { background: true })).rows;
  }

  /**
   * Records an attempt and its outcome, only if the claim still holds (a worker whose lease
   * passed and whose delivery another took records nothing: one success at most). `next`:
   * when to try again (null: delivered, or given up when `givenUp`).
   */
  async finish(d: { id: string; claimToken: string }, result: AttemptResult, next: Date | null): Promise<boolean> {
    const status = result.succeeded ? 'SUCCEEDED' : next ? 'PENDING' : 'FAILED';
    const rows = await this.sql<{ attempt: number }>`
      WITH d AS (
        UPDATE webhook_deliveries SET status = ${status}::"WebhookDeliveryStatus", next_attempt_at = COALESCE(${next}::timestamptz, next_attempt_at),
               lease_until = NULL, claim_token = NULL, delivered_at = CASE WHEN ${result.succeeded} THEN now() ELSE delivered_at END
        WHERE id = ${d.id}::uuid AND claim_token = ${d.claimToken}::uuid
        RETURNING id, subscription_id, event_id, attempts, stream, seq, next_attempt_at, status
      ), later AS (
        -- The dossier's later events wait for this one's retry: not due before it (the claim need not scan them).
        UPDATE webhook_deliveries w SET next_attempt_at = d.next_attempt_at
        FROM d WHERE d.status = 'PENDING' AND w.stream = d.stream AND w.status = 'PENDING' AND w.seq > d.seq AND w.next_attempt_at < d.next_attempt_at
      )
      INSERT INTO webhook_attempts (id, delivery_id, subscription_id, event_id, attempt, succeeded, response_status, duration_ms, error)
      SELECT gen_random_uuid(), d.id, d.subscription_id, d.event_id, d.attempts, ${result.succeeded}, ${result.responseStatus}::int, ${result.durationMs}::int, ${result.error}
      FROM d RETURNING attempt`;
    return rows.length === 1;
  }

  /** A success ends the subscription's failing spell. */
  async succeeded(subscriptionId: string): Promise<void> {
    await this.sqlCount`UPDATE webhook_subscriptions SET failing_since = NULL WHERE id = ${subscriptionId}::uuid AND failing_since IS NOT NULL`;
  }

  /**
   * A failure starts (or goes on with) the failing spell; a spell older than `disableAfterMs`
   * disables the subscription. The subscription when this call disabled it, else null.
   */
  async failed(subscriptionId: string, disableAfterMs: number, reason: string): Promise<WebhookSubscription | null> {
    await this.sqlCount`UPDATE webhook_subscriptions SET failing_since = now() WHERE id = ${subscriptionId}::uuid AND failing_since IS NULL`;
    const [row] = await this.sql<{ id: string }>`
      UPDATE webhook_subscriptions SET enabled = false, disabled_at = now(), disabled_reason = ${reason}, version = version + 1, updated_at = now()
      WHERE id = ${subscriptionId}::uuid AND enabled AND failing_since < now() - ${disableAfterMs} * interval '1 millisecond'
      RETURNING id`;
    if (!row) return null;
    await this.pause(row.id, true);
    return this.db.webhookSubscription.findUnique({ where: { id: row.id } });
  }

  /**
   * A paused (or disabled) subscription's pending deliveries are kept but not due, so that the
   * claim never scans them; resumed, they are all due at once and go out in order.
   */
  async pause(subscriptionId: string, paused: boolean): Promise<void> {
    await this.sqlCount`
      UPDATE webhook_deliveries SET next_attempt_at = CASE WHEN ${paused} THEN 'infinity'::timestamptz ELSE now() END
      WHERE subscription_id = ${subscriptionId}::uuid AND status = 'PENDING'`;
  }

  /**
   * Who is told that a subscription was disabled: the people who manage it — its organisation's
   * (a partner's users; an ARS's admins) and the ARS admins of its region.
   */
  async admins(subscription: WebhookSubscription): Promise<{ email: string; displayName: string | null }[]> {
    return this.sql<{ email: string; displayName: string | null }>`
      SELECT DISTINCT u.email, u.display_name AS "displayName" FROM users u JOIN organizations o ON o.id = u.organization_id
      WHERE u.active
        AND ((o.id = ${subscription.organizationId}::uuid AND u.role IN ('ADMIN', 'PARTNER'))
          OR (o.type = 'ARS' AND o.region_code = ${subscription.regionCode} AND u.role = 'ADMIN'))`;
  }

  /** The attempts made for a subscription, newest first (keyset on time and id). */
  attempts(subscriptionId: string, eventId: string | undefined, after: { at: Date; id: string } | undefined, take: number): Promise<AttemptRow[]> {
    return this.sql<AttemptRow>`
      SELECT a.id, a.event_id AS "eventId", e.type, a.attempt, a.succeeded, a.response_status AS "responseStatus", a.duration_ms AS "durationMs",
             a.error, a.at, d.status::text AS "deliveryStatus", CASE WHEN d.status = 'PENDING' AND d.next_attempt_at <> 'infinity' THEN d.next_attempt_at END AS "nextAttemptAt"
      FROM webhook_attempts a JOIN outbox_events e ON e.id = a.event_id JOIN webhook_deliveries d ON d.id = a.delivery_id
      WHERE a.subscription_id = ${subscriptionId}::uuid
        AND (${eventId ?? null}::uuid IS NULL OR a.event_id = ${eventId ?? null}::uuid)
        AND (${after?.at ?? null}::timestamptz IS NULL OR (a.at, a.id) < (${after?.at ?? null}::timestamptz, ${after?.id ?? null}::uuid))
      ORDER BY a.at DESC, a.id DESC
      LIMIT ${take}`;
  }

  /**
   * Sends an event to the subscription again, now; a delivery that had ended counts its attempts
   * from 1 again (a pending one keeps its count: redelivering cannot extend its retries). Not while
   * a worker is sending it ('in-flight'); 'absent' when the subscription never had the event.
   */
  async redeliver(subscriptionId: string, eventId: string): Promise<'redelivered' | 'in-flight' | 'absent'> {
    const [row] = await this.sql<{ redelivered: boolean }>`
      WITH d AS (SELECT id, lease_until IS NOT NULL AND lease_until >= now() AS busy FROM webhook_deliveries
                 WHERE subscription_id = ${subscriptionId}::uuid AND event_id = ${eventId}::uuid FOR UPDATE),
           u AS (UPDATE webhook_deliveries w SET status = 'PENDING', next_attempt_at = now(), lease_until = NULL, claim_token = NULL,
                        attempts = CASE WHEN w.status = 'PENDING' THEN w.attempts ELSE 0 END
                 FROM d WHERE w.id = d.id AND NOT d.busy RETURNING w.id)
      SELECT EXISTS (SELECT 1 FROM u) AS redelivered FROM d`;
    return !row ? 'absent' : row.redelivered ? 'redelivered' : 'in-flight';
  }
}
