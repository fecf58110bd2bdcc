import { Prisma } from '../generated/prisma/client.js';

/**
 * A fragment of SQL text for a tagged statement, made by code from constants (a list of
 * statuses, a number of days), never from input: every value a caller gives is a bound
 * parameter of the statement.
 */
export const sqlFragment = (text: string) => Prisma.raw(text);
