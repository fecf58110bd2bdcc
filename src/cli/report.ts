// `npm run report -- --type PIPELINE --date 2026-11-22 [--region 84]`: computes reports now,
// without the HTTP server or the queue (for operators and cron users). No --type: all four;
// no --region: every region that has an ARS; no --date: today (Europe/Paris).
import { PrismaPg } from '@prisma/adapter-pg';
import { isCalendarDate, parisToday, toDbDate } from '../common/validation/dates.js';
import { PrismaClient } from '../generated/prisma/client.js';
import type { ReportType } from '../generated/prisma/enums.js';
import { isRegionCode } from '../reference/regions.js';
import { REPORT_TYPES } from '../reports/report-types.js';
import { executeRun } from '../reports/reports.repository.js';
import { log, prepare } from './runtime.js';

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const type = opt('--type');
const date = opt('--date') ?? parisToday();
const region = opt('--region');
if ((type && !REPORT_TYPES.includes(type as ReportType)) || !isCalendarDate(date) || (region && !isRegionCode(region))) {
  process.stderr.write(`usage: npm run report -- [--type ${REPORT_TYPES.join('|')}] [--date YYYY-MM-DD] [--region 84]\n`);
  process.exit(2);
}

const { db } = await prepare({ migrate: true });
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
try {
  const regions = region
    ? [region]
    : (await prisma.organization.findMany({ where: { type: 'ARS' }, distinct: ['regionCode'], select: { regionCode: true } })).map((o) => o.regionCode);
  let failed = 0;
  for (const regionCode of regions) {
    for (const t of type ? [type as ReportType] : REPORT_TYPES) {
      const run = await prisma.reportRun.upsert({
        where: { regionCode_type_date: { regionCode, type: t, date: toDbDate(date) } },
        create: { regionCode, type: t, date: toDbDate(date) },
        update: { status: 'QUEUED' },
      });
      const started = Date.now();
      try {
        const done = await executeRun(prisma, run.id);
        log.info({ runId: run.id, regionCode, type: t, date, rows: done.rowCount, ms: Date.now() - started }, `${t} ${regionCode} ${date}: ${done.rowCount} rows in ${Date.now() - started} ms`);
      } catch (error) {
        failed++;
        log.error({ err: error, runId: run.id }, `${t} ${regionCode} ${date} failed`);
      }
    }
  }
  process.exitCode = failed ? 1 : 0;
} finally {
  await prisma.$disconnect();
  await db.stop();
}
