import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LoadOfficialDto, LoadResultDto, ZoningResultDto } from './dto/epci.dto.js';
import { OfficialService } from './official/official.service.js';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import { ADMIN_ONLY, STAFF_READERS } from '../common/access/roles.js';
import type { Principal } from '../common/access/principal.js';
import { expectedVersion } from '../common/http/conditional.js';
import { Created } from '../common/http/location.js';
import { InseeParam } from '../common/http/params.js';
import { CommunesService } from './communes.service.js';
import { CommuneDto, CommunePageDto, CommuneQuery, CreateCommuneDto, ImportResultDto, UpdateCommuneDto } from './dto/commune.dto.js';

@ApiTags('communes')
@ApiBearerAuth()
@Controller('communes')
export class CommunesController {
  constructor(
    private readonly communes: CommunesService,
    private readonly official: OfficialService,
  ) {}

  @Post()
  @Roles(...ADMIN_ONLY)
  @Created((c: CommuneDto) => `/communes/${c.inseeCode}`)
  @ApiCreatedResponse({ type: CommuneDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateCommuneDto): Promise<CommuneDto> {
    return this.communes.create(p, dto);
  }

  @Post('import')
  @Roles(...ADMIN_ONLY)
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({
    description: 'CSV with the header inseeCode,name,departmentCode,regionCode,population,zone,qpv,island,rural',
    schema: { type: 'string' },
  })
  @ApiOkResponse({ type: ImportResultDto })
  importCsv(@CurrentPrincipal() p: Principal, @Req() request: FastifyRequest): Promise<ImportResultDto> {
    return this.communes.importCsv(p, request.body);
  }

  @Post('zoning/import')
  @Roles(...ADMIN_ONLY)
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({ description: 'CSV with the header inseeCode,zone,qpv,island: all lines or none', schema: { type: 'string' } })
  @ApiOkResponse({ type: ZoningResultDto })
  importZoning(@CurrentPrincipal() p: Principal, @Req() request: FastifyRequest): Promise<ZoningResultDto> {
    return this.communes.importZoning(p, request.body);
  }

  @Post('load-official')
  @Roles(...ADMIN_ONLY)
  @HttpCode(200)
  @ApiOperation({ summary: "Upsert the region's current communes and their EPCI from the State's dataset (idempotent)" })
  @ApiOkResponse({ type: LoadResultDto })
  loadOfficial(@CurrentPrincipal() p: Principal, @Body() dto: LoadOfficialDto): Promise<LoadResultDto> {
    return this.official.load(p, dto.regionCode);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: CommunePageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: CommuneQuery) {
    return this.communes.list(p, query);
  }

  @Get(':inseeCode')
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: CommuneDto })
  get(@CurrentPrincipal() p: Principal, @Param('inseeCode', InseeParam) inseeCode: string): Promise<CommuneDto> {
    return this.communes.get(p, inseeCode);
  }

  @Patch(':inseeCode')
  @Roles(...ADMIN_ONLY)
  @ApiOkResponse({ type: CommuneDto })
  update(@CurrentPrincipal() p: Principal, @Param('inseeCode', InseeParam) inseeCode: string, @Body() dto: UpdateCommuneDto, @Req() request: FastifyRequest): Promise<CommuneDto> {
    return this.communes.update(p, inseeCode, dto, expectedVersion(request));
  }
}
