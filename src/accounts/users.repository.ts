import { Injectable } from '@nestjs/common';
import { Repository } from '../database/repository.js';
import { updateIfVersion } from '../database/versioned.js';
import type { Prisma, Role, User } from '../generated/prisma/client.js';

@Injectable()
export class UsersRepository extends Repository {
  list(regionCode: string, filter: { organizationId?: string }, after: string | undefined, take: number): Promise<User[]> {
    return this.db.user.findMany({
      where: {
        organization: { regionCode },
        ...(filter.organizationId && { organizationId: filter.organizationId }),
        ...(after && { id: { gt: after } }),
      },
      orderBy: { id: 'asc' },
      take,
    });
  }

  find(regionCode: string, id: string) {
    return this.db.user.findFirst({ where: { id, organization: { regionCode } }, include: { organization: true } });
  }

  async emailTaken(email: string): Promise<boolean> {
    return (await this.db.user.findUnique({ where: { email }, select: { id: true } })) !== null;
  }

  create(data: Prisma.UserUncheckedCreateInput): Promise<User> {
    return this.db.user.create({ data });
  }

  update(id: string, version: number, data: { role?: Role; active?: boolean; displayName?: string | null }): Promise<boolean> {
    return updateIfVersion(this.db.user, { id }, version, data);
  }

  /** Every refresh token of the user stops working (deactivation). */
  async revokeRefreshTokens(userId: string): Promise<void> {
    await this.db.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
  }
}
