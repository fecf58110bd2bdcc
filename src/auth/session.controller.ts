import { Body, Controller, Delete, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/access/decorators.js';
import { ApiProblem, unauthorized } from '../common/errors/problem.js';
import { ApiProblems } from '../common/http/openapi.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { type AuthenticatedUser, AuthService, REFRESH_TTL_MS } from './auth.service.js';
import { LoginDto, ConsoleSessionDto, type TokensDto } from './dto/login.dto.js';
import { LocalAuthGuard } from './local-auth.guard.js';
import { SameOriginGuard } from './same-origin.guard.js';

export const SESSION_COOKIE = 'msp_session';
const SESSION_PATH = '/api/v1/auth/session';

/**
 * The console's session (SECURITY.md, Console): the refresh token lives in an HttpOnly,
 * SameSite=Strict cookie scoped to these routes, out of reach of any script; the access token
 * is answered and kept in the page's memory only. A request from another origin is refused
 * (the Origin header, which browsers send with every POST and DELETE, must be this service's).
 */
@ApiTags('auth')
@Controller('auth/session')
export class SessionController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
  ) {}

  @Post()
  @Public()
  @UseGuards(SameOriginGuard, LocalAuthGuard)
  @HttpCode(200)
  @ApiOperation({
    summary: "Open a console session (the browser's sign-in)",
    description: 'As POST /auth/login, but the refresh token is set as an HttpOnly, SameSite=Strict cookie and never answered.',
  })
  @ApiOkResponse({
    type: ConsoleSessionDto,
    headers: { 'Set-Cookie': { description: `${SESSION_COOKIE}=…; HttpOnly; SameSite=Strict; Path=${SESSION_PATH}`, schema: { type: 'string' } } },
  })
  @ApiProblems([401, 'The e-mail or the password is wrong.'], [403, 'The request came from another origin.'], [429, 'Too many failed logins: Retry-After.'])
  async open(@Body() _body: LoginDto, @Req() request: FastifyRequest & { user: AuthenticatedUser }, @Res({ passthrough: true }) reply: FastifyReply): Promise<ConsoleSessionDto> {
    return this.keep(reply, request, await this.auth.issueTokens(request.user, request.ip));
  }

  @Post('refresh')
  @Public()
  @UseGuards(SameOriginGuard)
  @HttpCode(200)
  @ApiOperation({ summary: 'A new access token for the console session', description: "The session cookie's refresh token is rotated (each works once)." })
  @ApiOkResponse({ type: ConsoleSessionDto })
  @ApiProblems([401, 'No session, or it expired or was revoked.'], [403, 'The request came from another origin.'])
  async refresh(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ConsoleSessionDto> {
    const token = sessionCookieOf(request);
    if (!token) throw unauthorized('No console session: sign in.');
    try {
      return this.keep(reply, request, await this.auth.refresh(token));
    } catch (error) {
      // A session that is no more (401) loses its cookie; a database away for a moment (503) does not sign anyone out.
      if (error instanceof ApiProblem && error.status === 401) void reply.header('set-cookie', this.cookie(request, '', 0));
      throw error;
    }
  }

  @Delete()
  @Public()
  @UseGuards(SameOriginGuard)
  @HttpCode(204)
  @ApiOperation({ summary: 'Close the console session (sign-out)', description: 'Its refresh token and its successors are revoked; the cookie is cleared.' })
  @ApiNoContentResponse()
  @ApiProblems([403, 'The request came from another origin.'])
  async close(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const token = sessionCookieOf(request);
    if (token) await this.auth.logout(token);
    void reply.header('set-cookie', this.cookie(request, '', 0));
  }

  private keep(reply: FastifyReply, request: FastifyRequest, tokens: TokensDto): ConsoleSessionDto {
    void reply.header('set-cookie', this.cookie(request, tokens.refreshToken, REFRESH_TTL_MS / 1000));
    return { accessToken: tokens.accessToken, expiresIn: tokens.expiresIn };
  }

  private cookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
    const secure = request.protocol === 'https' || this.config.nodeEnv === 'production';
    return `${SESSION_COOKIE}=${value}; Path=${SESSION_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  }
}

/** The session cookie's value, or undefined. */
export function sessionCookieOf(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE && value.join('=')) return value.join('=');
  }
  return undefined;
}
