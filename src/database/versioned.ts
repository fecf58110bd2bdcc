import { conflict, notFound, preconditionFailed } from '../common/errors/problem.js';

interface VersionedDelegate<W> {
  updateMany(args: { where: W; data: Record<string, unknown> }): Promise<{ count: number }>;
}

/** Updates the row only while it is still at `version`, and bumps the version. */
export async function updateIfVersion<W extends object>(
  delegate: VersionedDelegate<W>,
  where: W,
  version: number,
  data: Record<string, unknown>,
): Promise<boolean> {
  const { count } = await delegate.updateMany({ where: { ...where, version }, data: { ...data, version: { increment: 1 } } });
  return count === 1;
}

/**
 * Optimistic concurrency for every mutable row, inside the caller's transaction:
 * absent or out of scope → 404; an `If-Match` that no longer matches → 412 (whether it was
 * stale on arrival or another writer got there first); a request without `If-Match` that lost
 * the race to another writer → 409 (RFC 9110: 412 answers a precondition the client sent);
 * then `audit(before, after)` records the change in the same transaction.
 */
export async function changeVersioned<T extends { version: number }>(options: {
  what: string;
  expectedVersion: number | undefined;
  find: () => Promise<T | null>;
  update: (currentVersion: number) => Promise<boolean>;
  audit: (before: T, after: T) => Promise<void>;
}): Promise<T> {
  const before = await options.find();
  if (!before) throw notFound(options.what);
  if (options.expectedVersion !== undefined && options.expectedVersion !== before.version) {
    throw preconditionFailed(before.version);
  }
  if (!(await options.update(before.version))) {
    const now = await options.find();
    if (!now) throw notFound(options.what);
    if (options.expectedVersion === undefined) throw changedMeanwhile(options.what, now.version);
    throw preconditionFailed(now.version);
  }
  const after = (await options.find())!;
  await options.audit(before, after);
  return after;
}

/** Another write changed the row between this request's read and its write (no If-Match sent). */
const changedMeanwhile = (what: string, currentVersion: number) =>
  conflict(`${what} was changed by another request meanwhile; read it again and retry.`, { currentVersion });
