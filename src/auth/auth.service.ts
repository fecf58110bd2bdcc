import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AccountsRepository, hashToken } from '../accounts/accounts.repository.js';
import { verifyPassword } from '../accounts/passwords.js';
import { AuditRepository } from '../audit/audit.repository.js';
import type { Principal } from '../common/access/principal.js';
import { ApiProblem, unauthorized } from '../common/errors/problem.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { MeDto, TokensDto } from './dto/login.dto.js';

export const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;
const FAILURE_WINDOW_MS = 15 * 60 * 1000;

export interface AuthenticatedUser {
  id: string;
  regionCode: string;
}

@Injectable()
export class AuthService {
  private readonly security = new Logger('Security');

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly jwt: JwtService,
    private readonly audit: AuditRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The user whose e-mail and password match and who is active; null otherwise. Refused with
   * 429 once the account or the client address has failed LOGIN_MAX_FAILURES times in 15 minutes.
   */
  async checkCredentials(rawEmail: string, password: string, ip: string): Promise<AuthenticatedUser | null> {
    const email = rawEmail.toLowerCase();
    const max = this.config.loginMaxFailures;
    const failures = await this.accounts.countLoginFailures(email, ip, new Date(Date.now() - FAILURE_WINDOW_MS));
    if (failures.byEmail >= max || failures.byIp >= max) {
      const retryAfter = Math.max(1, Math.ceil(((failures.oldest?.getTime() ?? Date.now()) + FAILURE_WINDOW_MS - Date.now()) / 1000));
      this.security.warn({ event: 'login.locked', ip, byEmail: failures.byEmail, byIp: failures.byIp }, 'login refused: too many failures');
      throw new ApiProblem(429, `Too many failed logins; try again in ${retryAfter} s.`, 'too-many-logins', {}, { 'Retry-After': String(retryAfter) });
    }
    const user = await this.accounts.findUserByEmail(email);
    const ok = await verifyPassword(user?.passwordHash, password);
    if (!user || !ok || !user.active) {
      await this.accounts.recordLoginFailure(email, ip);
      this.security.warn({ event: 'login.failure', userId: user?.id ?? null, ip }, 'login failed');
      const region = user ? ((await this.accounts.findActivePrincipal(user.id))?.regionCode ?? null) : null;
      const locked = failures.byEmail + 1 >= max;
      await this.audit.append(
        { id: user?.id ?? null, kind: user ? 'USER' : 'SYSTEM' },
        { action: locked ? 'login.lockout' : 'login.failure', entity: 'user', entityId: user?.id ?? email, regionCode: region, after: { ip } },
      );
      if (locked) this.security.warn({ event: 'login.lockout', userId: user?.id ?? null, ip }, 'account locked for 15 minutes');
      return null;
    }
    await this.accounts.clearLoginFailures(email);
    const principal = await this.accounts.findActivePrincipal(user.id);
    return { id: user.id, regionCode: principal!.regionCode };
  }

  async issueTokens(user: AuthenticatedUser, ip: string): Promise<TokensDto> {
    const accessToken = await this.signAccess(user.id);
    const refreshToken = randomBytes(32).toString('base64url');
    await this.accounts.recordLogin(user.id, refreshToken, new Date(Date.now() + REFRESH_TTL_MS));
    this.security.log({ event: 'login.success', userId: user.id, ip }, 'login succeeded');
    await this.audit.append({ id: user.id, kind: 'USER' }, { action: 'login.success', entity: 'user', entityId: user.id, regionCode: user.regionCode, after: { ip } });
    return { accessToken, refreshToken, expiresIn: this.config.jwt.accessTtlSeconds };
  }

  /** Rotates: the token is used once; a second use revokes its whole family. */
  async refresh(refreshToken: string): Promise<TokensDto> {
    const stored = await this.accounts.findRefreshToken(hashToken(refreshToken));
    if (!stored || stored.expiresAt.getTime() <= Date.now() || !stored.user.active) {
      throw unauthorized('The refresh token is unknown, expired or its account is inactive.');
    }
    const next = randomBytes(32).toString('base64url');
    const rotated = stored.usedAt === null && stored.revokedAt === null && (await this.accounts.rotateRefreshToken(stored, next, new Date(Date.now() + REFRESH_TTL_MS)));
    if (!rotated) {
      const revoked = await this.accounts.revokeFamily(stored.familyId);
      this.security.warn({ event: 'refresh.reuse', userId: stored.userId, familyId: stored.familyId, revoked }, 'refresh token reused: family revoked');
      const region = (await this.accounts.findActivePrincipal(stored.userId))?.regionCode ?? null;
      await this.audit.append(
        { id: stored.userId, kind: 'USER' },
        { action: 'refresh.reuse', entity: 'user', entityId: stored.userId, regionCode: region, after: { familyId: stored.familyId, revoked } },
      );
      throw unauthorized('This refresh token was already used: every token of its session is now revoked. Log in again.');
    }
    return { accessToken: await this.signAccess(stored.userId), refreshToken: next, expiresIn: this.config.jwt.accessTtlSeconds };
  }

  /** Revokes the token's session (the token and its successors). Unknown tokens change nothing. */
  async logout(refreshToken: string): Promise<void> {
    const stored = await this.accounts.findRefreshToken(hashToken(refreshToken));
    if (!stored) return;
    await this.accounts.revokeFamily(stored.familyId);
    this.security.log({ event: 'logout', userId: stored.userId }, 'logged out');
  }

  /** The caller as `GET /me` describes it: its principal, and its names read here (only /me pays for them). */
  async me(p: Principal): Promise<MeDto> {
    const identity = await this.accounts.findIdentity(p.kind, p.id);
    // The guard has just found it: gone only if removed in between.
    if (!identity) throw unauthorized();
    return {
      kind: p.kind,
      id: p.id,
      role: p.role,
      organizationId: p.organizationId,
      regionCode: p.regionCode,
      departmentCode: p.departmentCode,
      funders: p.funders,
      ...identity,
    };
  }

  private signAccess(userId: string): Promise<string> {
    return this.jwt.signAsync({ sub: userId, kind: 'USER' });
  }
}
