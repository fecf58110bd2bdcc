import { ACCOUNT_READERS, ADMIN_ONLY } from '../common/access/roles.js';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { expectedVersion } from '../common/http/conditional.js';
import { Created } from '../common/http/location.js';
import { ApiIfMatch, ApiProblems } from '../common/http/openapi.js';
import { PageQuery } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/params.js';
import { ApiKeysService } from './api-keys.service.js';
import {
  ApiKeyPageDto,
  CreateApiKeyDto,
  CreatedApiKeyDto,
  CreateOrganizationDto,
  CreateUserDto,
  OrganizationDto,
  OrganizationPageDto,
  UpdateOrganizationDto,
  UpdateUserDto,
  UserDto,
  UserPageDto,
  UserQuery,
} from './dto/accounts.dto.js';
import { OrganizationsService } from './organizations.service.js';
import { UsersService } from './users.service.js';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @Roles(...ADMIN_ONLY)
  @Created((o: OrganizationDto) => `/organizations/${o.id}`)
  @ApiOperation({ summary: 'Create an organisation', description: "The ARS or a partner of the caller's region, with its territory and the funders it grants." })
  @ApiCreatedResponse({ type: OrganizationDto, description: 'The organisation (Location: its URL)' })
  @ApiProblems([403, "The organisation's region is not the caller's."])
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateOrganizationDto): Promise<OrganizationDto> {
    return this.organizations.create(p, dto);
  }

  @Get()
  @Roles(...ACCOUNT_READERS)
  @ApiOperation({ summary: 'List organisations', description: "The organisations of the caller's region." })
  @ApiOkResponse({ type: OrganizationPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: PageQuery) {
    return this.organizations.list(p, query);
  }

  @Get(':id')
  @Roles(...ACCOUNT_READERS)
  @ApiOperation({ summary: 'Read an organisation', description: 'Its type, territory and funders.' })
  @ApiOkResponse({ type: OrganizationDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<OrganizationDto> {
    return this.organizations.get(p, id);
  }

  @Patch(':id')
  @Roles(...ADMIN_ONLY)
  @ApiOperation({ summary: 'Change an organisation', description: 'The fields given only.' })
  @ApiIfMatch()
  @ApiOkResponse({ type: OrganizationDto })
  @ApiProblems([409, 'The organisation was changed by another request meanwhile: read it again and retry.'])
  update(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdateOrganizationDto, @Req() request: FastifyRequest): Promise<OrganizationDto> {
    return this.organizations.update(p, id, dto, expectedVersion(request));
  }
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles(...ADMIN_ONLY)
  @Created((u: UserDto) => `/users/${u.id}`)
  @ApiOperation({ summary: 'Create a user', description: "A person's account in an organisation of the caller's region, with one role its type admits." })
  @ApiCreatedResponse({ type: UserDto, description: 'The user (Location: its URL)' })
  @ApiProblems([404, "No such organisation in the caller's region."], [409, 'An account with this e-mail exists already.'])
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateUserDto): Promise<UserDto> {
    return this.users.create(p, dto);
  }

  @Get()
  @Roles(...ACCOUNT_READERS)
  @ApiOperation({ summary: 'List users', description: "The accounts of the caller's region." })
  @ApiOkResponse({ type: UserPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: UserQuery) {
    return this.users.list(p, query);
  }

  @Get(':id')
  @Roles(...ACCOUNT_READERS)
  @ApiOperation({ summary: 'Read a user', description: 'Its role, organisation and state; never its password.' })
  @ApiOkResponse({ type: UserDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<UserDto> {
    return this.users.get(p, id);
  }

  @Patch(':id')
  @Roles(...ADMIN_ONLY)
  @ApiOperation({ summary: 'Change a user', description: 'Its role, display name, or whether it is active (a deactivated account is refused at its next request).' })
  @ApiIfMatch()
  @ApiOkResponse({ type: UserDto })
  @ApiProblems([409, 'The user was changed by another request meanwhile: read it again and retry.'])
  update(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdateUserDto, @Req() request: FastifyRequest): Promise<UserDto> {
    return this.users.update(p, id, dto, expectedVersion(request));
  }
}

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Roles(...ADMIN_ONLY)
  @Created((k: CreatedApiKeyDto) => `/api-keys/${k.id}`)
  @ApiOperation({ summary: 'Create an API key', description: 'A key for an integration or a nightly job, with a role in an organisation; the key is answered this once only.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The key, answered once (Location: its URL)' })
  @ApiProblems([404, "No such organisation in the caller's region."])
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.keys.create(p, dto);
  }

  @Get()
  @Roles(...ACCOUNT_READERS)
  @ApiOperation({ summary: 'List API keys', description: "The keys of the caller's region, without their secret." })
  @ApiOkResponse({ type: ApiKeyPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: PageQuery) {
    return this.keys.list(p, query);
  }

  @Delete(':id')
  @Roles(...ADMIN_ONLY)
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key', description: 'The key stops working at once.' })
  @ApiNoContentResponse({ description: 'Revoked: the key stops working at once' })
  revoke(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<void> {
    return this.keys.revoke(p, id);
  }
}
