import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A caller's names: a user's e-mail and display name, or an API key's name; its organisation's. */
export interface CallerIdentity {
  email: string | null;
  displayName: string | null;
  name: string | null;
  organizationName: string;
  organizationType: Principal['organizationType'];
}

interface IdentityRow {
  email: string | null;
  display_name: string | null;
  name: string | null;
  organization_name: string;
  organization_type: Principal['organizationType'];
}

@Injectable()
export class AccountsRepository extends Repository {
  /**
   * The principal of an active user, or null: one query on every authenticated request, so it
   * goes to the pool directly as a prepared statement, without the ORM's per-query work.
   */
  async findActivePrincipal(userId: string): Promise<Principal | null> {
    const [row] = await this.sql<{
      id: string;
      role: Principal['role'];
      organization_id: string;
      type: Principal['organizationType'];
      region_code: string;
      department_code: string | null;
      funders: Principal['funders'];
    }>`SELECT u.id, u.role::text AS role, o.id AS organization_id, o.type::text AS type, o.region_code, o.department_code, o.funders::text[] AS funders
       FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.id = ${userId}::uuid AND u.active`;
    if (!row) return null;
    return {
      kind: 'USER',
      id: row.id,
      role: row.role,
      organizationId: row.organization_id,
      organizationType: row.type,
      regionCode: row.region_code,
      departmentCode: row.department_code,
      funders: row.funders,
    };
  }

  /**
   * What `GET /me` shows beyond the principal: the user's e-mail and display name, or the API
   * key's name, and the organisation's name and type. One statement, read by /me only: the
   * principal read on every request stays as it is.
   */
  async findIdentity(kind: Principal['kind'], id: string): Promise<CallerIdentity | null> {
    const [row] =
      kind === 'USER'
        ? await this.sql<IdentityRow>`SELECT u.email, u.display_name, NULL::text AS name, o.name AS organization_name, o.type::text AS organization_type
             FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.id = ${id}::uuid`
        : await this.sql<IdentityRow>`SELECT NULL::text AS email, NULL::text AS display_name, k.name, o.name AS organization_name, o.type::text AS organization_type
             FROM api_keys k JOIN organizations o ON o.id = k.organization_id WHERE k.id = ${id}::uuid`;
    if (!row) return null;
    return { email: row.email, displayName: row.display_name, name: row.name, organizationName: row.organization_name, organizationType: row.organization_type };
  }

  findUserByEmail(email: string) {
    return this.db.user.findUnique({ where: { email: email.toLowerCase() } });
  }

  /** The failures in the window, for this e-mail and for this client address. */
  async countLoginFailures(email: string, ip: string, since: Date): Promise<{ byEmail: number; byIp: number; oldest: Date | null }> {
    const [row] = await this.sql<{ by_email: bigint; by_ip: bigint; oldest: Date | null }>`
      SELECT count(*) FILTER (WHERE email = ${email}) AS by_email,
             count(*) FILTER (WHERE ip = ${ip}) AS by_ip,
             min(at) AS oldest
      FROM login_failures WHERE at > ${since} AND (email = ${email} OR ip = ${ip})`;
    return { byEmail: Number(row.by_email), byIp: Number(row.by_ip), oldest: row.oldest };
  }

  async recordLoginFailure(email: string, ip: string): Promise<void> {
    // Old rows are swept here rather than by a job: the table stays small.
    await this.txHost.transaction(async () => {
      await this.db.loginFailure.deleteMany({ where: { at: { lt: new Date(Date.now() - 24 * 3600_000) } } });
      await this.db.loginFailure.create({ data: { email, ip } });
    });
  }

  async clearLoginFailures(email: string): Promise<void> {
    await this.db.loginFailure.deleteMany({ where: { email } });
  }

  findRefreshToken(tokenHash: string) {
    return this.db.refreshToken.findUnique({ where: { tokenHash }, include: { user: { select: { active: true } } } });
  }

  async revokeFamily(familyId: string): Promise<number> {
    const { count } = await this.db.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });
    return count;
  }

  /** Uses the token once: false when another request used it first. Issues its successor. */
  async rotateRefreshToken(old: { id: string; userId: string; familyId: string }, next: string, expiresAt: Date): Promise<boolean> {
    return this.txHost.transaction(async () => {
      const successor = await this.db.refreshToken.create({
        data: { userId: old.userId, familyId: old.familyId, tokenHash: hashToken(next), expiresAt },
      });
      const { count } = await this.db.refreshToken.updateMany({
        where: { id: old.id, usedAt: null, revokedAt: null },
        data: { usedAt: new Date(), replacedById: successor.id },
      });
      if (count === 0) await this.db.refreshToken.delete({ where: { id: successor.id } });
      return count === 1;
    });
  }

  async recordLogin(userId: string, refreshToken: string, expiresAt: Date): Promise<void> {
    await this.txHost.transaction(async () => {
      await this.db.user.update({ where: { id: userId }, data: { lastLoginAt: new Date() } });
      await this.db.refreshToken.create({ data: { userId, familyId: crypto.randomUUID(), tokenHash: hashToken(refreshToken), expiresAt } });
    });
  }
}
