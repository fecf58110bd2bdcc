// The first account of a region's ARS: created at start (and by `npm run bootstrap`) when no
// account has the bootstrap e-mail. Shared by the service and the command line.
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/config.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { REGIONS } from '../reference/regions.js';
import { hashPassword } from './passwords.js';

export interface BootstrapResult {
  created: boolean;
  email: string;
  /** Only when it was generated here: shown once, never stored in clear. */
  generatedPassword?: string;
}

export async function ensureBootstrapAdmin(prisma: PrismaClient, config: AppConfig): Promise<BootstrapResult> {
  const { email, regionCode } = config.bootstrap;
  if (!REGIONS[regionCode]) throw new Error(`BOOTSTRAP_REGION_CODE ${regionCode} is not a region code`);
  if (await prisma.user.findUnique({ where: { email }, select: { id: true } })) return { created: false, email };

  const generatedPassword = config.bootstrap.password ? undefined : randomBytes(15).toString('base64url');
  const passwordHash = await hashPassword(config.bootstrap.password ?? generatedPassword!);
  try {
    await prisma.$transaction(async (tx) => {
      const ars =
        (await tx.organization.findFirst({ where: { type: 'ARS', regionCode }, orderBy: { createdAt: 'asc' } })) ??
        (await tx.organization.create({
          data: { name: `ARS ${REGIONS[regionCode]}`, type: 'ARS', regionCode, funders: ['ARS'] },
        }));
      await tx.user.create({ data: { email, passwordHash, role: 'ADMIN', organizationId: ars.id } });
    });
  } catch (error) {
    // Another instance starting at the same moment created it first.
    if ((error as { code?: string }).code === 'P2002') return { created: false, email };
    throw error;
  }
  return { created: true, email, generatedPassword };
}

export function printBootstrapBanner(result: BootstrapResult, regionCode: string): void {
  if (!result.created) return;
  const lines = [`Bootstrap admin created: ${result.email} (ADMIN, ARS of region ${regionCode})`];
  if (result.generatedPassword) {
    lines.push(`Password (shown once, change it): ${result.generatedPassword}`);
  }
  process.stdout.write(`\n${'='.repeat(72)}\n${lines.join('\n')}\n${'='.repeat(72)}\n\n`);
}
