import { Body, Controller, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import { INSTRUCTING, STAFF_READERS } from '../common/access/roles.js';
import type { Principal } from '../common/access/principal.js';
import { expectedVersion } from '../common/http/conditional.js';
import { Created } from '../common/http/location.js';
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
  @ApiCreatedResponse({ type: PromoterDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreatePromoterDto): Promise<PromoterDto> {
    return this.promoters.create(p, dto);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: PromoterPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: PromoterQuery) {
    return this.promoters.list(p, query);
  }

  @Get(':id')
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: PromoterDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<PromoterDto> {
    return this.promoters.get(p, id);
  }

  @Patch(':id')
  @Roles(...INSTRUCTING)
  @ApiOkResponse({ type: PromoterDto })
  update(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdatePromoterDto, @Req() request: FastifyRequest): Promise<PromoterDto> {
    return this.promoters.update(p, id, dto, expectedVersion(request));
  }
}
