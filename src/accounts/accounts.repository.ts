import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/access/principal.js';
import { PrismaService } from '../database/prisma.service.js';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

@Injectable()
export class AccountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The principal of an active user, or null: one query on every authenticated request. */
  async findActivePrincipal(userId: string): Promise<Principal | null> {
    const user = await this.prisma.user.findFirst({
      where: { id: userId, active: true },
      select: { id: true, role: true, organization: true },
    });
    if (!user) return null;
    const org = user.organization;
    return {
      kind: 'USER',
      id: user.id,
      role: user.role,
      organizationId: org.id,
      organizationType: org.type,
      regionCode: org.regionCode,
      departmentCode: org.departmentCode,
      funders: org.funders,
    };
  }

  findUserByEmail(email: string) {
    return this.prisma.user.findUnique({ where: { email: email.toLowerCase() } });
  }

  async recordLogin(userId: string, refreshToken: string, expiresAt: Date): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.user.update({ where: { id: userId }, data: { lastLoginAt: new Date() } }),
      this.prisma.refreshToken.create({
        data: { userId, familyId: crypto.randomUUID(), tokenHash: hashToken(refreshToken), expiresAt },
      }),
    ]);
  }
}
