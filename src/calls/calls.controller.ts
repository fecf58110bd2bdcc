import { Body, Controller, Get, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { INSTRUCTING, STAFF_READERS } from '../common/access/roles.js';
import { expectedVersion } from '../common/http/conditional.js';
import { Created } from '../common/http/location.js';
import { ApiIfMatch, ApiProblems } from '../common/http/openapi.js';
import { UuidParam } from '../common/http/params.js';
import { CallsService } from './calls.service.js';
import { CallDto, CallPageDto, CallQuery, CreateCallDto, DsTokenDto, MappingDto, UpdateCallDto } from './dto/call.dto.js';

const HIDDEN = [404, "No such call in the caller's region."] as const;
const REGION_WIDE = [
  403,
  "A call belongs to the region as a whole: a département's caller may not write it (rule region-wide-write), nor a caller of another region create one.",
] as const;

@ApiTags('calls')
@ApiBearerAuth()
@Controller('calls')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @Post()
  @Roles(...INSTRUCTING)
  @Created((c: CallDto) => `/calls/${c.id}`)
  @ApiOperation({
    summary: 'Open a call for applications',
    description:
      "An appel à candidatures of the caller's region (optionally some of its départements): the étape it opens (STEP1 requests, or AUDIT), its dates, and the démarche that collects it on Démarches Simplifiées.",
  })
  @ApiCreatedResponse({ type: CallDto, description: 'The call (Location: its URL)' })
  @ApiProblems(REGION_WIDE)
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateCallDto): Promise<CallDto> {
    return this.calls.create(p, dto);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'List the calls for applications of the region', description: '`openOn`: the calls open that day; `procedure`: STEP1 or AUDIT.' })
  @ApiOkResponse({ type: CallPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: CallQuery): Promise<CallPageDto> {
    return this.calls.list(p, query);
  }

  @Get(':id')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'Read a call for applications' })
  @ApiOkResponse({ type: CallDto })
  @ApiProblems(HIDDEN)
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<CallDto> {
    return this.calls.get(p, id);
  }

  @Patch(':id')
  @Roles(...INSTRUCTING)
  @ApiOperation({ summary: 'Change a call for applications', description: 'Its title, départements, dates or démarche (another démarche, or none, forgets the token).' })
  @ApiIfMatch()
  @ApiOkResponse({ type: CallDto })
  @ApiProblems(HIDDEN, REGION_WIDE, [409, 'The call was changed by another request meanwhile.'])
  update(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdateCallDto, @Req() request: FastifyRequest): Promise<CallDto> {
    return this.calls.update(p, id, dto, expectedVersion(request));
  }

  @Put(':id/ds-token')
  @Roles(...INSTRUCTING)
  @ApiOperation({
    summary: "Set the démarche's API token",
    description:
      "The token of the Démarches Simplifiées API (v2) for the call's démarche: stored encrypted (AES-256-GCM), never answered (`ds.hasToken` says it is set), not in the audit trail.",
  })
  @ApiOkResponse({ type: CallDto })
  @ApiProblems(HIDDEN, REGION_WIDE)
  setDsToken(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: DsTokenDto): Promise<CallDto> {
    return this.calls.setDsToken(p, id, dto.token);
  }

  @Put(':id/mapping')
  @Roles(...INSTRUCTING)
  @ApiOperation({
    summary: 'Say which champ of the démarche feeds which field',
    description:
      "Data, not code: each champ of the démarche (by its stable id) and what it feeds — promoter.name, promoter.siren, project.name, project.commune, project.doctorsPlanned, project.professionalsPlanned, project.populationServed, siteMeeting.heldOn, an expense (euros to cents, with its category) or a pièce (with its kind). Checked against the démarche's active revision, read from Démarches Simplifiées with the call's token: unknown champs, champs of the wrong type, required fields unfed → 422 naming each.",
  })
  @ApiOkResponse({ type: CallDto })
  @ApiProblems(
    HIDDEN,
    REGION_WIDE,
    [409, 'The call has no démarche or no token (rule ds-not-configured).'],
    [422, 'The mapping does not fit the démarche (rule mapping-invalid, with errors), or Démarches Simplifiées refused the token or the démarche (rule ds-refused).'],
    [503, 'Démarches Simplifiées did not answer (ds-unavailable): try again later.'],
  )
  setMapping(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: MappingDto): Promise<CallDto> {
    return this.calls.setMapping(p, id, dto);
  }
}
