// `npm run reference:load -- --region 84` (or `--all`): loads the official communes and EPCI,
// the same code path as POST /communes/load-official, without the HTTP server.
import { PrismaPg } from '@prisma/adapter-pg';
import { AuditRepository } from '../audit/audit.repository.js';
import type { PrismaService } from '../database/prisma.service.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { readOfficialDataset } from '../reference/official/dataset.js';
import { OfficialRepository } from '../reference/official/official.repository.js';
import { loadRegion } from '../reference/official/official.service.js';
import { isRegionCode, REGION_CODES } from '../reference/regions.js';
import { log, prepare } from './runtime.js';

const args = process.argv.slice(2);
const all = args.includes('--all');
const region = args[args.indexOf('--region') + 1];
if (!all && (!args.includes('--region') || !region || !isRegionCode(region))) {
  process.stderr.write(`usage: npm run reference:load -- --region <code> | --all   (codes: ${REGION_CODES.join(' ')})\n`);
  process.exit(2);
}

const { db } = await prepare({ migrate: true });
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
try {
  const started = Date.now();
  const dataset = await readOfficialDataset();
  log.info(`${dataset.source} ${dataset.version}: ${dataset.communes.length} current communes, ${dataset.epcis.length} EPCI (read in ${Date.now() - started} ms)`);
  const audit = new AuditRepository(prisma as unknown as PrismaService);
  const repository = new OfficialRepository();
  let total = 0;
  for (const code of all ? REGION_CODES : [region]) {
    const result = await loadRegion(prisma, repository, dataset, code, (tx, r) =>
      audit.append(tx, { id: null, kind: 'SYSTEM' }, { action: 'commune.load_official', entity: 'reference_load', entityId: code, regionCode: code, after: { ...r, ms: undefined } }),
    );
    total += result.total;
    log.info(result, `region ${code}: ${result.total} communes (${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged, ${result.deactivated} deactivated) in ${result.ms} ms`);
  }
  log.info(`loaded ${total} communes in ${Date.now() - started} ms`);
} finally {
  await prisma.$disconnect();
  await db.stop();
}
