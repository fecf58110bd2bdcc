import { Injectable } from '@nestjs/common';
import type { Tx } from '../audit/audit.repository.js';
import { PrismaService } from '../database/prisma.service.js';
import { updateIfVersion } from '../database/versioned.js';
import type { Prisma, Role, User } from '../generated/prisma/client.js';

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(regionCode: string, filter: { organizationId?: string }, after: string | undefined, take: number): Promise<User[]> {
    return this.prisma.user.findMany({
      where: {
        organization: { regionCode },
        ...(filter.organizationId && { organizationId: filter.organizationId }),
        ...(after && { id: { gt: after } }),
      },
      orderBy: { id: 'asc' },
      take,
    });
  }

  find(regionCode: string, id: string, db: Tx | PrismaService = this.prisma) {
    return db.user.findFirst({ where: { id, organization: { regionCode } }, include: { organization: true } });
  }

  create(tx: Tx, data: Prisma.UserUncheckedCreateInput): Promise<User> {
    return tx.user.create({ data });
  }

  update(tx: Tx, id: string, version: number, data: { role?: Role; active?: boolean }): Promise<boolean> {
    return updateIfVersion(tx.user, { id }, version, data);
  }

  /** Every refresh token of the user stops working (deactivation). */
  async revokeRefreshTokens(tx: Tx, userId: string): Promise<void> {
    await tx.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
  }
}
