import { Body, Controller, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import { INSTRUCTING, STAFF_READERS } from '../common/access/roles.js';
import type { Principal } from '../common/access/principal.js';
import { expectedVersion } from '../common/http/conditional.js';
import { Created } from '../common/http/location.js';
import { ApiIfMatch, ApiProblems } from '../common/http/openapi.js';
import { UuidParam } from '../common/http/params.js';
import { CreatePromoterDto, PromoterDto, PromoterPageDto, PromoterQuery, UpdatePromoterDto } from './dto/promoter.dto.js';
import { PromotersService } from './promoters.service.js';

@ApiTags('promoters')
@ApiBearerAuth()
@Controller('promoters')
export class PromotersController {
  constructor(private readonly promoters: PromotersService) {}

  @Post()
  @Roles(...INSTRUCTING)
  @Created((p: PromoterDto) => `/promoters/${p.id}`)
  @ApiOperation({ summary: 'Create a promoter', description: "Who carries projects, seated in a commune of the caller's territory." })
  @ApiCreatedResponse({ type: PromoterDto, description: 'The promoter (Location: its URL)' })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreatePromoterDto): Promise<PromoterDto> {
    return this.promoters.create(p, dto);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'List promoters', description: "The promoters of the caller's territory, by legal type or name." })
  @ApiOkResponse({ type: PromoterPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: PromoterQuery) {
    return this.promoters.list(p, query);
  }

  @Get(':id')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'Read a promoter', description: 'Its legal type, SIREN and commune.' })
  @ApiOkResponse({ type: PromoterDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<PromoterDto> {
    return this.promoters.get(p, id);
  }

  @Patch(':id')
  @Roles(...INSTRUCTING)
  @ApiOperation({ summary: 'Change a promoter', description: 'The fields given only; a null SIREN clears it.' })
  @ApiIfMatch()
  @ApiOkResponse({ type: PromoterDto })
  @ApiProblems([409, 'The promoter was changed by another request meanwhile: read it again and retry.'])
  update(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdatePromoterDto, @Req() request: FastifyRequest): Promise<PromoterDto> {
    return this.promoters.update(p, id, dto, expectedVersion(request));
  }
}
