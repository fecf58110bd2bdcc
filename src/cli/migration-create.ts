// `npm run db:migration:create -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
// with the SQL that takes the schema of the last migration to the current prisma/schema.prisma,
// offline, with Prisma's WASM schema engine. Each migration keeps a copy of the schema it
// leads to (`schema.prisma` beside `migration.sql`; the Prisma CLI ignores it), which is
// the `from` side of the next diff: introspecting a live database through the driver adapter
// is not possible with this engine build
// (it cannot read PostgreSQL's `char` catalogue columns).
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readMigrations } from '../database/migrations.js';
import { migrationsDir, schemaPath } from '../database/paths.js';
import { diffSql } from '../database/schema-engine.js';
import { loadConfig } from '../config/config.js';
import { openDatabase } from '../database/server.js';

const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]+/gi, '_').toLowerCase();
if (!name) {
  console.error('usage: npm run db:migration:create -- <name>');
  process.exit(2);
}

const migrations = await readMigrations();
const last = migrations.at(-1);
const from = last ? await readFile(join(migrationsDir, last.name, 'schema.prisma'), 'utf8') : null;
const to = await readFile(schemaPath, 'utf8');
// The diff reads no table, but the engine opens a connection: DATABASE_URL's or the embedded one.
const server = await openDatabase(loadConfig(), (m) => console.error(m));
const sql = await diffSql(server.url, from, to).finally(() => server.stop());
if (!sql.trim() || /empty migration/i.test(sql)) {
  console.error('prisma/schema.prisma matches the last migration: nothing to write.');
} else {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = join(migrationsDir, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'migration.sql'), sql);
  await copyFile(schemaPath, join(dir, 'schema.prisma'));
  console.error(`wrote ${dir}/migration.sql: review it, add what the schema cannot say (triggers, partial indexes), then commit.`);
}
