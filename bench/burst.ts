// `npm run bench:burst`: the burst of test/reliability/burst.e2e-spec.ts at 5,000 concurrent
// workflow transitions (default pool of 10, rate limit off), its figures appended to
// bench/results/<date>-burst.md. Needs TEST_DATABASE_URL, like the tests.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';

const size = process.env.BURST ?? '5000';
const today = new Date().toISOString().slice(0, 10);
const report = `bench/results/${today}-burst.md`;
if (!existsSync(report)) appendFileSync(report, `# Burst — ${today}\n\n`);
const result = spawnSync(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', 'test/reliability/burst.e2e-spec.ts', '--testTimeout=600000'], {
  stdio: 'inherit',
  env: { ...process.env, BURST: size, BURST_REPORT: report },
});
process.exit(result.status ?? 1);
