import { INSTRUCTORS, STAFF_READERS } from '../common/access/roles.js';
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { Created } from '../common/http/location.js';
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
  @ApiCreatedResponse({ type: SessionDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateSessionDto): Promise<SessionDto> {
    return this.carpec.create(p, dto);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: SessionPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: PageQuery) {
    return this.carpec.list(p, query);
  }

  @Get(':id')
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: SessionDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<SessionDto> {
    return this.carpec.get(p, id);
  }

  @Post(':id/agenda')
  @Roles(...INSTRUCTORS)
  @Created((i: AgendaItemViewDto) => `/carpec-sessions/${i.sessionId}`)
  @ApiOperation({ summary: 'Put a dossier on the agenda: OPINION (SUBMITTED → CARPEC_REVIEW) or INFORMATION (a RECEIPT_ISSUED one)' })
  @ApiCreatedResponse({ type: AgendaItemViewDto })
  agenda(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: AgendaItemDto) {
    return this.carpec.addToAgenda(p, id, dto);
  }

  @Post(':id/opinions')
  @Roles(...INSTRUCTORS)
  @Created((o: OpinionViewDto) => `/carpec-sessions/${o.sessionId}`)
  @ApiOperation({ summary: 'Record the avis (CARPEC_REVIEW → AWAITING_DECISION) or NOTED for information (RECEIPT_ISSUED → STEP3_IN_PROGRESS)' })
  @ApiCreatedResponse({ type: OpinionViewDto })
  opinion(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: OpinionDto) {
    return this.carpec.recordOpinion(p, id, dto);
  }
}
