// RFC 9457 problem details: the one shape of every error the service answers.
// `toProblem` maps anything thrown (our ApiProblem, Nest's HTTP exceptions, Fastify's own
// errors, Prisma and PostgreSQL errors) to a problem; the global filter and Fastify's error
// handler both use it, so there is one mapping.

export interface FieldError {
  field: string;
  message: string;
  /** For a file upload (CSV): the line of the file, header = 1. */
  line?: number;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const problemType = (slug: string) => `tag:msp-funding,2026:problem/${slug}`;

/** An error the service means to answer with, as it is. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly slug = 'about:blank',
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ApiProblem';
  }

  toProblem(): Problem {
    return {
      type: this.slug === 'about:blank' ? 'about:blank' : problemType(this.slug),
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.message,
      ...this.extensions,
    };
  }
}

const describe = (errors: FieldError[]) => {
  const parts = errors.slice(0, 3).map((e) => `${e.line ? `line ${e.line}: ` : ''}${e.field} ${e.message}`);
  return `Invalid input: ${parts.join('; ')}${errors.length > 3 ? `; and ${errors.length - 3} more (see errors)` : ''}.`;
};
export const invalid = (errors: FieldError[], detail = describe(errors)) => new ApiProblem(400, detail, 'validation', { errors });
export const unauthorized = (detail = 'Authentication is required.') => new ApiProblem(401, detail, 'unauthenticated', {}, { 'WWW-Authenticate': 'Bearer' });
export const forbidden = (detail = 'Your role may not do this.') => new ApiProblem(403, detail, 'forbidden');
export const notFound = (what: string) => new ApiProblem(404, `${what} was not found.`, 'not-found');
export const conflict = (detail: string, extensions: Record<string, unknown> = {}) => new ApiProblem(409, detail, 'conflict', extensions);
export const preconditionFailed = (currentVersion: number) =>
  new ApiProblem(412, `If-Match does not match: the current version is ${currentVersion}.`, 'version-mismatch', {
    currentVersion,
  });
export const businessRule = (rule: string, detail: string, extensions: Record<string, unknown> = {}) => new ApiProblem(422, detail, `rule/${rule}`, { rule, ...extensions });
export const unavailable = (
  detail = 'The database is unreachable; try again shortly. A write whose connection was lost may have been applied: send it again with the same Idempotency-Key to learn its outcome.',
) => new ApiProblem(503, detail, 'unavailable', {}, { 'Retry-After': '5' });
/** Past what the service can queue within a bounded time: nothing of the request was applied. */
export const busy = (detail = 'The service is busy: no database connection became free in time; try again shortly.') =>
  new ApiProblem(503, detail, 'busy', {}, { 'Retry-After': '2' });

// Overload, not absence: no pool connection within the bound (pg-pool's queue, Prisma's
// P2024, a transaction that could not start within its maxWait), a transaction that outlived
// its timeout (rolled back), a statement cancelled by statement_timeout, or PostgreSQL out of
// connections or resources (SQLSTATE class 53). In each, the transaction never committed.
const BUSY_SQLSTATES = /^(53|57014$)/;
const BUSY_PRISMA = new Set(['P2024']);
const BUSY_MESSAGES =
  /timeout exceeded when trying to connect|Timed out fetching a new connection from the connection pool|Unable to start a transaction in the given time|expired transaction|canceling statement due to statement timeout|too many clients already|remaining connection slots are reserved/i;
// The database cannot be reached: connection refused, reset or ended by the server (restart,
// pg_terminate_backend), not opened within the connect timeout, the server starting or
// stopping (SQLSTATE class 08, 57P01-57P04).
const UNAVAILABLE_SQLSTATES = /^(08|57P0[1-4])/;
const UNAVAILABLE_PRISMA = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2037']);
const UNAVAILABLE_MESSAGES =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection terminated|Can't reach database|connection (?:is )?(?:closed|lost|refused)|terminating connection|the database system is (?:starting|shutting) up|Client has encountered a connection error|Query read timeout/i;

function codesOf(error: Record<string, unknown>): string[] {
  const cause = error.cause as Record<string, unknown> | undefined;
  return [error.code, cause?.originalCode, cause?.code].filter((c): c is string => typeof c === 'string');
}

function isBusy(error: Record<string, unknown>): boolean {
  const codes = codesOf(error);
  if (codes.some((c) => BUSY_PRISMA.has(c) || BUSY_SQLSTATES.test(c))) return true;
  const cause = error.cause as Record<string, unknown> | undefined;
  if (cause?.kind === 'TooManyConnections') return true;
  return typeof error.message === 'string' && BUSY_MESSAGES.test(error.message);
}

function isUnavailable(error: Record<string, unknown>): boolean {
  if (codesOf(error).some((c) => UNAVAILABLE_PRISMA.has(c) || UNAVAILABLE_SQLSTATES.test(c))) return true;
  const cause = error.cause as Record<string, unknown> | undefined;
  if (cause?.kind === 'DatabaseNotReachable' || cause?.kind === 'ConnectionClosed' || cause?.kind === 'SocketTimeout') {
    return true;
  }
  return typeof error.message === 'string' && UNAVAILABLE_MESSAGES.test(error.message);
}

/** PostgreSQL's own SQLSTATE, as the tagged statements sent without the ORM raise it, in Prisma's words. */
const PRISMA_OF_SQLSTATE: Record<string, string> = { '23505': 'P2002', '23503': 'P2003', '40001': 'P2034', '40P01': 'P2034' };

function fromPrisma(error: Record<string, unknown>): ApiProblem | undefined {
  const raw = error.code;
  const code = typeof raw === 'string' && error.severity !== undefined ? (PRISMA_OF_SQLSTATE[raw] ?? raw) : raw;
  if (typeof code !== 'string' || !/^P\d{4}$/.test(code)) return undefined;
  if (code === 'P2002') return conflict('A resource with the same unique value already exists.');
  if (code === 'P2025') return notFound('The resource');
  if (code === 'P2003') return conflict('The resource is referenced by, or references, another one.');
  // A write conflict or a deadlock with a concurrent request (PostgreSQL chose this one to fail).
  if (code === 'P2034') return conflict('The request collided with a concurrent one that changed the same data; send it again.');
  return undefined;
}

interface HttpLike {
  getStatus(): number;
  getResponse(): string | Record<string, unknown>;
}

const isHttpException = (e: unknown): e is HttpLike & Error => typeof (e as HttpLike)?.getStatus === 'function' && typeof (e as HttpLike)?.getResponse === 'function';

export interface MappedProblem {
  problem: Problem;
  headers: Record<string, string>;
  /** True when the error is ours to fix, not the client's: it is logged with its stack. */
  unexpected: boolean;
}

export function toProblem(error: unknown): MappedProblem {
  if (error instanceof ApiProblem) return { problem: error.toProblem(), headers: error.headers, unexpected: false };

  if (isHttpException(error)) {
    const status = error.getStatus();
    // A 5xx raised by Nest or a library says nothing of its cause (its message might); a 503
    // says when to come back.
    if (status >= 500) {
      const p = new ApiProblem(status, status === 503 ? 'The service is unavailable; try again shortly.' : 'An unexpected error occurred; it has been logged.');
      const headers: Record<string, string> = status === 503 ? { 'Retry-After': '5' } : {};
      return { problem: p.toProblem(), headers, unexpected: true };
    }
    const response = error.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray(response.message)
          ? response.message.join('; ')
          : typeof response.message === 'string'
            ? response.message
            : error.message;
    const detail = status === 404 && /^Cannot \w+ /.test(message) ? `No route matches ${message.replace(/^Cannot /, '')}.` : message;
    return { problem: new ApiProblem(status, detail).toProblem(), headers: {}, unexpected: false };
  }

  const e = (error ?? {}) as Record<string, unknown>;
  // Fastify's own errors (malformed JSON, body too large, unsupported media type) carry a
  // 4xx statusCode and a safe message.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 && typeof e.code === 'string' && e.code.startsWith('FST_')) {
    const detail = e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'The body is not valid JSON.' : String(e.message);
    return { problem: new ApiProblem(e.statusCode, detail).toProblem(), headers: {}, unexpected: false };
  }
  if (e.type === 'entity.parse.failed' || (error instanceof SyntaxError && /JSON/.test(error.message))) {
    return { problem: new ApiProblem(400, 'The body is not valid JSON.').toProblem(), headers: {}, unexpected: false };
  }

  if (isBusy(e)) {
    const p = busy();
    return { problem: p.toProblem(), headers: p.headers, unexpected: false };
  }
  if (isUnavailable(e)) {
    const p = unavailable();
    return { problem: p.toProblem(), headers: p.headers, unexpected: false };
  }
  const prisma = fromPrisma(e);
  if (prisma) return { problem: prisma.toProblem(), headers: {}, unexpected: false };

  return {
    problem: new ApiProblem(500, 'An unexpected error occurred; it has been logged.').toProblem(),
    headers: {},
    unexpected: true,
  };
}
