import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Repository } from '../database/repository.js';
import { TransactionHost } from '../database/transaction-host.js';
import { uuidv7 } from '../database/uuid.js';
import { EVENT_VERSION, type NewEvent } from './event-types.js';

/**
 * The transactional outbox: `publish` writes the event in the current transaction, that of
 * the change it reports (no event without its change, no change without its event), with one
 * delivery per subscription that receives it. The webhook dispatcher sends them after commit.
 */
@Injectable()
export class OutboxRepository extends Repository {
  constructor(
    txHost: TransactionHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(txHost);
  }

  /**
   * One statement: the event and its deliveries. A subscription receives the events of its
   * types in its organisation's territory (the same scope as its reads: its région, or its
   * département; region-wide events too), and of a funder's money only its own funders'
   * (ARS organisations every funder's). Disabled subscriptions keep receiving: nothing is lost
   * while one is paused, and it resumes in order. Returns the event's id (null: already recorded).
   */
  async publish(event: NewEvent, onlySubscriptionId?: string): Promise<string | null> {
    if (this.config.outboxOffForBench) return null;
    const id = uuidv7();
    const rows = await this.sql<{ id: string }>`
      WITH e AS (
        INSERT INTO outbox_events (id, type, version, region_code, department_code, application_id, funder, dedupe_key, data)
        VALUES (${id}::uuid, ${event.type}, ${EVENT_VERSION}, ${event.regionCode}, ${event.departmentCode}, ${event.applicationId ?? null}::uuid,
                ${event.funder ?? null}::"Funder", ${event.dedupeKey ?? null}, ${JSON.stringify(event.data)}::jsonb)
        ON CONFLICT (dedupe_key) DO NOTHING
        RETURNING id, seq, type, region_code, department_code, application_id, funder
      ), d AS (
        INSERT INTO webhook_deliveries (id, event_id, subscription_id, stream, seq, next_attempt_at)
        SELECT gen_random_uuid(), e.id, s.id, s.id::text || ':' || COALESCE(e.application_id, e.id)::text, e.seq,
               -- A paused or disabled subscription's deliveries are kept, not due (webhooks.repository.ts, pause).
               CASE WHEN s.enabled THEN now() ELSE 'infinity'::timestamptz END
        FROM e
        JOIN webhook_subscriptions s ON s.region_code = e.region_code
        JOIN organizations o ON o.id = s.organization_id
        WHERE CASE WHEN ${onlySubscriptionId ?? null}::uuid IS NULL
                   THEN e.type = ANY (s.events)
                        AND (e.department_code IS NULL OR s.department_code IS NULL OR s.department_code = e.department_code)
                        AND (e.funder IS NULL OR o.type = 'ARS' OR e.funder = ANY (o.funders))
                   ELSE s.id = ${onlySubscriptionId ?? null}::uuid END
      )
      SELECT id FROM e`;
    return rows[0]?.id ?? null;
  }
}
