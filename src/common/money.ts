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
