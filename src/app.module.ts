import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type DynamicModule, Module, RequestMethod, type Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, MODULE_METADATA } from '@nestjs/common/constants.js';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { AccountsModule } from './accounts/accounts.module.js';
import { ApplicationsModule } from './applications/applications.module.js';
import { CallsModule } from './calls/calls.module.js';
import { CarpecModule } from './carpec/carpec.module.js';
import { EnvelopesModule } from './envelopes/envelopes.module.js';
import { FundingModule } from './funding/funding.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AccessGuard } from './common/access/access.guard.js';
import { ProblemFilter } from './common/errors/problem.filter.js';
import { IdempotencyInterceptor } from './common/idempotency/idempotency.interceptor.js';
import { STREAMED_UPLOAD } from './common/http/upload.js';
import { IdempotencyRepository } from './common/idempotency/idempotency.repository.js';
import { validationPipe } from './common/http/validation.js';
import { SECRET_BOX, secretBoxProvider } from './common/crypto/secret-box.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { DatabaseModule } from './database/database.module.js';
import { DigestModule } from './digest/digest.module.js';
import { DocumentsModule } from './documents/documents.module.js';
import { NotesModule } from './notes/notes.module.js';
import { LettersModule } from './letters/letters.module.js';
import { DATABASE_URL } from './database/database-url.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { HealthModule } from './health/health.module.js';
import { IntakeModule } from './intake/intake.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { PromotersModule } from './promoters/promoters.module.js';
import { ReferenceModule } from './reference/reference.module.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request id of a request (Fastify's genReqId): the caller's X-Request-Id when sane, else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

@Module({})
class CoreModule {}

/**
 * Puts `interceptor` first on every POST route of the modules' controllers, before Nest scans
 * them. A global interceptor would put every request — GETs and probes included — through
 * RxJS; idempotency concerns POSTs only.
 */
function interceptPosts(modules: unknown[], interceptor: Type): void {
  const seen = new Set<unknown>();
  const visit = (m: unknown): void => {
    const cls = (m as Partial<DynamicModule>)?.module ?? m;
    if (!cls || seen.has(cls)) return;
    seen.add(cls);
    const own = (key: string) => [...((Reflect.getMetadata(key, cls) as unknown[]) ?? []), ...((m as Record<string, unknown[] | undefined>)[key] ?? [])];
    own(MODULE_METADATA.IMPORTS).forEach(visit);
    for (const controller of own(MODULE_METADATA.CONTROLLERS) as Type[]) {
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.POST) continue;
        if (Reflect.getMetadata(STREAMED_UPLOAD, handler)) continue;
        const interceptors = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as unknown[]) ?? [];
        if (!interceptors.includes(interceptor)) Reflect.defineMetadata(INTERCEPTORS_METADATA, [interceptor, ...interceptors], handler);
      }
    }
  };
  modules.forEach(visit);
}

const FEATURES = [
  DatabaseModule,
  AuditModule,
  OutboxModule,
  MetricsModule,
  HealthModule,
  AccountsModule,
  AuthModule,
  ReferenceModule,
  PromotersModule,
  ProjectsModule,
  ApplicationsModule,
  CarpecModule,
  EnvelopesModule,
  FundingModule,
  ReportsModule,
  DocumentsModule,
  NotesModule,
  LettersModule,
  DigestModule,
  WebhooksModule,
  CallsModule,
  IntakeModule,
  DashboardModule,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    // Idempotency-Key on any authenticated POST: outermost on the route, so that it records
    // what the route's own interceptor (Location) produced. The ETag is set when the answer is
    // serialised (common/http/pipeline.ts), a replayed answer's too.
    interceptPosts(FEATURES, IdempotencyInterceptor);
    return {
      module: AppModule,
      imports: [
        {
          module: CoreModule,
          global: true,
          providers: [{ provide: APP_CONFIG, useValue: config }, { provide: DATABASE_URL, useValue: databaseUrl }, IdempotencyRepository, secretBoxProvider],
          // The idempotency store: its interceptor is instantiated in each module with POST routes.
          exports: [APP_CONFIG, DATABASE_URL, IdempotencyRepository, SECRET_BOX],
        },
        // The root logger and Nest's logger. No middleware: the access line and the request's
        // logging context come from Fastify hooks (common/http/pipeline.ts), far cheaper than
        // pino-http behind Nest's middleware layer.
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Never a credential in a log line.
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', '*.password', '*.refreshToken'],
              censor: '[redacted]',
            },
            // Applied as they are (pino-http's wrappers would first copy the whole request).
            wrapSerializers: false,
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
              err: pino.stdSerializers.err,
            },
          },
          forRoutes: [],
        }),
        ...FEATURES,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: validationPipe },
      ],
    };
  }
}
