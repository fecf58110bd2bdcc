import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AccountsModule } from './accounts/accounts.module.js';
import { ApplicationsModule } from './applications/applications.module.js';
import { CarpecModule } from './carpec/carpec.module.js';
import { EnvelopesModule } from './envelopes/envelopes.module.js';
import { FundingModule } from './funding/funding.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AccessGuard } from './common/access/access.guard.js';
import { ProblemFilter } from './common/errors/problem.filter.js';
import { ETagInterceptor } from './common/http/conditional.js';
import { IdempotencyInterceptor } from './common/idempotency/idempotency.interceptor.js';
import { IdempotencyRepository } from './common/idempotency/idempotency.repository.js';
import { LocationInterceptor } from './common/http/location.js';
import { validationPipe } from './common/http/validation.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { DatabaseModule } from './database/database.module.js';
import { DATABASE_URL } from './database/database-url.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { PromotersModule } from './promoters/promoters.module.js';
import { ReferenceModule } from './reference/reference.module.js';
import { ReportsModule } from './reports/reports.module.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request id of a request: the caller's X-Request-Id when sane, else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  // Fastify and pino-http both ask; the first answer is kept on the request for the second.
  const r = req as IncomingMessage & { requestId?: string };
  if (r.requestId) return r.requestId;
  const header = req.headers['x-request-id'];
  r.requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  return r.requestId;
}

@Module({})
class CoreModule {}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        {
          module: CoreModule,
          global: true,
          providers: [
            { provide: APP_CONFIG, useValue: config },
            { provide: DATABASE_URL, useValue: databaseUrl },
          ],
          exports: [APP_CONFIG, DATABASE_URL],
        },
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: requestIdOf,
            // Never a credential in a log line.
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', '*.password', '*.refreshToken'],
              censor: '[redacted]',
            },
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            // Probes and scrapes are not logged (pino-http's autoLogging.ignore is lost when the
            // middleware is built more than once: it deletes the option it reads).
            customLogLevel: (req, res, error) =>
              req.url === '/health/live' || req.url === '/metrics'
                ? 'silent'
                : error || res.statusCode >= 500
                  ? 'error'
                  : res.statusCode >= 400
                    ? 'warn'
                    : 'info',
          },
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
        }),
        DatabaseModule,
        AuditModule,
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
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: validationPipe },
        IdempotencyRepository,
        // Outermost first: idempotency records what the inner ones (ETag, Location) produced.
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_INTERCEPTOR, useClass: ETagInterceptor },
        { provide: APP_INTERCEPTOR, useClass: LocationInterceptor },
      ],
    };
  }
}
