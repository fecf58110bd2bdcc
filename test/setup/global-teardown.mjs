import pg from 'pg';

export default async function globalTeardown() {
  const admin = new pg.Client({ connectionString: process.env.MSP_TEST_SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${process.env.MSP_TEST_TEMPLATE}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await globalThis.__embeddedTestDb?.stop();
}
