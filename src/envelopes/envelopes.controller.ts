import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import { ADMIN_ONLY, STAFF_READERS } from '../common/access/roles.js';
import type { Principal } from '../common/access/principal.js';
import { Created } from '../common/http/location.js';
import { ApiProblems } from '../common/http/openapi.js';
import { PageQuery } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/params.js';
import { AdjustmentDto, CreateEnvelopeDto, EnvelopeDto, EnvelopePageDto, MovementPageDto } from './dto/envelope.dto.js';
import { EnvelopesService } from './envelopes.service.js';

@ApiTags('envelopes')
@ApiBearerAuth()
@Controller('envelopes')
export class EnvelopesController {
  constructor(private readonly envelopes: EnvelopesService) {}

  @Post()
  @Roles(...ADMIN_ONLY)
  @Created((e: EnvelopeDto) => `/envelopes/${e.id}`)
  @ApiOperation({
    summary: "Open a funder's envelope",
    description: "Reserves a funder's programme amount for the region, or for a département of it for DETR and DEPARTEMENT: one open envelope per funder, region and département.",
  })
  @ApiCreatedResponse({ type: EnvelopeDto, description: 'The envelope (Location: its URL)' })
  @ApiProblems([403, "The region is not the caller's, or the caller's scope is a département."], [409, 'An open envelope of this funder, region and département exists already.'])
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateEnvelopeDto): Promise<EnvelopeDto> {
    return this.envelopes.create(p, dto);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'List envelopes', description: "The envelopes of the caller's territory, with what is committed and what remains." })
  @ApiOkResponse({ type: EnvelopePageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: PageQuery) {
    return this.envelopes.list(p, q);
  }

  @Get(':id')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'Read an envelope', description: 'Its amount, what the movements committed and what remains.' })
  @ApiOkResponse({ type: EnvelopeDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<EnvelopeDto> {
    return this.envelopes.get(p, id);
  }

  @Get(':id/movements')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: "List an envelope's movements", description: 'Commitments of plans, releases and adjustments, oldest first.' })
  @ApiOkResponse({ type: MovementPageDto })
  movements(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Query() q: PageQuery) {
    return this.envelopes.movements(p, id, q);
  }

  @Post(':id/adjustments')
  @Roles(...ADMIN_ONLY)
  @HttpCode(200)
  @ApiOperation({ summary: 'Adjust an envelope', description: 'An ADJUSTMENT movement: a correction of what is consumed, within the envelope’s amount.' })
  @ApiOkResponse({ type: EnvelopeDto })
  @ApiProblems([403, "The caller's scope is a département."], [409, 'The envelope is closed, or the adjustment would take it out of its bounds (remainingCents).'])
  adjust(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: AdjustmentDto): Promise<EnvelopeDto> {
    return this.envelopes.adjust(p, id, dto);
  }

  @Post(':id/close')
  @Roles(...ADMIN_ONLY)
  @HttpCode(200)
  @ApiOperation({ summary: 'Close an envelope', description: 'It takes no more commitments; what it committed stays.' })
  @ApiOkResponse({ type: EnvelopeDto })
  @ApiProblems([403, "The caller's scope is a département."], [409, 'The envelope is closed already.'])
  close(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<EnvelopeDto> {
    return this.envelopes.close(p, id);
  }
}
