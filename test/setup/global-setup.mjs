// Jest loads global setup outside its module system: it runs the built code (npm test builds
// first). Migrates one template database; every test file copies it (CREATE DATABASE … TEMPLATE).
// The server: TEST_DATABASE_URL or DATABASE_URL when set (CI points them at the machine's
// PostgreSQL), otherwise an embedded PostgreSQL under .data/test-postgres.
import pg from 'pg';
import PgBoss from 'pg-boss';
import { startEmbeddedPostgres } from '../../dist/database/embedded.js';
import { migrate } from '../../dist/database/migrations.js';
import { withDatabase } from '../../dist/database/server.js';

export default async function globalSetup() {
  const configured = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let serverUrl = configured ? withDatabase(configured, 'postgres') : undefined;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({
      dir: '.data/test-postgres',
      port: Number(process.env.EMBEDDED_TEST_PG_PORT ?? 54330),
    });
    globalThis.__embeddedTestDb = embedded;
    serverUrl = embedded.serverUrl;
  }
  const template = `msp_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }
  await migrate(withDatabase(serverUrl, template));
  // The job queue's schema too, so that each test database starts with it.
  const boss = new PgBoss({ connectionString: withDatabase(serverUrl, template), schema: 'pgboss', supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
  process.env.MSP_TEST_SERVER_URL = serverUrl;
  process.env.MSP_TEST_TEMPLATE = template;
}
