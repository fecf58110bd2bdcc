import { notFound, preconditionFailed } from '../common/errors/problem.js';

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
 * absent or out of scope → 404; `If-Match` stale, or another writer got there first → 412;
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
    throw preconditionFailed(now.version);
  }
  const after = (await options.find())!;
  await options.audit(before, after);
  return after;
}
