import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { invalid } from '../errors/problem.js';

/** `?limit=&cursor=` of every list. Keyset pagination: the cursor is the last key seen. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_LIMIT = 50;

/** The key after which the page starts, or undefined for the first page. */
export function decodeCursor(cursor: string | undefined, pattern: RegExp): string | undefined {
  if (cursor === undefined) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!pattern.test(key)) throw invalid([{ field: 'cursor', message: 'is not a cursor this list gave' }]);
  return key;
}

/** Rows are fetched with `limit + 1`: the extra one tells that a next page exists. */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => string, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return {
    items: items.map(map),
    nextCursor: more ? Buffer.from(keyOf(items[items.length - 1]), 'utf8').toString('base64url') : null,
  };
}

export const UUID_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * One page of a list keyed by UUID (v7: creation order): fetches `limit + 1` rows after the
 * cursor and maps them. The one pagination path of the service's lists.
 */
export async function pageOf<R extends { id: string }, T>(
  query: PageQuery,
  fetch: (after: string | undefined, take: number) => Promise<R[]>,
  map: (row: R) => T,
): Promise<Page<T>> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  return toPage(await fetch(decodeCursor(query.cursor, UUID_KEY), limit + 1), limit, (r) => r.id, map);
}
