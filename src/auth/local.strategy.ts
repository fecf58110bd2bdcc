import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { unauthorized } from '../common/errors/problem.js';
import { AuthService, type AuthenticatedUser } from './auth.service.js';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true });
  }

  async validate(request: FastifyRequest, email: string, password: string): Promise<AuthenticatedUser> {
    const user = await this.auth.checkCredentials(email, password, request.ip);
    // One answer for an unknown e-mail, a wrong password and a deactivated account.
    if (!user) throw unauthorized('The e-mail or the password is wrong.');
    return user;
  }
}
