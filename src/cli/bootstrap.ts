// `npm run bootstrap`: creates the BOOTSTRAP_ADMIN_EMAIL admin of BOOTSTRAP_REGION_CODE's ARS
// if absent, without serving: how another region's ARS is onboarded.
import { PrismaPg } from '@prisma/adapter-pg';
import { ensureBootstrapAdmin, printBootstrapBanner } from '../accounts/bootstrap.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { log, prepare } from './runtime.js';

const { config, db } = await prepare({ migrate: true });
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
try {
  const result = await ensureBootstrapAdmin(prisma, config);
  printBootstrapBanner(result, config.bootstrap.regionCode);
  if (!result.created) log.info(`${result.email} already exists: nothing to do`);
} finally {
  await prisma.$disconnect();
  await db.stop();
}
