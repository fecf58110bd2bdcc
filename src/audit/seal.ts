// The sealer of the audit trail (README "Audit"). Writers only insert their `audit_log` row,
// with their transaction id, and take no lock; this appends each region's hash chain to
// `audit_seals`, one sealer at a time. Shared by the service (every second where workers run,
// and before `GET /audit` answers) and by `npm run audit:verify`.
import type pg from 'pg';
import { AUDIT_COLUMNS, type AuditRowColumns, auditHash, fieldsOf } from './hash-chain.js';

/** Held by the sealer only, for its transaction: writers never take it. */
export const SEALER_LOCK = "hashtext('audit:sealer')";

/** Rows sealed per transaction: a backlog (workers stopped for a while) is sealed in several. */
const BATCH = 2000;

export interface SealResult {
  sealed: number;
  /** Another sealer held the lock (`wait: false` only): nothing was done. */
  busy: boolean;
}

type Row = AuditRowColumns & { id: string; horizon: string };

/**
 * Seals every committed, unsealed row whose transaction id is at or above the last recorded
 * horizon, in id order, each region's chain going on from its last hash.
 *
 * Why it is safe without any lock on the writers:
 * - one statement reads the rows and the snapshot's xmin: the rows it sees are committed ones
 *   (an open transaction's row is invisible, so it is sealed after it commits, never if it
 *   rolls back) and every transaction below that xmin had ended, so every committed row with a
 *   smaller txid is in what it sees;
 * - that xmin is stored with the seals as their `horizon`: the next batch seals from it on. So
 *   a row that shows up later below a recorded horizon (inserted "in the past", its txid forged)
 *   is never sealed, and the verification names it.
 * With `wait: false` (the periodic run) it gives up at once when another sealer is at work;
 * with `wait: true` (before a read or a verification) it waits for it, then seals the rest.
 */
export async function sealAuditTrail(client: pg.ClientBase, { wait }: { wait: boolean }): Promise<SealResult> {
  let sealed = 0;
  for (;;) {
    await client.query('BEGIN');
    try {
      if (wait) {
        await client.query(`SELECT pg_advisory_xact_lock(${SEALER_LOCK})`);
      } else {
        const { rows } = await client.query<{ got: boolean }>(`SELECT pg_try_advisory_xact_lock(${SEALER_LOCK}) AS got`);
        if (!rows[0].got) {
          await client.query('ROLLBACK');
          return { sealed, busy: true };
        }
      }
      const last = await client.query<{ horizon: string }>(`SELECT horizon::text FROM audit_seals ORDER BY position DESC LIMIT 1`);
      const floor = last.rows[0]?.horizon ?? '0';
      const { rows } = await client.query<Row>(
        `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin)
         SELECT a.id::text, ${AUDIT_COLUMNS.split(', ')
           .map((c) => `a.${c}`)
           .join(', ')}, h.xmin::text AS horizon
         FROM audit_log a CROSS JOIN h
         WHERE a.txid >= $1::bigint AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.audit_id = a.id)
         ORDER BY a.id LIMIT ${BATCH}`,
        [floor],
      );
      if (rows.length === 0) {
        await client.query('COMMIT');
        return { sealed, busy: false };
      }
      // A batch cut short leaves rows below the snapshot's xmin unsealed: it keeps the old horizon.
      const horizon = rows.length === BATCH ? floor : rows[0].horizon;
      const heads = new Map<string | null, string>();
      const ids: string[] = [];
      const regions: (string | null)[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      for (const r of rows) {
        let prev = heads.get(r.region_code);
        if (prev === undefined) {
          const head = await client.query<{ hash: string }>(
            r.region_code === null
              ? `SELECT hash FROM audit_seals WHERE region_code IS NULL ORDER BY position DESC LIMIT 1`
              : `SELECT hash FROM audit_seals WHERE region_code = $1 ORDER BY position DESC LIMIT 1`,
            r.region_code === null ? [] : [r.region_code],
          );
          prev = head.rows[0]?.hash ?? '';
        }
        const hash = auditHash(prev, fieldsOf(r));
        ids.push(r.id);
        regions.push(r.region_code);
        prevs.push(prev);
        hashes.push(hash);
        heads.set(r.region_code, hash);
      }
      await client.query(
        `INSERT INTO audit_seals (audit_id, region_code, prev_hash, hash, horizon)
         SELECT s.audit_id, s.region_code, s.prev_hash, s.hash, $5::bigint
         FROM unnest($1::bigint[], $2::varchar[], $3::text[], $4::text[]) WITH ORDINALITY AS s(audit_id, region_code, prev_hash, hash, n)
         ORDER BY s.n`,
        [ids, regions, prevs, hashes, horizon],
      );
      await client.query('COMMIT');
      sealed += rows.length;
      if (rows.length < BATCH) return { sealed, busy: false };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
