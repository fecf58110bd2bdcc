import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response } from 'superagent';
import request from 'supertest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import { createTestDatabase } from './database.js';
import { answerOf, openApiValidator, validationEnabled } from './openapi-validator.js';

/** Checks every answer http() receives against openapi.json (OPENAPI_VALIDATE=0: off). */
const validator = validationEnabled() ? openApiValidator() : undefined;

type Agent = ReturnType<typeof request>;
type Test = ReturnType<Agent['get']>;
type Assert = (error: Error | null, res: Parameters<typeof answerOf>[0] | undefined, fn?: (error: Error | null, res: unknown) => void) => void;
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options'] as const;

/**
 * supertest, each request checked against the document once the test's own expectations have
 * passed (a failing one keeps its own message): a mismatch fails the request's promise.
 */
export function validated(agent: Agent): Agent {
  if (!validator) return agent;
  const wrapped = { ...agent } as Record<string, unknown>;
  for (const method of METHODS) {
    const make = (agent as unknown as Record<string, (url: string) => Test>)[method];
    if (typeof make !== 'function') continue;
    wrapped[method] = (url: string) => {
      const test = make(url) as Test & { assert: Assert };
      const assert = test.assert.bind(test);
      test.assert = (error, res, fn) =>
        assert(error, res, (own, r) => {
          let failure = own;
          if (!failure && res) {
            try {
              validator.check(method === 'del' ? 'delete' : method, url, answerOf(res));
            } catch (e) {
              failure = e as Error;
            }
          }
          fn?.call(test, failure, r);
        });
      return test;
    };
  }
  return wrapped as unknown as Agent;
}

/**
 * supertest's parser for a body kept as the bytes received (`.buffer(true).parse(bytes)`): a PDF,
 * a ZIP, a CSV or XLSX file; a JSON answer (a problem) is parsed as JSON.
 */
export function bytes(res: Response, done: (error: Error | null, body: unknown) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => {
    const body = Buffer.concat(chunks);
    done(null, /json/.test(String(res.headers['content-type'])) ? JSON.parse(body.toString('utf8')) : body);
  });
}

export const TEST_ENV = {
  NODE_ENV: 'test',
  JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256',
  LOG_LEVEL: 'silent',
  DATABASE_POOL_SIZE: '5',
};

export interface TestApp {
  app: NestFastifyApplication;
  prisma: PrismaService;
  databaseUrl: string;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The real application on a database of its own. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const app = await createApp(loadConfig({ ...TEST_ENV, ...env }), db.url);
  return {
    app,
    prisma: app.get(PrismaService),
    databaseUrl: db.url,
    http: () => validated(request(app.getHttpServer())),
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
