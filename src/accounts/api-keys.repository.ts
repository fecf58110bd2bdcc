import { Injectable } from '@nestjs/common';
import type { Tx } from '../audit/audit.repository.js';
import { PrismaService } from '../database/prisma.service.js';
import type { ApiKey, Prisma } from '../generated/prisma/client.js';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(regionCode: string, after: string | undefined, take: number): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({
      where: { organization: { regionCode }, ...(after && { id: { gt: after } }) },
      orderBy: { id: 'asc' },
      take,
    });
  }

  find(regionCode: string, id: string, db: Tx | PrismaService = this.prisma): Promise<ApiKey | null> {
    return db.apiKey.findFirst({ where: { id, organization: { regionCode } } });
  }

  findByPrefix(prefix: string) {
    return this.prisma.apiKey.findUnique({ where: { prefix }, include: { organization: true } });
  }

  create(tx: Tx, data: Prisma.ApiKeyUncheckedCreateInput): Promise<ApiKey> {
    return tx.apiKey.create({ data });
  }

  async revoke(tx: Tx, id: string): Promise<void> {
    await tx.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date(), version: { increment: 1 } } });
  }

  /** Marks the key used, at most once per `minIntervalMs`; true when this call marked it. */
  async touch(id: string, minIntervalMs: number): Promise<boolean> {
    const { count } = await this.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(Date.now() - minIntervalMs) } }] },
      data: { lastUsedAt: new Date() },
    });
    return count === 1;
  }
}
