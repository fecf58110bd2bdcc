interface VersionedDelegate<W> {
  updateMany(args: { where: W; data: Record<string, unknown> }): Promise<{ count: number }>;
}

/** Updates the row only while it is still at `version`, and bumps the version. */
export async function updateIfVersion<W extends object>(delegate: VersionedDelegate<W>, where: W, version: number, data: Record<string, unknown>): Promise<boolean> {
  const { count } = await delegate.updateMany({ where: { ...where, version }, data: { ...data, version: { increment: 1 } } });
  return count === 1;
}
