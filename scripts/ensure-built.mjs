// `npm start` runs the built service; this rebuilds it (and the console) first only when a source file, the
// schema or a migration is newer than the last build, so an unchanged tree starts at once.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const stamp = 'dist/.tsbuildinfo';
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const p = join(dir, e.name);
    return Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);

const built = existsSync(stamp) && existsSync('src/generated/prisma/client.ts') ? statSync(stamp).mtimeMs : 0;
const schemaChanged = !existsSync('src/generated/prisma/client.ts') || statSync('prisma/schema.prisma').mtimeMs > statSync('src/generated/prisma/client.ts').mtimeMs;
if (schemaChanged) execSync('node scripts/prisma-generate.mjs', { stdio: 'inherit' });
if (schemaChanged || newest('src') > built) execSync('npx tsc -p tsconfig.json', { stdio: 'inherit' });
// The console: rebuilt when its sources, the client or the service's pure modules it bundles
// (src/common/words.ts…) are newer than its page.
const page = 'dist/web/index.html';
const consoleBuilt = existsSync(page) ? statSync(page).mtimeMs : 0;
if (Math.max(newest('console'), newest('clients/typescript/src'), newest('src')) > consoleBuilt) execSync('node scripts/build-console.mjs', { stdio: 'inherit' });
