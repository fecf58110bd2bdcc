import type { Territory } from '../common/access/principal.js';
import { Prisma } from '../generated/prisma/client.js';

/**
 * A fragment of SQL text for a tagged statement, made by code from constants (a list of
 * statuses, a number of days), never from input: every value a caller gives is a bound
 * parameter of the statement.
 */
export const sqlFragment = (text: string) => Prisma.raw(text);

/**
 * The caller's territory as a WHERE fragment on the table aliased `alias` (its region, and its
 * département when it has one): two texts, not one with "$2 IS NULL OR …", so that each prepared
 * statement keeps a plan that uses the index.
 */
export function inTerritory(t: Territory, alias = 'a'): Prisma.Sql {
  const table = Prisma.raw(alias);
  return t.departmentCode
    ? Prisma.sql`${table}.region_code = ${t.regionCode} AND ${table}.department_code = ${t.departmentCode}`
    : Prisma.sql`${table}.region_code = ${t.regionCode}`;
}
