// Seals what is committed, then walks every chain of the audit trail (one per region, in seal
// order) and names the first row whose hash or link does not hold, or a row that should be
// sealed and is not. Shared by `npm run audit:verify` and the tests.
import pg from 'pg';
import { AUDIT_COLUMNS, type AuditRowColumns, auditHash, fieldsOf } from './hash-chain.js';
import { sealAuditTrail } from './seal.js';

export interface VerifyResult {
  /** Sealed rows whose chain was checked. */
  rows: number;
  chains: number;
  broken: { id: string; regionCode: string | null; reason: string } | null;
}

type SealRow = Partial<AuditRowColumns> & { position: string; audit_id: string; id: string | null; seal_region: string | null; prev_hash: string; hash: string };

export async function verifyAuditTrail(connectionString: string): Promise<VerifyResult> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await verifyChains(client);
  } finally {
    await client.end();
  }
}

/** The walk itself, on a connection of the caller's. */
export async function verifyChains(client: pg.ClientBase): Promise<VerifyResult> {
  await sealAuditTrail(client, { wait: true });
  // Read before the walk: every committed row with a txid below it was sealed by then.
  const last = await client.query<{ horizon: string }>(`SELECT horizon::text FROM audit_seals ORDER BY position DESC LIMIT 1`);
  const horizon = last.rows[0]?.horizon ?? '0';
  const heads = new Map<string | null, string>();
  let rows = 0;
  const broken = (id: string, regionCode: string | null, reason: string): VerifyResult => ({ rows, chains: heads.size, broken: { id, regionCode, reason } });
  // A cursor walk: the trail may be large.
  const batch = 5000;
  let after = '0';
  for (;;) {
    const { rows: page } = await client.query<SealRow>(
      // Qualified columns: `position` alone would name the output column, the text, and sort
      // 1, 10, 100, 11, … (the walk would see a broken link from the tenth seal on).
      `SELECT s.position::text, s.audit_id::text, a.id::text, s.region_code AS seal_region, s.prev_hash, s.hash,
                ${AUDIT_COLUMNS.split(', ')
                  .map((c) => `a.${c}`)
                  .join(', ')}
         FROM audit_seals s LEFT JOIN audit_log a ON a.id = s.audit_id
         WHERE s.position > $1::bigint ORDER BY s.position LIMIT ${batch}`,
      [after],
    );
    for (const r of page) {
      rows++;
      if (r.id === null) return broken(r.audit_id, r.seal_region, 'the sealed row is gone (a row was removed)');
      const region = r.region_code ?? null;
      if (region !== r.seal_region) return broken(r.id, region, "its seal is in another region's chain (a row or seal was altered)");
      const prev = heads.get(region) ?? '';
      if (r.prev_hash !== prev) {
        return broken(r.id, region, 'its seal does not link to the previous seal of its chain (a seal was removed or inserted)');
      }
      if (auditHash(prev, fieldsOf(r as AuditRowColumns)) !== r.hash) {
        return broken(r.id, region, 'its content does not match its hash (the row was altered)');
      }
      heads.set(region, r.hash);
    }
    if (page.length < batch) break;
    after = page[page.length - 1].position;
  }
  // Every committed row below the horizon has a seal: one without was added after its
  // transaction's turn (inserted "in the past"), or its seal was removed.
  const unsealed = await client.query<{ id: string; region_code: string | null }>(
    `SELECT a.id::text, a.region_code FROM audit_log a
       WHERE a.txid < $1::bigint AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.audit_id = a.id)
       ORDER BY a.id LIMIT 1`,
    [horizon],
  );
  if (unsealed.rows[0]) {
    const r = unsealed.rows[0];
    return broken(r.id, r.region_code, 'it is older than the sealed horizon and has no seal (a row inserted in the past, or its seal removed)');
  }
  return { rows, chains: heads.size, broken: null };
}
