// `npm run reference:load -- --region 84` (or `--all`): loads the official communes and EPCI,
// the same code path as POST /communes/load-official, without the HTTP server.
import 'reflect-metadata';
import { readOfficialDataset } from '../reference/official/dataset.js';
import { OfficialService } from '../reference/official/official.service.js';
import { isRegionCode, REGION_CODES } from '../reference/regions.js';
import { log, withApplication } from './runtime.js';

const args = process.argv.slice(2);
const all = args.includes('--all');
const region = args[args.indexOf('--region') + 1];
if (!all && (!args.includes('--region') || !region || !isRegionCode(region))) {
  process.stderr.write(`usage: npm run reference:load -- --region <code> | --all   (codes: ${REGION_CODES.join(' ')})\n`);
  process.exit(2);
}

await withApplication({ migrate: true }, async (app) => {
  const started = Date.now();
  const dataset = await readOfficialDataset();
  log.info(`${dataset.source} ${dataset.version}: ${dataset.communes.length} current communes, ${dataset.epcis.length} EPCI (read in ${Date.now() - started} ms)`);
  const official = app.get(OfficialService);
  let total = 0;
  for (const code of all ? REGION_CODES : [region]) {
    const result = await official.loadRegion({ id: null, kind: 'SYSTEM' }, dataset, code);
    total += result.total;
    log.info(
      result,
      `region ${code}: ${result.total} communes (${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged, ${result.deactivated} deactivated) in ${result.ms} ms`,
    );
  }
  log.info(`loaded ${total} communes in ${Date.now() - started} ms`);
});
