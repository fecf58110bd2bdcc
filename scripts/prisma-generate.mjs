// `prisma generate` never runs the native schema engine, but Prisma 7 tries to download it
// first, which fails on a machine without access to Prisma's binaries host. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips the download (docs/architecture.md, Database).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const cli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, 'generate', '--schema', 'prisma/schema.prisma'], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
