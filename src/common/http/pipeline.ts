// What every request goes through besides its route, as plain Fastify hooks: the request id,
// the security headers, the access log, the metrics, the ETag, the graceful stop. Each hook runs
// once per request, synchronously (an async hook costs a promise and a tick per request), and
// nothing is computed per request that can be computed at start.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { type ApiProblem, busy } from '../errors/problem.js';
import { sendProblem } from '../errors/problem.filter.js';
import { Admission } from './admission.js';

/**
 * helmet's headers — its defaults, with a CSP that admits what the Swagger UI at /docs needs and
 * nothing else — written once here: @fastify/helmet rebuilt its middleware (CSP directives
 * parsed again) on every request, about a tenth of what answering `/health/live` cost.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;" +
    "object-src 'none';script-src 'self' 'unsafe-inline';script-src-attr 'none';style-src 'self' 'unsafe-inline';upgrade-insecure-requests",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

/** Probes and scrapes: neither logged nor given a logging context. */
const UNLOGGED = new Set(['/health/live', '/metrics']);

export interface PipelineOptions {
  /** The root logger: one access line per request, at the level its status calls for. */
  logger: Logger;
  /** Runs the rest of the request with `bindings` on every line logged inside it. */
  inContext: (bindings: Record<string, unknown>, next: () => void) => void;
  observe: (method: string, route: string, status: number, seconds: number) => void;
  shuttingDown: () => ApiProblem;
  /** API requests served at once (0: no limit) and how long the others may wait. */
  concurrency: number;
  queueWaitMs: number;
}

const queueFull = () => busy('The service is busy: too many requests are waiting; try again shortly.');

export function installPipeline(fastify: FastifyInstance, options: PipelineOptions): { close(): void } {
  const { logger, inContext, observe, shuttingDown } = options;
  const admission = new Admission(options.concurrency, options.queueWaitMs);
  let closing = false;

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    void reply.headers(SECURITY_HEADERS).header('X-Request-Id', request.id);
    // Shutting down: a new request (on a kept-alive connection) is not started; it is told to
    // come back (to another instance) as a problem, and its connection closes.
    if (closing) {
      void reply.header('Connection', 'close');
      sendProblem(shuttingDown(), request, reply);
      return;
    }
    const route = request.routeOptions.url;
    if (UNLOGGED.has(route ?? '')) return done();
    // Lines logged while serving the request (security events…) carry the request.
    const start = () => inContext({ req: { id: request.id, method: request.method, url: request.url } }, done);
    // Probes, docs and unknown routes are answered at once; API requests take their turn.
    if (!route?.startsWith('/api/')) return start();
    admission.enter(
      () => {
        reply.raw.once('close', () => admission.leave());
        start();
      },
      () => sendProblem(queueFull(), request, reply),
      () => request.raw.socket.destroyed,
    );
  });

  // Every answer that is a versioned resource carries its version as ETag (a replayed
  // Idempotency-Key answer too: it passes here again).
  fastify.addHook('preSerialization', (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
    const version = (payload as { version?: unknown } | null)?.version;
    if (typeof version === 'number') void reply.header('ETag', `"${version}"`);
    done(null, payload);
  });

  // A graceful stop: once the server is closing, every response (those of the requests in
  // flight included) closes its connection. Otherwise a kept-alive connection holds the
  // server's close() until its keep-alive timeout (72 s), far past the shutdown's grace.
  fastify.addHook('onSend', (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
    if (closing) void reply.header('Connection', 'close');
    done(null, payload);
  });

  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const route = request.routeOptions.url;
    const status = reply.statusCode;
    observe(request.method, route ?? 'unmatched', status, reply.elapsedTime / 1000);
    if (!UNLOGGED.has(route ?? '')) {
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      if (logger.isLevelEnabled(level)) {
        logger[level](
          { req: { id: request.id, method: request.method, url: request.url }, res: { statusCode: status }, responseTime: Math.round(reply.elapsedTime * 10) / 10 },
          'request completed',
        );
      }
    }
    done();
  });

  return {
    close: () => {
      closing = true;
    },
  };
}
