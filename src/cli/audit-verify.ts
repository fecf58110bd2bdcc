// `npm run audit:verify`: seals the committed rows, then exit 0 when every chain of the audit
// trail holds and every row below the sealed horizon is sealed, else exit 1 naming the row.
import 'reflect-metadata';
import { AuditRepository } from '../audit/audit.repository.js';
import { withApplication } from './runtime.js';

await withApplication({ migrate: false }, async (app) => {
  const result = await app.get(AuditRepository).verify();
  if (result.broken) {
    process.stderr.write(`audit trail BROKEN at row ${result.broken.id} (region ${result.broken.regionCode ?? '-'}): ${result.broken.reason}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`audit trail holds: ${result.rows} rows in ${result.chains} chain(s)\n`);
  }
});
