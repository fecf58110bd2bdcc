import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';
import type { Envelope, EnvelopeMovement, Funder, MovementKind, Prisma } from '../generated/prisma/client.js';

export type EnvelopeWithTotal = Envelope & { committedCents: bigint };

/**
 * The envelopes a territory sees: the region's; for a département's caller, the region's own
 * (no département) and its département's, not another département's (DETR, DEPARTEMENT).
 */
export const envelopesIn = (territory: Territory): Prisma.EnvelopeWhereInput => ({
  regionCode: territory.regionCode,
  ...(territory.departmentCode && { OR: [{ departmentCode: null }, { departmentCode: territory.departmentCode }] }),
});

/**
 * The envelope ledger: movements are rows, committed and remaining amounts are their sums.
 * Writers lock the envelope row first (SELECT … FOR UPDATE), so two commits never both see
 * the same remaining amount.
 */
@Injectable()
export class EnvelopesRepository extends Repository {
  async list(territory: Territory, after: string | undefined, take: number): Promise<EnvelopeWithTotal[]> {
    const rows = await this.db.envelope.findMany({
      where: { ...envelopesIn(territory), ...(after && { id: { gt: after } }) },
      orderBy: { id: 'asc' },
      take,
    });
    const sums = await this.committed(rows.map((r) => r.id));
    return rows.map((r) => ({ ...r, committedCents: sums.get(r.id) ?? 0n }));
  }

  async find(territory: Territory, id: string): Promise<EnvelopeWithTotal | null> {
    const row = await this.db.envelope.findFirst({ where: { id, ...envelopesIn(territory) } });
    if (!row) return null;
    return { ...row, committedCents: (await this.committed([id])).get(id) ?? 0n };
  }

  private async committed(ids: string[]): Promise<Map<string, bigint>> {
    if (!ids.length) return new Map();
    const sums = await this.db.envelopeMovement.groupBy({ by: ['envelopeId'], where: { envelopeId: { in: ids } }, _sum: { amountCents: true } });
    return new Map(sums.map((s) => [s.envelopeId, s._sum.amountCents ?? 0n]));
  }

  create(data: { funder: Funder; regionCode: string; departmentCode: string | null; programme: string; amountCents: bigint }): Promise<Envelope> {
    return this.db.envelope.create({ data });
  }

  /** Locks an envelope row for the rest of the transaction and returns it with its total. */
  async lock(id: string): Promise<EnvelopeWithTotal> {
    await this.sql`SELECT id FROM envelopes WHERE id = ${id}::uuid FOR UPDATE`;
    const row = await this.db.envelope.findUniqueOrThrow({ where: { id } });
    return { ...row, committedCents: (await this.committed([id])).get(id) ?? 0n };
  }

  /**
   * The open envelope of a funder in a region — in a département for a DETR or DEPARTEMENT
   * one, the region's own (no département) otherwise —, locked; null when there is none.
   */
  async lockOpen(funder: Funder, regionCode: string, departmentCode: string | null): Promise<EnvelopeWithTotal | null> {
    // The same expression as the unique index envelopes_one_open_per_funder_region_department.
    const [row] = await this.sql<{ id: string }>`
      SELECT id FROM envelopes
       WHERE funder = ${funder}::"Funder" AND region_code = ${regionCode} AND coalesce(department_code, '') = ${departmentCode ?? ''} AND status = 'OPEN'
         FOR UPDATE`;
    return row ? this.lock(row.id) : null;
  }

  async addMovement(m: {
    envelopeId: string;
    kind: MovementKind;
    amountCents: bigint;
    applicationId?: string;
    planId?: string;
    note?: string;
    actorId?: string | null;
  }): Promise<void> {
    await this.db.envelopeMovement.create({ data: { ...m, actorId: m.actorId ?? null } });
  }

  /**
   * Gives back what a dossier's committed plan consumed (withdrawal, closure): one RELEASE
   * per envelope, for what is still consumed. Returns what was released, per envelope.
   */
  async releaseApplication(applicationId: string, actorId: string | null, note: string): Promise<{ envelopeId: string; amountCents: bigint }[]> {
    const held = await this.db.envelopeMovement.groupBy({
      by: ['envelopeId'],
      where: { applicationId, kind: { in: ['COMMITMENT', 'RELEASE'] } },
      _sum: { amountCents: true },
    });
    const released: { envelopeId: string; amountCents: bigint }[] = [];
    for (const h of held.sort((a, b) => (a.envelopeId < b.envelopeId ? -1 : 1))) {
      const amount = h._sum.amountCents ?? 0n;
      if (amount <= 0n) continue;
      await this.lock(h.envelopeId);
      await this.addMovement({ envelopeId: h.envelopeId, kind: 'RELEASE', amountCents: -amount, applicationId, note, actorId });
      released.push({ envelopeId: h.envelopeId, amountCents: amount });
    }
    return released;
  }

  /**
   * The movements of an envelope in the territory (the scope is in the same statement). For a
   * département's caller: the movements of its département's dossiers only, and the movements
   * without a dossier (adjustments) only on an envelope of its own département.
   */
  async movements(territory: Territory, envelopeId: string, after: string | undefined, take: number): Promise<EnvelopeMovement[]> {
    const dep = territory.departmentCode ?? null;
    const rows = await this.sql<{
      id: string;
      envelope_id: string;
      kind: MovementKind;
      amount_cents: bigint;
      application_id: string | null;
      plan_id: string | null;
      note: string | null;
      actor_id: string | null;
      created_at: Date;
    }>`
      SELECT m.id, m.envelope_id, m.kind, m.amount_cents, m.application_id, m.plan_id, m.note, m.actor_id, m.created_at
        FROM envelope_movements m JOIN envelopes e ON e.id = m.envelope_id
       WHERE m.envelope_id = ${envelopeId}::uuid AND e.region_code = ${territory.regionCode}
         AND (${dep}::text IS NULL
              OR (e.department_code IS NULL OR e.department_code = ${dep}::text)
                 AND (CASE WHEN m.application_id IS NULL THEN e.department_code = ${dep}::text
                           ELSE EXISTS (SELECT 1 FROM applications a WHERE a.id = m.application_id AND a.department_code = ${dep}::text) END))
         AND (${after ?? null}::uuid IS NULL OR m.id > ${after ?? null}::uuid)
       ORDER BY m.id
       LIMIT ${take}`;
    return rows.map((r) => ({
      id: r.id,
      envelopeId: r.envelope_id,
      kind: r.kind,
      amountCents: r.amount_cents,
      applicationId: r.application_id,
      planId: r.plan_id,
      note: r.note,
      actorId: r.actor_id,
      createdAt: r.created_at,
    }));
  }

  async exists(territory: Territory, id: string): Promise<boolean> {
    return (await this.db.envelope.count({ where: { id, ...envelopesIn(territory) } })) === 1;
  }

  async close(id: string): Promise<boolean> {
    const { count } = await this.db.envelope.updateMany({ where: { id, status: 'OPEN' }, data: { status: 'CLOSED', closedAt: new Date(), version: { increment: 1 } } });
    return count === 1;
  }
}
