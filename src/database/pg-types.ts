import pg from 'pg';

/**
 * How the tagged statements sent without the ORM (`TransactionHost.query`) read and write
 * values, so that their rows look like Prisma's: int8 as BigInt, `timestamp` and `date`
 * columns (stored as UTC wall time, as Prisma writes them) as UTC instants whatever the
 * process's TZ, and Dates sent as UTC text.
 */
const utcTimestamp = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
const parsers: Record<number, (text: string) => unknown> = {
  20: (text) => BigInt(text),
  1114: utcTimestamp,
  1082: (text) => new Date(`${text}T00:00:00Z`),
};

const defaultParser = pg.types.getTypeParser as (oid: number, format?: string) => (text: string) => unknown;

export const PG_TYPES = {
  getTypeParser: ((oid: number, format?: string) => (format !== 'binary' && parsers[oid]) || defaultParser(oid, format)) as typeof pg.types.getTypeParser,
};

export const toPgValue = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value);
