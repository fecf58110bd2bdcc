// The first account of a region's ARS: created at start (and by `npm run bootstrap`) when no
// account has the bootstrap e-mail. Shared by the service and the command line.
import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TransactionHost } from '../database/transaction-host.js';
import { REGIONS } from '../reference/regions.js';
import { OrganizationsRepository } from './organizations.repository.js';
import { hashPassword } from './passwords.js';
import { toUserDto } from './users.service.js';
import { UsersRepository } from './users.repository.js';

export interface BootstrapResult {
  created: boolean;
  email: string;
  /** Only when it was generated here: shown once, never stored in clear. */
  generatedPassword?: string;
}

const SYSTEM = { id: null, kind: 'SYSTEM' } as const;

@Injectable()
export class Bootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionHost,
    private readonly organizations: OrganizationsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditRepository,
  ) {}

  /** The bootstrap admin (and its region's ARS when there is none), audited as the system's doing. */
  async ensureAdmin(): Promise<BootstrapResult> {
    const { email, regionCode } = this.config.bootstrap;
    if (!REGIONS[regionCode]) throw new Error(`BOOTSTRAP_REGION_CODE ${regionCode} is not a region code`);
    if (await this.users.emailTaken(email)) return { created: false, email };

    const generatedPassword = this.config.bootstrap.password ? undefined : randomBytes(15).toString('base64url');
    const passwordHash = await hashPassword(this.config.bootstrap.password ?? generatedPassword!);
    try {
      await this.tx.transaction(async () => {
        let ars = await this.organizations.arsOf(regionCode);
        if (!ars) {
          ars = await this.organizations.create({ name: `ARS ${REGIONS[regionCode]}`, type: 'ARS', regionCode, funders: ['ARS'] });
          await this.audit.append(SYSTEM, {
            action: 'organization.bootstrap',
            entity: 'organization',
            entityId: ars.id,
            regionCode,
            after: { id: ars.id, name: ars.name, type: ars.type },
          });
        }
        const user = await this.users.create({ email, passwordHash, role: 'ADMIN', organizationId: ars.id });
        await this.audit.append(SYSTEM, { action: 'user.bootstrap', entity: 'user', entityId: user.id, regionCode, after: toUserDto(user) });
      });
    } catch (error) {
      // Another instance starting at the same moment created it first.
      if ((error as { code?: string }).code === 'P2002') return { created: false, email };
      throw error;
    }
    return { created: true, email, generatedPassword };
  }
}

export function printBootstrapBanner(result: BootstrapResult, regionCode: string): void {
  if (!result.created) return;
  const lines = [`Bootstrap admin created: ${result.email} (ADMIN, ARS of region ${regionCode})`];
  if (result.generatedPassword) {
    lines.push(`Password (shown once, change it): ${result.generatedPassword}`);
  }
  process.stdout.write(`\n${'='.repeat(72)}\n${lines.join('\n')}\n${'='.repeat(72)}\n\n`);
}
