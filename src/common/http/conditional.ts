import type { FastifyRequest } from 'fastify';
import { invalid } from '../errors/problem.js';

/**
 * The version a write expects, from `If-Match: "3"` (or W/"3"); undefined without the header.
 * `*` matches any version.
 */
export function expectedVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!match) throw invalid([{ field: 'If-Match', message: 'must be an ETag this service gave, such as "3"' }]);
  return Number(match[1]);
}
