// The audit trail's hash chain. Pure: the service that writes rows and the command that
// verifies them compute the same hash from the same fields.
import { createHash } from 'node:crypto';

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

/** JSON with object keys sorted at every depth: one text for one value. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function auditHash(prevHash: string, row: AuditFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(row)).digest('hex');
}

/** The first row whose hash or link does not hold, or null when the chain holds. */
export function firstBrokenLink(rows: (AuditFields & { id: bigint; prevHash: string; hash: string })[], start = ''): bigint | null {
  let prev = start;
  for (const row of rows) {
    if (row.prevHash !== prev || auditHash(prev, row) !== row.hash) return row.id;
    prev = row.hash;
  }
  return null;
}
