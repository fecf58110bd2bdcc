// `npm run openapi`: writes openapi.json, the document GET /docs-json serves, from the built
// code. No database is needed: the application connects lazily, and nothing listens on port 1
// (test/database/unavailable.e2e-spec.ts builds it the same way). The contract test
// (test/contract/openapi.e2e-spec.ts) fails when the committed file differs from the code's.
import { writeFileSync } from 'node:fs';
import { createApp } from '../dist/app.factory.js';
import { loadConfig } from '../dist/config/config.js';

const OUT = 'openapi.json';

// A fixed environment, not the caller's: the document does not depend on it, and no worker starts.
const config = loadConfig({
  NODE_ENV: 'test',
  JWT_SECRET: 'openapi-document-only-not-a-secret',
  LOG_LEVEL: 'silent',
  WORKERS_ENABLED: 'false',
  MIGRATE_ON_START: 'false',
});
const app = await createApp(config, 'postgresql://postgres@127.0.0.1:1/none');
try {
  const res = await app.inject({ method: 'GET', url: '/docs-json' });
  if (res.statusCode !== 200) throw new Error(`GET /docs-json answered ${res.statusCode}: ${res.body}`);
  const document = JSON.parse(res.body);
  writeFileSync(OUT, `${JSON.stringify(document, null, 2)}\n`);
  const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  console.info(`${OUT}: OpenAPI ${document.openapi}, ${Object.keys(document.paths).length} paths, ${operations} operations`);
} finally {
  await app.close();
}
