import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { projectRoot } from '../../database/paths.js';

/** Where `npm install` (scripts/build-console.mjs) puts the console. */
export const consoleDir = resolve(projectRoot, 'dist', 'web');

/**
 * Its page's policy: only its own scripts, styles, fonts and API; images from itself or data:
 * URIs (the DSFR's icons); never framed.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The instructors' console: `GET /` answers its one page (routes are the URL's hash), `/assets/`
 * its hashed files, precompressed, cached for a year. Without a build (`npm run console:build`)
 * `/` says so.
 */
export async function serveConsole(fastify: FastifyInstance): Promise<void> {
  const index = resolve(consoleDir, 'index.html');
  const page = existsSync(index)
    ? {
        html: readFileSync(index),
        br: existsSync(`${index}.br`) ? readFileSync(`${index}.br`) : undefined,
        gz: existsSync(`${index}.gz`) ? readFileSync(`${index}.gz`) : undefined,
      }
    : undefined;
  fastify.get('/', (request, reply) => {
    if (!page) {
      return reply.code(503).type('text/plain; charset=utf-8').send('La console n’est pas construite : lancez `npm run console:build` (l’API répond sous /api/v1).');
    }
    const accepts = String(request.headers['accept-encoding'] ?? '');
    const [body, encoding] = page.br && /\bbr\b/.test(accepts) ? [page.br, 'br'] : page.gz && /\bgzip\b/.test(accepts) ? [page.gz, 'gzip'] : [page.html, undefined];
    if (encoding) void reply.header('content-encoding', encoding);
    return reply
      .header('vary', 'accept-encoding')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .type('text/html; charset=utf-8')
      .send(body);
  });
  if (page) {
    await fastify.register(fastifyStatic, {
      root: resolve(consoleDir, 'assets'),
      prefix: '/assets/',
      preCompressed: true,
      immutable: true,
      maxAge: '365d',
      index: false,
      setHeaders: (res) => {
        res.setHeader('x-content-type-options', 'nosniff');
      },
    });
  }
}
