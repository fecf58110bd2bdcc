import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import type { Principal } from '../common/access/principal.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { jwtKey } from './jwt-key.js';

const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How far a token's `iat` may run ahead of this clock (another instance's clock drifting). */
export const CLOCK_SKEW_SECONDS = 30;

/**
 * The time claims jsonwebtoken leaves unchecked: it verifies `exp` only when present and never
 * looks at whether `iat` lies ahead. An access token must carry both as numbers, `iat` not
 * beyond now + the skew, and live no longer than the service's own tokens do. A token we did
 * not issue this way (signed without `exp` with a leaked or test secret) is refused.
 */
export function timeClaimsRefusal(payload: { iat?: unknown; exp?: unknown }, ttlSeconds: number, nowSeconds = Math.floor(Date.now() / 1000)): string | null {
  const { iat, exp } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'the token has no exp';
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return 'the token has no iat';
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS) return 'the token was issued in the future';
  if (exp - iat > ttlSeconds + CLOCK_SKEW_SECONDS) return 'the token lives longer than an access token may';
  return null;
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly ttlSeconds: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly accounts: AccountsRepository,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject (passport-jwt hands it to jsonwebtoken as it is; its types say string).
      secretOrKey: jwtKey(config.jwt.secret!) as unknown as string,
      // HS256 only: `alg: none` and every other algorithm are refused.
      algorithms: ['HS256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ignoreExpiration: false,
    });
    this.ttlSeconds = config.jwt.accessTtlSeconds;
  }

  /** Reloaded on every request, so a deactivated account is refused at once. */
  validate(payload: { sub?: unknown; kind?: unknown; iat?: unknown; exp?: unknown }): Promise<Principal | null> {
    if (timeClaimsRefusal(payload, this.ttlSeconds)) return Promise.resolve(null);
    // A subject that is not a user id (only a token signed with the secret can carry one) is
    // refused like any bad token, before the database would reject it as a 500.
    if (typeof payload.sub !== 'string' || !USER_ID.test(payload.sub) || payload.kind !== 'USER') return Promise.resolve(null);
    return this.accounts.findActivePrincipal(payload.sub);
  }
}
