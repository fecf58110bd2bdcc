import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';
import { AppModule, requestIdOf } from './app.module.js';
import { sendProblem, writeClientProblem } from './common/errors/problem.filter.js';
import { ApiProblem, invalid } from './common/errors/problem.js';
import { serveConsole } from './common/http/console.js';
import { completeDocument } from './common/http/openapi.js';
import { installPipeline } from './common/http/pipeline.js';
import { inputProblem } from './common/http/validation.js';
import type { AppConfig } from './config/config.js';
import { MetricsService } from './metrics/metrics.service.js';

export const API_PREFIX = 'api/v1';

const shuttingDown = () => new ApiProblem(503, 'This instance is shutting down; send the request again shortly.', 'shutting-down', {}, { 'Retry-After': '1' });

export interface RegisteredRoute {
  method: string;
  url: string;
}
const routes = new WeakMap<object, RegisteredRoute[]>();

/** Every route the application registered (the access matrix test checks each one). */
export const registeredRoutes = (app: NestFastifyApplication): RegisteredRoute[] => routes.get(app) ?? [];
const CSV_BODY_LIMIT = 5 * 1024 * 1024;

/** The whole HTTP application, configured; `npm start` and the tests build it here. */
export async function createApp(config: AppConfig, databaseUrl: string): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdOf,
    routerOptions: { maxParamLength: 200 },
    trustProxy: config.trustProxy,
    // What the router refuses before any hook (a malformed URL: 400; a path parameter longer
    // than maxParamLength: 414) and what the HTTP parser refuses (headers too large: 431) are
    // problems too, not Fastify's own JSON.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => sendProblem(error, request, reply),
    clientErrorHandler: writeClientProblem,
    // Fastify's own 503 for a request arriving while the server closes (on a kept-alive
    // connection) is raw JSON without Retry-After: the onRequest hook below answers instead.
    return503OnClosing: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['ETag', 'Location', 'X-Request-Id'] });

  const fastify = app.getHttpAdapter().getInstance();
  // Every input, before guards and pipes: a body nested deeper than any DTO (walked recursively
  // afterwards: a stack overflow, 500) or a NUL character anywhere (PostgreSQL refuses it in
  // text: 500) is a 400 naming the field.
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (request.is404) return done();
    const problem = inputProblem(request.params) ?? inputProblem(request.query) ?? inputProblem(request.body);
    done(problem ? invalid([problem]) : undefined);
  });
  // The pièces of the dossiers arrive as multipart/form-data, read part by part as they stream
  // (documents.service.ts): one file, a few short fields.
  await app.register(multipart, {
    limits: { fileSize: config.documents.maxBytes, files: 1, fields: 5, fieldSize: 1000, parts: 6, headerPairs: 50 },
    throwFileSizeLimit: true,
  });
  // CSV uploads (commune and zoning imports) arrive as text.
  fastify.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) => done(null, body));

  const registered: RegisteredRoute[] = [];
  routes.set(app, registered);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') registered.push({ method, url: route.url });
    }
  });
  // The instructors' console (console/, built into dist/web/ by npm install): `/` and `/assets/`.
  await serveConsole(fastify);

  const metrics = app.get(MetricsService);
  const logging = await app.resolve(PinoLogger);
  const pipeline = installPipeline(fastify, {
    logger: PinoLogger.root,
    inContext: (bindings, next) => logging.runInContext(next, { bindings }),
    observe: (method, route, status, seconds) => metrics.observe(method, route, status, seconds),
    shuttingDown,
    concurrency: config.http.concurrency,
    queueWaitMs: config.http.queueWaitMs,
  });
  fastify.addHook('preClose', (done) => {
    pipeline.close();
    done();
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Health-centre funding back-office')
      .setDescription(
        'Projects, dossiers (étapes 1-3), CARPEC opinions, DG ARS decisions and the funding split of maisons and centres de santé. ' +
          'Money in integer cents, rates in basis points; errors are application/problem+json (RFC 9457).',
      )
      .setVersion('1')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .build(),
  );
  // What the decorators cannot say (security, problems, tags, servers): common/http/openapi.ts.
  SwaggerModule.setup('docs', app, completeDocument(app, document), { jsonDocumentUrl: 'docs-json' });

  await app.init();
  await fastify.ready();
  return app;
}
