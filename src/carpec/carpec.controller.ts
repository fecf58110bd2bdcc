import { INSTRUCTORS, STAFF_READERS } from '../common/access/roles.js';
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { Created } from '../common/http/location.js';
import { ApiProblems } from '../common/http/openapi.js';
import { PageQuery } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/params.js';
import { CarpecService } from './carpec.service.js';
import { AgendaItemDto, AgendaItemViewDto, CreateSessionDto, OpinionDto, OpinionViewDto, SessionDto, SessionPageDto } from './dto/carpec.dto.js';

@ApiTags('carpec')
@ApiBearerAuth()
@Controller('carpec-sessions')
export class CarpecController {
  constructor(private readonly carpec: CarpecService) {}

  @Post()
  @Roles(...INSTRUCTORS)
  @Created((s: SessionDto) => `/carpec-sessions/${s.id}`)
  @ApiOperation({ summary: 'Plan a CARPEC séance', description: "A séance of the caller's region, with its date (it may lie ahead) and title; its agenda starts empty." })
  @ApiCreatedResponse({ type: SessionDto, description: 'The séance (Location: its URL)' })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateSessionDto): Promise<SessionDto> {
    return this.carpec.create(p, dto);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'List CARPEC séances', description: "The séances of the caller's region, each with the agenda items of the caller's territory." })
  @ApiOkResponse({ type: SessionPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: PageQuery) {
    return this.carpec.list(p, query);
  }

  @Get(':id')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'Read a CARPEC séance', description: "With its agenda: the items of the caller's territory, and the opinion given on each." })
  @ApiOkResponse({ type: SessionDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<SessionDto> {
    return this.carpec.get(p, id);
  }

  @Post(':id/agenda')
  @Roles(...INSTRUCTORS)
  @Created((i: AgendaItemViewDto) => `/carpec-sessions/${i.sessionId}`)
  @ApiOperation({
    summary: 'Put a dossier on the agenda',
    description: 'For an OPINION: a SUBMITTED dossier goes to CARPEC_REVIEW; for INFORMATION: a RECEIPT_ISSUED dossier is listed, its projet de santé presented.',
  })
  @ApiCreatedResponse({ type: AgendaItemViewDto, description: 'The agenda item (Location: the séance)' })
  @ApiProblems(
    [404, "No such séance or dossier in the caller's territory."],
    [409, "The dossier is on this séance's agenda for that purpose already, or its status does not allow it (currentStatus, allowedActions)."],
    [422, 'The séance is dated before the request (rule dates-out-of-order).'],
  )
  agenda(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: AgendaItemDto) {
    return this.carpec.addToAgenda(p, id, dto);
  }

  @Post(':id/opinions')
  @Roles(...INSTRUCTORS)
  @Created((o: OpinionViewDto) => `/carpec-sessions/${o.sessionId}`)
  @ApiOperation({
    summary: "Record the CARPEC's opinion",
    description:
      'The avis on a dossier on the agenda for an opinion (CARPEC_REVIEW → AWAITING_DECISION), or NOTED for one on it for information (RECEIPT_ISSUED → STEP3_IN_PROGRESS).',
  })
  @ApiCreatedResponse({ type: OpinionViewDto, description: 'The opinion (Location: the séance)' })
  @ApiProblems(
    [404, "No such séance or dossier in the caller's territory."],
    [409, "The dossier's status does not allow it (currentStatus, allowedActions)."],
    [
      422,
      'The séance has not taken place yet (session-not-held), the dossier is not on its agenda for that purpose (not-on-agenda), or the séance is dated before the request (dates-out-of-order).',
    ],
  )
  opinion(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: OpinionDto) {
    return this.carpec.recordOpinion(p, id, dto);
  }
}
