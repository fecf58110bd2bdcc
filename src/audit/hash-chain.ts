// The audit trail's hash chain. Pure: the sealer that chains rows and the command that
// verifies them compute the same hash from the same fields.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json.js';

export interface AuditFields {
  at: string; // ISO 8601, millisecond precision (as stored)
  actorId: string | null;
  actorKind: string;
  regionCode: string | null;
  action: string;
  entity: string;
  entityId: string;
  requestId: string | null;
  before: unknown;
  after: unknown;
}

export function auditHash(prevHash: string, row: AuditFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(row)).digest('hex');
}

/** The columns of an `audit_log` row that its hash covers, as `pg` reads them. */
export const AUDIT_COLUMNS = 'at, actor_id, actor_kind, region_code, action, entity, entity_id, request_id, before, after';

export interface AuditRowColumns {
  at: Date;
  actor_id: string | null;
  actor_kind: string;
  region_code: string | null;
  action: string;
  entity: string;
  entity_id: string;
  request_id: string | null;
  before: unknown;
  after: unknown;
}

/** The hashed fields of a stored row: the sealer and the verification read rows the same way. */
export function fieldsOf(r: AuditRowColumns): AuditFields {
  return {
    at: r.at.toISOString(),
    actorId: r.actor_id,
    actorKind: r.actor_kind,
    regionCode: r.region_code,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    requestId: r.request_id,
    before: r.before,
    after: r.after,
  };
}
