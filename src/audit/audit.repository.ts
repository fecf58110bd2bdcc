import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/access/principal.js';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';
import { canonicalJson } from './hash-chain.js';
import { sealAuditTrail, type SealResult } from './seal.js';

export type Tx = Prisma.TransactionClient;

export interface AuditEntry {
  action: string;
  entity: string;
  entityId: string;
  regionCode: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditActor {
  id: string | null;
  kind: 'USER' | 'API_KEY' | 'SYSTEM';
  requestId?: string | null;
}

export const actorOf = (p: Principal): AuditActor => ({ id: p.id, kind: p.kind, requestId: p.requestId ?? null });

// JSON as stored (and later hashed by the sealer): BigInt and Date become strings first; null is no value.
const plain = (v: unknown): Prisma.InputJsonValue | undefined => (v === undefined || v === null ? undefined : (JSON.parse(canonicalJson(v)) ?? undefined));

/** The audit trail: one append-only row per write, written in the write's transaction, hash-chained by the sealer. */
@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Appends within `tx`, taking no lock: the row carries the writer's transaction id (the
   * column's default) and the sealer chains it once the transaction has committed (seal.ts).
   * Same transaction as the write: a committed write has its row, a rolled-back one has none.
   */
  async append(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
    const before = plain(entry.before);
    const after = plain(entry.after);
    await tx.auditLog.createMany({
      data: {
        at: new Date(),
        actorId: actor.id,
        actorKind: actor.kind,
        regionCode: entry.regionCode,
        action: entry.action,
        entity: entry.entity,
        entityId: entry.entityId,
        requestId: actor.requestId ?? null,
        before,
        after,
      },
    });
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

  /** A page of a region's trail, oldest first, each row with its seal (none yet while unsealed). */
  trail(regionCode: string, filter: { entity?: string; entityId?: string; afterId?: bigint }, take: number) {
    return this.prisma.auditLog.findMany({
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
  change(
    tx: Tx,
    principal: Principal,
    change: { entity: string; entityId: string; regionCode: string | null; before?: unknown; after?: unknown; action?: string },
  ): Promise<void> {
    const action = change.action ?? `${change.entity}.${change.before === undefined ? 'create' : 'update'}`;
    return this.append(tx, actorOf(principal), { ...change, action });
  }

  /** Appends in a transaction of its own (security events that change nothing else). */
  record(actor: AuditActor, entry: AuditEntry): Promise<void> {
    return this.prisma.$transaction((tx) => this.append(tx, actor, entry));
  }
}
