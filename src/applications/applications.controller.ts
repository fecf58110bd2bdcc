import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles, STAFF_READERS } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { expectedVersion } from '../common/http/conditional.js';
import { Created } from '../common/http/location.js';
import { PageQuery } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/params.js';
import type { Role } from '../generated/prisma/enums.js';
import { ApplicationsService } from './applications.service.js';
import {
  ApplicationDto,
  ApplicationPageDto,
  ApplicationQuery,
  CompleteDto,
  CreateApplicationDto,
  DecisionDto,
  DeliverablesDto,
  EventPageDto,
  ReasonDto,
  ReceiptDto,
  SiteMeetingDto,
  SubmitDto,
  UpdateApplicationDto,
} from './dto/application.dto.js';

export const WORKFLOW: Role[] = ['INSTRUCTOR', 'DIRECTOR'];
export const DIRECTOR: Role[] = ['DIRECTOR'];

@ApiTags('applications')
@ApiBearerAuth()
@ApiConflictResponse({ description: 'Not allowed in the current status: the problem gives currentStatus and allowedActions' })
@Controller('applications')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @Roles(...WORKFLOW)
  @Created((a: ApplicationDto) => `/applications/${a.id}`)
  @ApiOperation({ summary: "Record a promoter's candidature: a dossier in DRAFT, its eligibility from the commune's zoning" })
  @ApiCreatedResponse({ type: ApplicationDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateApplicationDto): Promise<ApplicationDto> {
    return this.applications.create(p, dto.projectId);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: ApplicationPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: ApplicationQuery) {
    return this.applications.list(p, query);
  }

  @Get(':id')
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: ApplicationDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<ApplicationDto> {
    return this.applications.get(p, id);
  }

  @Patch(':id')
  @Roles(...WORKFLOW)
  @ApiOperation({ summary: 'Assign the dossier to an instructor' })
  @ApiOkResponse({ type: ApplicationDto })
  assign(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdateApplicationDto, @Req() r: FastifyRequest) {
    return this.applications.assign(p, id, dto.assigneeId, expectedVersion(r));
  }

  @Get(':id/events')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'The history, oldest first' })
  @ApiOkResponse({ type: EventPageDto })
  events(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Query() query: PageQuery) {
    return this.applications.events(p, id, query);
  }

  @Post(':id/site-meeting')
  @Roles(...WORKFLOW)
  @HttpCode(200)
  @ApiOperation({ summary: 'DRAFT → SITE_MEETING_HELD' })
  @ApiOkResponse({ type: ApplicationDto })
  siteMeeting(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: SiteMeetingDto, @Req() r: FastifyRequest) {
    return this.applications.siteMeeting(p, id, dto, expectedVersion(r));
  }

  @Post(':id/submit')
  @Roles(...WORKFLOW)
  @HttpCode(200)
  @ApiOperation({ summary: 'The request for accompaniment and letter of intent: SITE_MEETING_HELD → SUBMITTED' })
  @ApiOkResponse({ type: ApplicationDto })
  submit(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: SubmitDto, @Req() r: FastifyRequest) {
    return this.applications.submit(p, id, dto ?? {}, expectedVersion(r));
  }

  @Post(':id/decision')
  @Roles(...DIRECTOR)
  @HttpCode(200)
  @ApiOperation({ summary: 'DG ARS decision: AWAITING_DECISION → STEP2_IN_PROGRESS (new centre), STEP3_IN_PROGRESS (existing) or REJECTED' })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiUnprocessableEntityResponse({ description: 'Ineligible dossier approved, or no CARPEC opinion' })
  decision(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: DecisionDto, @Req() r: FastifyRequest) {
    return this.applications.decide(p, id, dto, expectedVersion(r));
  }

  @Post(':id/deliverables')
  @Roles(...WORKFLOW)
  @HttpCode(200)
  @ApiOperation({ summary: 'Projet de santé + engagement de conformité received: STEP2_IN_PROGRESS → DELIVERABLES_RECEIVED' })
  @ApiOkResponse({ type: ApplicationDto })
  deliverables(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: DeliverablesDto, @Req() r: FastifyRequest) {
    return this.applications.deliverables(p, id, dto, expectedVersion(r));
  }

  @Post(':id/receipt')
  @Roles(...DIRECTOR)
  @HttpCode(200)
  @ApiOperation({ summary: 'Récépissé with FINESS EJ and ET: DELIVERABLES_RECEIVED → RECEIPT_ISSUED' })
  @ApiOkResponse({ type: ApplicationDto })
  receipt(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: ReceiptDto, @Req() r: FastifyRequest) {
    return this.applications.receipt(p, id, dto, expectedVersion(r));
  }

  @Post(':id/complete')
  @Roles(...WORKFLOW)
  @HttpCode(200)
  @ApiOperation({ summary: 'The coordination deliverable: STEP3_IN_PROGRESS → COMPLETED (needs the convention)' })
  @ApiOkResponse({ type: ApplicationDto })
  complete(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: CompleteDto, @Req() r: FastifyRequest) {
    return this.applications.complete(p, id, dto, expectedVersion(r));
  }

  @Post(':id/withdraw')
  @Roles(...WORKFLOW)
  @HttpCode(200)
  @ApiOperation({ summary: 'The promoter withdraws (any open status → WITHDRAWN)' })
  @ApiOkResponse({ type: ApplicationDto })
  withdraw(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: ReasonDto, @Req() r: FastifyRequest) {
    return this.applications.withdraw(p, id, dto, expectedVersion(r));
  }

  @Post(':id/close')
  @Roles(...WORKFLOW)
  @HttpCode(200)
  @ApiOperation({ summary: 'Closed without follow-up (any open status → CLOSED)' })
  @ApiOkResponse({ type: ApplicationDto })
  close(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: ReasonDto, @Req() r: FastifyRequest) {
    return this.applications.close(p, id, dto, expectedVersion(r));
  }
}
