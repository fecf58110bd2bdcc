import { invalid } from './errors/problem.js';

// Money crosses the API as JSON integers of cents and the database as BigInt: convert at the
// edge, refusing what JSON cannot carry exactly.
export function centsToJson(cents: bigint): number {
  const n = Number(cents);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${cents} cents cannot be sent exactly as a JSON number`);
  return n;
}

export const centsToJsonOrNull = (cents: bigint | null) => (cents === null ? null : centsToJson(cents));

/** JSON cents to the database's BigInt; absent or null is no amount. */
export const centsFromJsonOrNull = (cents: number | null | undefined) => (cents == null ? null : BigInt(cents));

/** The most cents the API carries exactly (a JSON number; far below PostgreSQL's BIGINT). */
export const MAX_CENTS = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The total of amounts a client sent, in order; 400 naming the field at which it passes
 * MAX_CENTS (no total, nor anything computed from one, could be answered exactly beyond it).
 */
export function totalCents(amounts: Iterable<{ field: string; cents: number | bigint | null | undefined }>): bigint {
  let total = 0n;
  for (const { field, cents } of amounts) {
    total += BigInt(cents ?? 0);
    if (total > MAX_CENTS) {
      throw invalid([{ field, message: `brings the total to ${total} cents, beyond ${MAX_CENTS} (the most the API carries exactly)` }]);
    }
  }
  return total;
}
