import { Injectable } from '@nestjs/common';
import type { Principal, Territory } from '../common/access/principal.js';
import { PrismaService } from '../database/prisma.service.js';
import { Repository } from '../database/repository.js';
import { TransactionHost } from '../database/transaction-host.js';
import { canonicalJson } from '../common/canonical-json.js';
import { sealAuditTrail, type SealResult } from './seal.js';
import { verifyChains, type VerifyResult } from './verify.js';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId: string;
  regionCode: string | null;
  before?: unknown;
  after?: unknown;
}

/** A change as its audit row records it: action `<entity>.create` or `<entity>.update` unless named. */
export interface AuditChange {
  entity: string;
  entityId: string;
  regionCode: string | null;
  before?: unknown;
  after?: unknown;
  action?: string;
}

export interface AuditActor {
  id: string | null;
  kind: 'USER' | 'API_KEY' | 'SYSTEM';
  requestId?: string | null;
}

export const actorOf = (p: Principal): AuditActor => ({ id: p.id, kind: p.kind, requestId: p.requestId ?? null });

// JSON as stored (and later hashed by the sealer): BigInt and Date become strings first; null is no value.
const jsonText = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  const text = canonicalJson(v);
  return text === 'null' ? null : text;
};

/** The audit trail: one append-only row per write, written in the write's transaction, hash-chained by the sealer. */
@Injectable()
export class AuditRepository extends Repository {
  constructor(
    txHost: TransactionHost,
    private readonly prisma: PrismaService,
  ) {
    super(txHost);
  }

  /**
   * Appends in the current transaction, taking no lock: the row carries the writer's transaction id (the
   * column's default) and the sealer chains it once the transaction has committed (seal.ts).
   * Same transaction as the write: a committed write has its row, a rolled-back one has none.
   */
  async append(actor: AuditActor, entry: AuditEntry): Promise<void> {
    // Tagged SQL, not the ORM: one statement on every write's path; the JSON goes as the
    // canonical text the sealer hashes.
    await this.sqlCount`
      INSERT INTO audit_log (at, actor_id, actor_kind, region_code, action, entity, entity_id, request_id, before, after)
      VALUES (${new Date()}, ${actor.id}::uuid, ${actor.kind}::"ActorKind", ${entry.regionCode}, ${entry.action}, ${entry.entity}, ${entry.entityId},
              ${actor.requestId ?? null}, ${jsonText(entry.before)}::jsonb, ${jsonText(entry.after)}::jsonb)`;
  }

  /** Seals the committed rows (see seal.ts), on a pool connection of its own. */
  async seal(options: { wait: boolean }): Promise<SealResult> {
    const client = await this.prisma.pool.connect();
    try {
      return await sealAuditTrail(client, options);
    } finally {
      client.release();
    }
  }

  /** Seals what is committed, then walks every chain (verify.ts), on a pool connection of its own. */
  async verify(): Promise<VerifyResult> {
    const client = await this.prisma.pool.connect();
    try {
      return await verifyChains(client);
    } finally {
      client.release();
    }
  }

  /** Whether the dossier lies in the territory (a département's caller reads only its dossiers' trail). */
  async dossierIn(territory: Territory, id: string): Promise<boolean> {
    return (await this.db.application.count({ where: { id, ...territory } })) === 1;
  }

  /** A page of a region's trail, oldest first, each row with its seal (none yet while unsealed). */
  trail(regionCode: string, filter: { entity?: string; entityId?: string; afterId?: bigint }, take: number) {
    return this.db.auditLog.findMany({
      where: {
        regionCode,
        ...(filter.entity && { entity: filter.entity }),
        ...(filter.entityId && { entityId: filter.entityId }),
        ...(filter.afterId !== undefined && { id: { gt: filter.afterId } }),
      },
      include: { seal: { select: { hash: true, prevHash: true } } },
      orderBy: { id: 'asc' },
      take,
    });
  }

  /** A change made by a caller: action `<entity>.create` or `<entity>.update` unless named. */
  change(principal: Principal, change: AuditChange): Promise<void> {
    const action = change.action ?? `${change.entity}.${change.before === undefined ? 'create' : 'update'}`;
    return this.append(actorOf(principal), { ...change, action });
  }
}
