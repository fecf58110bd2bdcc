import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/access/principal.js';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';
import { type AuditFields, auditHash, canonicalJson } from './hash-chain.js';

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

// Stored JSON must be what the hash was computed on: BigInt and Date become strings first.
const plain = (v: unknown): Prisma.InputJsonValue | undefined => (v === undefined ? undefined : JSON.parse(canonicalJson(v)));

/** The audit trail: one append-only, hash-chained row per write, written in the write's transaction. */
@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Appends within `tx`. Rows are chained per region (null region: one chain of its own); a
   * transaction-scoped advisory lock on the chain makes concurrent writers take turns.
   */
  async append(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
    const chain = entry.regionCode ?? '';
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('audit:' || ${chain}))`;
    const last = await tx.auditLog.findFirst({
      where: { regionCode: entry.regionCode },
      orderBy: { id: 'desc' },
      select: { hash: true },
    });
    const prevHash = last?.hash ?? '';
    const at = new Date();
    const fields: AuditFields = {
      at: at.toISOString(),
      actorId: actor.id,
      actorKind: actor.kind,
      regionCode: entry.regionCode,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId,
      requestId: actor.requestId ?? null,
      before: plain(entry.before) ?? null,
      after: plain(entry.after) ?? null,
    };
    await tx.auditLog.create({
      data: {
        at,
        actorId: actor.id,
        actorKind: actor.kind,
        regionCode: entry.regionCode,
        action: entry.action,
        entity: entry.entity,
        entityId: entry.entityId,
        requestId: fields.requestId,
        before: fields.before === null ? undefined : (fields.before as Prisma.InputJsonValue),
        after: fields.after === null ? undefined : (fields.after as Prisma.InputJsonValue),
        prevHash,
        hash: auditHash(prevHash, fields),
      },
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
