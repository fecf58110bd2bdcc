// `npm run bootstrap`: creates the BOOTSTRAP_ADMIN_EMAIL admin of BOOTSTRAP_REGION_CODE's ARS
// if absent, without serving: how another region's ARS is onboarded.
import 'reflect-metadata';
import { Bootstrap, printBootstrapBanner } from '../accounts/bootstrap.js';
import { log, withApplication } from './runtime.js';

await withApplication({ migrate: true }, async (app, config) => {
  const result = await app.get(Bootstrap).ensureAdmin();
  printBootstrapBanner(result, config.bootstrap.regionCode);
  if (!result.created) log.info(`${result.email} already exists: nothing to do`);
});
