import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository.js';
import { AuditedWrites } from '../audit/audited-writes.js';
import type { Principal } from '../common/access/principal.js';
import { invalid, notFound } from '../common/errors/problem.js';
import { type Page, type PageQuery, pageOf } from '../common/http/pagination.js';
import type { ApiKey } from '../generated/prisma/client.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import type { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/accounts.dto.js';
import { roleFits } from './organization-rules.js';
import { OrganizationsRepository } from './organizations.repository.js';

// `msp_<prefix>_<secret>`: the prefix finds the row; the secret (256 random bits) is checked
// against its SHA-256, which is all that is stored. A slow hash is for guessable secrets.
const KEY_FORMAT = /^msp_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const digest = (secret: string) => createHash('sha256').update(secret).digest();
const TOUCH_INTERVAL_MS = 60_000;

export const toApiKeyDto = (k: ApiKey): ApiKeyDto => ({
  id: k.id,
  name: k.name,
  role: k.role,
  organizationId: k.organizationId,
  prefix: `msp_${k.prefix}`,
  expiresAt: k.expiresAt?.toISOString() ?? null,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  createdAt: k.createdAt.toISOString(),
});

@Injectable()
export class ApiKeysService {
  private readonly security = new Logger('Security');

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly audit: AuditRepository,
    private readonly writes: AuditedWrites,
  ) {}

  async list(principal: Principal, query: PageQuery): Promise<Page<ApiKeyDto>> {
    return pageOf(query, (after, take) => this.keys.list(principal.regionCode, after, take), toApiKeyDto);
  }

  async create(principal: Principal, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const organization = await this.organizations.find(principal.regionCode, dto.organizationId);
    if (!organization) throw notFound(`Organisation ${dto.organizationId}`);
    if (!roleFits(organization.type, dto.role)) {
      throw invalid([{ field: 'role', message: `a ${organization.type} organisation cannot hold the role ${dto.role}` }]);
    }
    if (dto.expiresAt && dto.expiresAt.getTime() <= Date.now()) {
      throw invalid([{ field: 'expiresAt', message: 'must be in the future' }]);
    }
    const prefix = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const created = await this.writes.create(principal, {
      entity: 'api_key',
      action: 'api_key.create',
      write: () =>
        this.keys.create({
          name: dto.name,
          prefix,
          keyHash: digest(secret).toString('hex'),
          role: dto.role,
          organizationId: organization.id,
          createdById: principal.id,
          expiresAt: dto.expiresAt ?? null,
        }),
      view: toApiKeyDto,
      regionCode: () => organization.regionCode,
    });
    this.security.log({ event: 'api_key.create', keyId: created.id, role: created.role, by: principal.id }, 'API key created');
    return { ...created, key: `msp_${prefix}_${secret}` };
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    await this.writes.change(principal, {
      what: `API key ${id}`,
      entity: 'api_key',
      action: 'api_key.revoke',
      entityId: id,
      expectedVersion: undefined,
      find: () => this.keys.find(principal.regionCode, id),
      // Revoking a revoked key changes nothing and is not an error.
      write: async () => (await this.keys.revoke(id), true),
      view: toApiKeyDto,
      regionCode: () => principal.regionCode,
    });
    this.security.log({ event: 'api_key.revoke', keyId: id, by: principal.id }, 'API key revoked');
  }

  /** The principal of a valid key (not revoked, not expired), or null. */
  async authenticate(key: string): Promise<Principal | null> {
    const match = KEY_FORMAT.exec(key);
    if (!match) return null;
    const row = await this.keys.findByPrefix(match[1]);
    const valid =
      row !== null &&
      timingSafeEqual(Buffer.from(row.keyHash, 'hex'), digest(match[2])) &&
      row.revokedAt === null &&
      (row.expiresAt === null || row.expiresAt.getTime() > Date.now());
    if (!valid) {
      this.security.warn({ event: 'api_key.refused', keyPrefix: match[1] }, 'API key refused');
      return null;
    }
    const principal: Principal = {
      kind: 'API_KEY',
      id: row.id,
      role: row.role,
      organizationId: row.organizationId,
      organizationType: row.organization.type,
      regionCode: row.organization.regionCode,
      departmentCode: row.organization.departmentCode,
      funders: row.organization.funders,
    };
    // Use is recorded at most once a minute per key: enough to see it alive, not a write per request.
    if (await this.keys.touch(row.id, TOUCH_INTERVAL_MS)) {
      this.security.log({ event: 'api_key.use', keyId: row.id }, 'API key used');
      await this.audit.append({ id: row.id, kind: 'API_KEY' }, { action: 'api_key.use', entity: 'api_key', entityId: row.id, regionCode: row.organization.regionCode });
    }
    return principal;
  }
}
