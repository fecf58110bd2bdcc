import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { migrationsDir, schemaPath } from './paths.js';
import { applyMigrations, type MigrationDirectory } from './schema-engine.js';

// Any fixed number: every instance of the service takes this lock before migrating, so two
// instances starting at once apply each migration once.
const MIGRATION_LOCK = 8_424_001;

export async function readMigrations(dir = migrationsDir): Promise<MigrationDirectory[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(join(dir, name, 'migration.sql'), 'utf8') })));
}

async function appliedNames(client: pg.Client): Promise<Set<string>> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('public._prisma_migrations') AS t`);
  if (!exists.rows[0].t) return new Set();
  const { rows } = await client.query<{ migration_name: string }>(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`);
  return new Set(rows.map((r) => r.migration_name));
}

/**
 * Applies pending migrations (recorded in `_prisma_migrations` as `prisma migrate deploy`
 * does) and returns their names. The WASM engine is loaded only when one is pending, so an
 * up-to-date database costs one query at start.
 */
export async function migrate(connectionString: string): Promise<string[]> {
  const migrations = await readMigrations();
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await appliedNames(client);
    if (migrations.every((m) => applied.has(m.name))) return [];
    const datamodel = await readFile(schemaPath, 'utf8');
    return await applyMigrations(connectionString, datamodel, migrationsDir, migrations);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}
