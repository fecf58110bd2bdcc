import { Injectable } from '@nestjs/common';
import { Repository } from '../database/repository.js';
import type { ApiKey, Prisma } from '../generated/prisma/client.js';

@Injectable()
export class ApiKeysRepository extends Repository {
  list(regionCode: string, after: string | undefined, take: number): Promise<ApiKey[]> {
    return this.db.apiKey.findMany({
      where: { organization: { regionCode }, ...(after && { id: { gt: after } }) },
      orderBy: { id: 'asc' },
      take,
    });
  }

  find(regionCode: string, id: string): Promise<ApiKey | null> {
    return this.db.apiKey.findFirst({ where: { id, organization: { regionCode } } });
  }

  findByPrefix(prefix: string) {
    return this.db.apiKey.findUnique({ where: { prefix }, include: { organization: true } });
  }

  create(data: Prisma.ApiKeyUncheckedCreateInput): Promise<ApiKey> {
    return this.db.apiKey.create({ data });
  }

  async revoke(id: string): Promise<void> {
    await this.db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date(), version: { increment: 1 } } });
  }

  /** Marks the key used, at most once per `minIntervalMs`; true when this call marked it. */
  async touch(id: string, minIntervalMs: number): Promise<boolean> {
    const { count } = await this.db.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(Date.now() - minIntervalMs) } }] },
      data: { lastUsedAt: new Date() },
    });
    return count === 1;
  }
}
