import { type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { validateBody } from '../common/http/validation.js';
import { LoginDto } from './dto/login.dto.js';

/** passport-local, after the body is validated (passport alone would answer a vague 401). */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await validateBody(LoginDto, context.switchToHttp().getRequest<{ body: unknown }>().body);
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<T>(error: unknown, user: T): T {
    // As it came: the error filter tells a database outage (503) from the rest, and an error
    // from another realm (a test's VM) is not `instanceof Error`.
    if (error) throw error as Error;
    return user;
  }
}
