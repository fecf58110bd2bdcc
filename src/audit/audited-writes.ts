import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/access/principal.js';
import { type ApiProblem, conflict, notFound, preconditionFailed } from '../common/errors/problem.js';
import { TransactionHost } from '../database/transaction-host.js';
import { type AuditChange, AuditRepository } from './audit.repository.js';

interface Audited {
  /** `<entity>.create` / `<entity>.update` unless named. */
  action?: string;
  entity: string;
}

interface Row {
  id?: string;
  regionCode?: string | null;
}

export interface Creation<R extends Row, T> extends Audited {
  /** Inserts the row. */
  write(): Promise<R>;
  /** Rows written with it (its first event). */
  also?(row: R): Promise<void>;
  /** What is answered and audited. */
  view(row: R): T;
  entityId?(row: R): string;
  regionCode?(row: R): string | null;
}

export interface Change<R extends { version: number }, T, C, A> extends Audited {
  /** For the 404 and 409 details: "Promoter 42". */
  what: string;
  entityId: string;
  /** The version an `If-Match` named; undefined without one. */
  expectedVersion: number | undefined;
  /** The row in the caller's scope, or null (404). */
  find(): Promise<R | null>;
  /** Checks that need the row (4xx), before anything is written; what they find goes on to the write. */
  check?(before: R): Promise<C> | C;
  /**
   * Writes only while the row is still at `before.version`, bumping it; false (or null) when it
   * is not. It may give the row after, which then is not read again: `also` must then write
   * nothing that the view shows.
   */
  write(before: R, checked: C): Promise<boolean | R | null>;
  /** A more precise answer to a lost race than 409/412 (a dossier that moved on). */
  lost?(now: R | null, before: R): ApiProblem | undefined;
  /** Rows written with the change (events, a decision, a récépissé); what it gives goes to the view. */
  also?(before: R, checked: C): Promise<A>;
  /** What is answered (`written`: what `also` gave) and, unless `audit` says otherwise, audited before and after. */
  view(row: R, written?: A): T;
  /** What the audit row records, when not the view before and after. */
  audit?(before: R, after: R, checked: C): { before: unknown; after: unknown; action?: string };
  regionCode?(row: R): string | null;
}

/**
 * The one write path for a caller's change: in one transaction, find the row in the caller's
 * scope or 404, check `If-Match` (412 only when the client sent one that no longer matches),
 * write at the version read (a race lost without `If-Match` is 409), write what goes with it,
 * read it again, append the audit row, answer the view (docs/architecture.md, Writes).
 */
@Injectable()
export class AuditedWrites {
  constructor(
    private readonly tx: TransactionHost,
    private readonly audit: AuditRepository,
  ) {}

  create<R extends Row, T>(principal: Principal, spec: Creation<R, T>): Promise<T> {
    return this.tx.transaction(async () => {
      const row = await spec.write();
      await spec.also?.(row);
      const view = spec.view(row);
      await this.audit.change(principal, {
        action: spec.action,
        entity: spec.entity,
        entityId: spec.entityId?.(row) ?? String(row.id),
        regionCode: spec.regionCode ? spec.regionCode(row) : (row.regionCode ?? null),
        after: view,
      });
      return view;
    });
  }

  /**
   * Any other write (an import, a plan computed, a commitment): `work` writes and names what
   * the audit row records; both in one transaction.
   */
  run<T>(principal: Principal, work: () => Promise<{ audit: AuditChange; result: T }>): Promise<T> {
    return this.tx.transaction(async () => {
      const { audit, result } = await work();
      await this.audit.change(principal, audit);
      return result;
    });
  }

  change<R extends { version: number }, T, C = undefined, A = undefined>(principal: Principal, spec: Change<R, T, C, A>): Promise<T> {
    return this.tx.transaction(async () => {
      const before = await spec.find();
      if (!before) throw notFound(spec.what);
      if (spec.expectedVersion !== undefined && spec.expectedVersion !== before.version) throw preconditionFailed(before.version);
      const checked = (await spec.check?.(before)) as C;
      const wrote = await spec.write(before, checked);
      if (!wrote) {
        const now = await spec.find();
        throw spec.lost?.(now, before) ?? lostRace(spec.what, now, spec.expectedVersion);
      }
      const written = await spec.also?.(before, checked);
      const after = wrote === true ? await spec.find() : wrote;
      if (!after) throw notFound(spec.what);
      const audited = spec.audit?.(before, after, checked) ?? { before: spec.view(before), after: spec.view(after) };
      await this.audit.change(principal, {
        entity: spec.entity,
        entityId: spec.entityId,
        regionCode: spec.regionCode ? spec.regionCode(after) : ((after as { regionCode?: string | null }).regionCode ?? null),
        ...audited,
        action: audited.action ?? spec.action ?? `${spec.entity}.update`,
      });
      return spec.view(after, written);
    });
  }
}

/** RFC 9110: 412 answers a precondition the client sent; a race lost without one is 409. */
export function lostRace(what: string, now: { version: number } | null, expectedVersion: number | undefined): ApiProblem {
  if (!now) return notFound(what);
  if (expectedVersion !== undefined) return preconditionFailed(now.version);
  return conflict(`${what} was changed by another request meanwhile; read it again and retry.`, { currentVersion: now.version });
}
