import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import type { Principal } from '../common/access/principal.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { jwtKey } from './jwt-key.js';

const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
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
  }

  /** Reloaded on every request, so a deactivated account is refused at once. */
  validate(payload: { sub?: unknown; kind?: unknown }): Promise<Principal | null> {
    // A subject that is not a user id (only a token signed with the secret can carry one) is
    // refused like any bad token, before the database would reject it as a 500.
    if (typeof payload.sub !== 'string' || !USER_ID.test(payload.sub) || payload.kind !== 'USER') return Promise.resolve(null);
    return this.accounts.findActivePrincipal(payload.sub);
  }
}
