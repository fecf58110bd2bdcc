import { notFound, preconditionFailed } from '../common/errors/problem.js';

interface VersionedDelegate<W> {
  updateMany(args: { where: W; data: Record<string, unknown> }): Promise<{ count: number }>;
}

/**
 * Optimistic concurrency for every mutable row: the update applies only where the row is in
 * scope and (with If-Match) still at the expected version, and bumps the version. Nothing
 * matched → 404 when the row is absent or out of scope, 412 when its version moved on.
 */
export async function updateVersioned<W extends object>(
  delegate: VersionedDelegate<W>,
  where: W,
  expectedVersion: number | undefined,
  data: Record<string, unknown>,
  current: () => Promise<{ version: number } | null>,
  what: string,
): Promise<void> {
  const condition = expectedVersion === undefined ? where : { ...where, version: expectedVersion };
  const { count } = await delegate.updateMany({ where: condition, data: { ...data, version: { increment: 1 } } });
  if (count > 0) return;
  const row = await current();
  if (!row) throw notFound(what);
  throw preconditionFailed(row.version);
}
