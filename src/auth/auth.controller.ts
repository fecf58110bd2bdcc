import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RefreshDto } from '../accounts/dto/accounts.dto.js';
import { CurrentPrincipal, Public, Roles } from '../common/access/decorators.js';
import { EVERY_ROLE } from '../common/access/roles.js';
import { ApiProblems } from '../common/http/openapi.js';
import type { Principal } from '../common/access/principal.js';
import { type AuthenticatedUser, AuthService } from './auth.service.js';
import { LoginDto, MeDto, TokensDto } from './dto/login.dto.js';
import { LocalAuthGuard } from './local-auth.guard.js';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/login')
  @Public()
  @UseGuards(LocalAuthGuard)
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange an e-mail and a password for an access and a refresh token' })
  @ApiOkResponse({ type: TokensDto })
  @ApiProblems([401, 'The e-mail or the password is wrong.'], [429, 'Too many failed logins for this account or this address: Retry-After.'])
  login(@Body() _body: LoginDto, @Req() request: FastifyRequest & { user: AuthenticatedUser }): Promise<TokensDto> {
    return this.auth.issueTokens(request.user, request.ip);
  }

  @Post('auth/refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for new tokens (rotation: each refresh token works once)' })
  @ApiOkResponse({ type: TokensDto })
  @ApiProblems([401, 'The refresh token is unknown or expired, its account inactive, or it was used already (every token of its session is then revoked).'])
  refresh(@Body() body: RefreshDto): Promise<TokensDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('auth/logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a refresh token and its successors' })
  @ApiNoContentResponse()
  logout(@Body() body: RefreshDto): Promise<void> {
    return this.auth.logout(body.refreshToken);
  }

  @Get('me')
  @Roles(...EVERY_ROLE)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller: user (e-mail, display name) or API key (name), its role, organisation (name, type) and territory' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentPrincipal() p: Principal): Promise<MeDto> {
    return this.auth.me(p);
  }
}
