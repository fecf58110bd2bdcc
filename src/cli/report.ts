// `npm run report -- --type PIPELINE --date 2026-11-22 [--region 84]`: computes reports now,
// without the HTTP server or the queue (for operators and cron users). No --type: all four;
// no --region: every region that has an ARS; no --date: today (Europe/Paris).
import 'reflect-metadata';
import { isCalendarDate, parisToday } from '../common/validation/dates.js';
import type { ReportType } from '../generated/prisma/enums.js';
import { isRegionCode } from '../reference/regions.js';
import { REPORT_TYPES } from '../reports/report-types.js';
import { ReportsRepository } from '../reports/reports.repository.js';
import { log, withApplication } from './runtime.js';

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const type = opt('--type');
const date = opt('--date') ?? parisToday();
const region = opt('--region');
if ((type && !REPORT_TYPES.includes(type as ReportType)) || !isCalendarDate(date) || (region && !isRegionCode(region))) {
  process.stderr.write(`usage: npm run report -- [--type ${REPORT_TYPES.join('|')}] [--date YYYY-MM-DD] [--region 84]\n`);
  process.exit(2);
}

await withApplication({ migrate: true }, async (app) => {
  const reports = app.get(ReportsRepository);
  let failed = 0;
  for (const regionCode of region ? [region] : await reports.regions()) {
    for (const t of type ? [type as ReportType] : REPORT_TYPES) {
      const run = await reports.request(regionCode, t, date);
      const started = Date.now();
      try {
        const done = await reports.execute(run.id);
        log.info(
          { runId: run.id, regionCode, type: t, date, rows: done.rowCount, ms: Date.now() - started },
          `${t} ${regionCode} ${date}: ${done.rowCount} rows in ${Date.now() - started} ms`,
        );
      } catch (error) {
        failed++;
        log.error({ err: error, runId: run.id }, `${t} ${regionCode} ${date} failed`);
      }
    }
  }
  process.exitCode = failed ? 1 : 0;
});
