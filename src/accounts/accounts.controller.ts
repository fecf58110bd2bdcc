import { ACCOUNT_READERS, ADMIN_ONLY } from '../common/access/roles.js';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { expectedVersion } from '../common/http/conditional.js';
import { Created } from '../common/http/location.js';
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
  @ApiCreatedResponse({ type: OrganizationDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateOrganizationDto): Promise<OrganizationDto> {
    return this.organizations.create(p, dto);
  }

  @Get()
  @Roles(...ACCOUNT_READERS)
  @ApiOkResponse({ type: OrganizationPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: PageQuery) {
    return this.organizations.list(p, query);
  }

  @Get(':id')
  @Roles(...ACCOUNT_READERS)
  @ApiOkResponse({ type: OrganizationDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<OrganizationDto> {
    return this.organizations.get(p, id);
  }

  @Patch(':id')
  @Roles(...ADMIN_ONLY)
  @ApiOkResponse({ type: OrganizationDto })
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
  @ApiCreatedResponse({ type: UserDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateUserDto): Promise<UserDto> {
    return this.users.create(p, dto);
  }

  @Get()
  @Roles(...ACCOUNT_READERS)
  @ApiOkResponse({ type: UserPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: UserQuery) {
    return this.users.list(p, query);
  }

  @Get(':id')
  @Roles(...ACCOUNT_READERS)
  @ApiOkResponse({ type: UserDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<UserDto> {
    return this.users.get(p, id);
  }

  @Patch(':id')
  @Roles(...ADMIN_ONLY)
  @ApiOkResponse({ type: UserDto })
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
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.keys.create(p, dto);
  }

  @Get()
  @Roles(...ACCOUNT_READERS)
  @ApiOkResponse({ type: ApiKeyPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: PageQuery) {
    return this.keys.list(p, query);
  }

  @Delete(':id')
  @Roles(...ADMIN_ONLY)
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked: the key stops working at once' })
  revoke(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<void> {
    return this.keys.revoke(p, id);
  }
}
