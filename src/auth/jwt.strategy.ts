import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import type { Principal } from '../common/access/principal.js';
import { unauthorized } from '../common/errors/problem.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

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

interface Claims {
  sub?: unknown;
  kind?: unknown;
  iat?: unknown;
  exp?: unknown;
  nbf?: unknown;
}

/** Tokens kept verified at most; past this, the oldest is forgotten (and verified again if it comes back). */
const VERIFIED_TOKENS = 10_000;
const BEARER = /(\S+)\s+(\S+)/;
const REQUIRED = 'A valid access token (Authorization: Bearer …) or API key (X-API-Key) is required.';

/**
 * The principal of a bearer access token. The token's signature, algorithm (HS256 only: `alg:
 * none` and every other are refused), issuer and audience are checked by jsonwebtoken (as
 * passport-jwt did) the first time the token is seen, and remembered by its text; its time
 * claims are checked on every use, and so is the account: reloaded on every request, so that a
 * deactivated account is refused at once.
 */
@Injectable()
export class AccessTokens {
  private readonly ttlSeconds: number;
  private readonly verified = new Map<string, Claims>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly jwt: JwtService,
    private readonly accounts: AccountsRepository,
  ) {
    this.ttlSeconds = config.jwt.accessTtlSeconds;
  }

  /** The caller of `Authorization: Bearer <token>`; 401 without one, with a bad one, or for an inactive account. */
  async principalOf(authorization: string | undefined): Promise<Principal> {
    const match = authorization === undefined ? null : BEARER.exec(authorization);
    if (!match || match[1].toLowerCase() !== 'bearer') throw unauthorized(REQUIRED);
    const claims = this.claimsOf(match[2]);
    if (timeClaimsRefusal(claims, this.ttlSeconds)) throw unauthorized(REQUIRED);
    // A subject that is not a user id (only a token signed with the secret can carry one) is
    // refused like any bad token, before the database would reject it as a 500.
    if (typeof claims.sub !== 'string' || !USER_ID.test(claims.sub) || claims.kind !== 'USER') throw unauthorized(REQUIRED);
    const principal = await this.accounts.findActivePrincipal(claims.sub);
    if (!principal) throw unauthorized(REQUIRED);
    return principal;
  }

  private claimsOf(token: string): Claims {
    const now = Math.floor(Date.now() / 1000);
    let claims = this.verified.get(token);
    if (claims === undefined) {
      try {
        claims = this.jwt.verify<Claims & object>(token);
      } catch (error) {
        throw unauthorized((error as Error).name === 'TokenExpiredError' ? 'The access token has expired.' : REQUIRED);
      }
      if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, claims);
    }
    // What jsonwebtoken checks against the clock, again at each use.
    if (claims.exp !== undefined && (typeof claims.exp !== 'number' || now >= claims.exp)) {
      this.verified.delete(token);
      throw unauthorized(typeof claims.exp === 'number' ? 'The access token has expired.' : REQUIRED);
    }
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now)) throw unauthorized(REQUIRED);
    return claims;
  }
}
