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
import { ApiIfMatch, ApiProblems } from '../common/http/openapi.js';
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
  @ApiOperation({ summary: 'Create a commune by hand', description: "A commune of the caller's region that the State's dataset lacks, with its zoning." })
  @ApiCreatedResponse({ type: CommuneDto, description: 'The commune (Location: its URL)' })
  @ApiProblems(
    [403, "The commune's region is not the caller's, or the caller's scope is a département."],
    [409, 'A commune with this INSEE code exists already.'],
    [422, 'The département is not in the region (rule department-not-in-region).'],
  )
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
  @ApiOperation({ summary: 'Import communes from CSV', description: 'Creates or updates the communes of the file, all lines or none: a refused line is a 400 naming its line.' })
  @ApiOkResponse({ type: ImportResultDto })
  importCsv(@CurrentPrincipal() p: Principal, @Req() request: FastifyRequest): Promise<ImportResultDto> {
    return this.communes.importCsv(p, request.body);
  }

  @Post('zoning/import')
  @Roles(...ADMIN_ONLY)
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({ description: 'CSV with the header inseeCode,zone,qpv,island: all lines or none', schema: { type: 'string' } })
  @ApiOperation({
    summary: "Import the communes' zoning from CSV",
    description: 'Sets the zone, QPV and island flags of existing communes, all lines or none: a refused line is a 400 naming its line.',
  })
  @ApiOkResponse({ type: ZoningResultDto })
  importZoning(@CurrentPrincipal() p: Principal, @Req() request: FastifyRequest): Promise<ZoningResultDto> {
    return this.communes.importZoning(p, request.body);
  }

  @Post('load-official')
  @Roles(...ADMIN_ONLY)
  @HttpCode(200)
  @ApiOperation({
    summary: "Load the region's communes from the State's dataset",
    description: "Upserts the region's current communes and their EPCI from the official dataset (idempotent); communes that left it are kept, inactive.",
  })
  @ApiOkResponse({ type: LoadResultDto })
  @ApiProblems(
    [403, "The region is not the caller's, or the caller's scope is a département."],
    [503, 'The official dataset cannot be read, or the database is unreachable or busy.'],
  )
  loadOfficial(@CurrentPrincipal() p: Principal, @Body() dto: LoadOfficialDto): Promise<LoadResultDto> {
    return this.official.load(p, dto.regionCode);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'Search communes', description: "The communes of the caller's territory, by name (any case, accents, hyphens), postal code or département." })
  @ApiOkResponse({ type: CommunePageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: CommuneQuery) {
    return this.communes.list(p, query);
  }

  @Get(':inseeCode')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'Read a commune', description: 'With its zoning, postal codes, EPCI and DETR eligibility.' })
  @ApiOkResponse({ type: CommuneDto })
  get(@CurrentPrincipal() p: Principal, @Param('inseeCode', InseeParam) inseeCode: string): Promise<CommuneDto> {
    return this.communes.get(p, inseeCode);
  }

  @Patch(':inseeCode')
  @Roles(...ADMIN_ONLY)
  @ApiOperation({ summary: 'Change a commune', description: 'Its name, population or zoning; the fields given only.' })
  @ApiIfMatch()
  @ApiOkResponse({ type: CommuneDto })
  @ApiProblems([403, "The caller's scope is a département."], [409, 'The commune was changed by another request meanwhile: read it again and retry.'])
  update(@CurrentPrincipal() p: Principal, @Param('inseeCode', InseeParam) inseeCode: string, @Body() dto: UpdateCommuneDto, @Req() request: FastifyRequest): Promise<CommuneDto> {
    return this.communes.update(p, inseeCode, dto, expectedVersion(request));
  }
}
