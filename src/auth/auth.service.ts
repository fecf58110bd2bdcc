import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { verifyPassword } from '../accounts/passwords.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { TokensDto } from './dto/login.dto.js';

const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;

export interface AuthenticatedUser {
  id: string;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger('Security');

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The user whose e-mail and password match and who is active; null otherwise. */
  async checkCredentials(email: string, password: string): Promise<AuthenticatedUser | null> {
    const user = await this.accounts.findUserByEmail(email);
    const ok = await verifyPassword(user?.passwordHash, password);
    if (!user || !ok || !user.active) {
      this.logger.warn({ event: 'login.failure', userId: user?.id ?? null }, 'login failed');
      return null;
    }
    return { id: user.id };
  }

  async issueTokens(user: AuthenticatedUser): Promise<TokensDto> {
    const accessToken = await this.jwt.signAsync({ sub: user.id, kind: 'USER' });
    const refreshToken = randomBytes(32).toString('base64url');
    await this.accounts.recordLogin(user.id, refreshToken, new Date(Date.now() + REFRESH_TTL_MS));
    this.logger.log({ event: 'login.success', userId: user.id }, 'login succeeded');
    return { accessToken, refreshToken, expiresIn: this.config.jwt.accessTtlSeconds };
  }
}
