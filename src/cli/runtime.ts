// What `npm start` and the command lines share before anything else: the configuration
// (a bad variable stops here, named) and the database (DATABASE_URL, or the embedded one).
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pino from 'pino';
import { AppModule } from '../app.module.js';
import { ConfigError, loadConfig, type AppConfig } from '../config/config.js';
import { withJwtSecret } from '../config/secrets.js';
import { migrate } from '../database/migrations.js';
import { EmbeddedStartError } from '../database/embedded.js';
import { type DatabaseServer, openDatabase } from '../database/server.js';

export const log = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { component: 'startup' } });

export async function prepare(options: { migrate: boolean }): Promise<{ config: AppConfig; db: DatabaseServer }> {
  let config: AppConfig;
  try {
    config = await withJwtSecret(loadConfig());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  let db: DatabaseServer;
  try {
    db = await openDatabase(config, (m) => log.info(m));
  } catch (error) {
    if (error instanceof EmbeddedStartError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (options.migrate) {
    const applied = await migrate(db.url);
    log.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'database schema is up to date');
  }
  return { config, db };
}

/**
 * A command line's work through the application itself (its services, repositories and
 * audit trail, as `worker.ts` does), without the HTTP server or the job workers; then closed.
 */
export async function withApplication(options: { migrate: boolean }, work: (app: INestApplicationContext, config: AppConfig) => Promise<void>): Promise<void> {
  const { config, db } = await prepare(options);
  try {
    const app = await NestFactory.createApplicationContext(AppModule.forRoot({ ...config, workersEnabled: false }, db.url), { logger: ['error', 'warn'] });
    try {
      await work(app, config);
    } finally {
      await app.close();
    }
  } finally {
    await db.stop();
  }
}
