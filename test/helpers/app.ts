import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/config.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import { createTestDatabase } from './database.js';

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
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
