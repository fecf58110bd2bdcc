// What `npm start` and the command lines share before anything else: the configuration
// (a bad variable stops here, named) and the database (DATABASE_URL, or the embedded one).
import pino from 'pino';
import { ConfigError, loadConfig, type AppConfig } from '../config/config.js';
import { withJwtSecret } from '../config/secrets.js';
import { migrate } from '../database/migrations.js';
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
  const db = await openDatabase(config, (m) => log.info(m));
  if (options.migrate) {
    const applied = await migrate(db.url);
    log.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'database schema is up to date');
  }
  return { config, db };
}
