// Walks every chain of the audit trail (one per region) and names the first row whose hash or
// link does not hold. Shared by `npm run audit:verify` and the tests.
import pg from 'pg';
import { type AuditFields, auditHash } from './hash-chain.js';

export interface VerifyResult {
  rows: number;
  chains: number;
  broken: { id: string; regionCode: string | null; reason: string } | null;
}

export async function verifyAuditTrail(connectionString: string): Promise<VerifyResult> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const last = new Map<string | null, string>();
    let rows = 0;
    // A cursor walk: the trail may be large.
    const batch = 5000;
    let after = '0';
    for (;;) {
      const { rows: page } = await client.query(
        // `audit_log.id`, not `id`: that would name the output column, the text `id::text`, and
        // sort 1, 10, 100, 11, … (the walk would see a broken link from the tenth row on).
        `SELECT id::text, at, actor_id, actor_kind, region_code, action, entity, entity_id, request_id, before, after, prev_hash, hash
         FROM audit_log WHERE audit_log.id > $1::bigint ORDER BY audit_log.id LIMIT ${batch}`,
        [after],
      );
      for (const r of page) {
        rows++;
        const fields: AuditFields = {
          at: (r.at as Date).toISOString(),
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
        const prev = last.get(r.region_code) ?? '';
        if (r.prev_hash !== prev) {
          return { rows, chains: last.size, broken: { id: r.id, regionCode: r.region_code, reason: 'prev_hash does not link to the previous row of its chain (a row was removed or inserted)' } };
        }
        if (auditHash(prev, fields) !== r.hash) {
          return { rows, chains: last.size, broken: { id: r.id, regionCode: r.region_code, reason: 'its content does not match its hash (the row was altered)' } };
        }
        last.set(r.region_code, r.hash);
      }
      if (page.length < batch) break;
      after = page[page.length - 1].id;
    }
    return { rows, chains: last.size, broken: null };
  } finally {
    await client.end();
  }
}
