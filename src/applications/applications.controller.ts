import { DIRECTOR_ONLY, INSTRUCTORS, STAFF_READERS } from '../common/access/roles.js';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '../common/errors/problem.js';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { expectedVersion } from '../common/http/conditional.js';
import { Created } from '../common/http/location.js';
import { PageQuery } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/params.js';
import { ApplicationsService } from './applications.service.js';
import {
  ApplicationDto,
  ApplicationPageDto,
  ApplicationQuery,
  ATTESTATION_CODE,
  AttestationDto,
  AttestationViewDto,
  AuditPlanDto,
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

@ApiTags('applications')
@ApiBearerAuth()
@ApiConflictResponse({ description: 'Not allowed in the current status: the problem gives currentStatus and allowedActions' })
@Controller('applications')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @Roles(...INSTRUCTORS)
  @Created((a: ApplicationDto) => `/applications/${a.id}`)
  @ApiOperation({
    summary:
      "Record a promoter's candidature (or an existing centre's request for an audit): a dossier in DRAFT, its eligibility from the commune's zoning and the antenne's conditions",
  })
  @ApiCreatedResponse({ type: ApplicationDto })
  @ApiUnprocessableEntityResponse({ description: 'An audit for a centre that is not an existing one (rule audit-existing-centre)' })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateApplicationDto): Promise<ApplicationDto> {
    return this.applications.create(p, dto.projectId, dto.procedure);
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
  @Roles(...INSTRUCTORS)
  @ApiOperation({ summary: 'Assign the dossier to an instructor; record whether the ARS asked for a letter of intent' })
  @ApiOkResponse({ type: ApplicationDto })
  update(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdateApplicationDto, @Req() r: FastifyRequest) {
    return this.applications.update(p, id, dto, expectedVersion(r));
  }

  @Get(':id/events')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'The history, oldest first' })
  @ApiOkResponse({ type: EventPageDto })
  events(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Query() query: PageQuery) {
    return this.applications.events(p, id, query);
  }

  @Post(':id/site-meeting')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({ summary: 'DRAFT → SITE_MEETING_HELD' })
  @ApiOkResponse({ type: ApplicationDto })
  siteMeeting(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: SiteMeetingDto, @Req() r: FastifyRequest) {
    return this.applications.siteMeeting(p, id, dto, expectedVersion(r));
  }

  @Post(':id/submit')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({ summary: 'The request for accompaniment (and letter of intent): SITE_MEETING_HELD → SUBMITTED; an audit, which has no site meeting: DRAFT → SUBMITTED' })
  @ApiUnprocessableEntityResponse({ description: 'Received before the site meeting (rule dates-out-of-order)' })
  @ApiOkResponse({ type: ApplicationDto })
  submit(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: SubmitDto, @Req() r: FastifyRequest) {
    return this.applications.submit(p, id, dto ?? {}, expectedVersion(r));
  }

  @Post(':id/decision')
  @Roles(...DIRECTOR_ONLY)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'DG ARS decision: AWAITING_DECISION → STEP2_IN_PROGRESS (new centre, or an existing one becoming polyvalent), STEP3_IN_PROGRESS (existing), AUDIT_IN_PROGRESS (an audit) or REJECTED',
  })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiUnprocessableEntityResponse({
    description: 'Ineligible dossier approved (ineligible-territory, antenne-conditions), no CARPEC opinion, or dated before its séance (dates-out-of-order)',
  })
  decision(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: DecisionDto, @Req() r: FastifyRequest) {
    return this.applications.decide(p, id, dto, expectedVersion(r));
  }

  @Post(':id/deliverables')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Projet de santé + engagement de conformité received: STEP2_IN_PROGRESS → DELIVERABLES_RECEIVED' })
  @ApiOkResponse({ type: ApplicationDto })
  deliverables(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: DeliverablesDto, @Req() r: FastifyRequest) {
    return this.applications.deliverables(p, id, dto, expectedVersion(r));
  }

  @Post(':id/receipt')
  @Roles(...DIRECTOR_ONLY)
  @HttpCode(200)
  @ApiOperation({ summary: 'Récépissé with FINESS EJ and ET: DELIVERABLES_RECEIVED → RECEIPT_ISSUED' })
  @ApiOkResponse({ type: ApplicationDto })
  receipt(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: ReceiptDto, @Req() r: FastifyRequest) {
    return this.applications.receipt(p, id, dto, expectedVersion(r));
  }

  @Post(':id/complete')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({ summary: 'The coordination deliverable: STEP3_IN_PROGRESS → COMPLETED (needs the convention)' })
  @ApiOkResponse({ type: ApplicationDto })
  complete(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: CompleteDto, @Req() r: FastifyRequest) {
    return this.applications.complete(p, id, dto, expectedVersion(r));
  }

  @Post(':id/audit-plan')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({ summary: "The audit's plan to return to balance: AUDIT_IN_PROGRESS → AUDIT_DELIVERED" })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiUnprocessableEntityResponse({ description: 'Delivered before the decision (rule dates-out-of-order)' })
  auditPlan(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: AuditPlanDto, @Req() r: FastifyRequest) {
    return this.applications.auditPlan(p, id, dto, expectedVersion(r));
  }

  @Post(':id/attestations')
  @Roles(...INSTRUCTORS)
  @ApiOperation({ summary: "Attest a condition no data can check, or answer a warning (code = the warning's rule): 201, or 200 when it replaces the same code" })
  @ApiCreatedResponse({ type: AttestationViewDto })
  @ApiOkResponse({ type: AttestationViewDto, description: 'The attestation of the same code was replaced' })
  async attest(
    @CurrentPrincipal() p: Principal,
    @Param('id', UuidParam) id: string,
    @Body() dto: AttestationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AttestationViewDto> {
    const { replaced, attestation } = await this.applications.attest(p, id, dto);
    void reply.status(replaced ? 200 : 201);
    if (!replaced) void reply.header('Location', `/api/v1/applications/${id}/attestations/${attestation.code}`);
    return attestation;
  }

  @Delete(':id/attestations/:code')
  @Roles(...INSTRUCTORS)
  @HttpCode(204)
  @ApiParam({ name: 'code', schema: { type: 'string', pattern: ATTESTATION_CODE.source, minLength: 1, maxLength: 100 } })
  @ApiOperation({ summary: 'Withdraw an attestation' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ description: 'Not an attestation code' })
  async unattest(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Param('code') code: string): Promise<void> {
    if (code.length > 100 || !ATTESTATION_CODE.test(code)) {
      throw invalid([{ field: 'code', message: 'must be lower-case letters, digits and hyphens, such as cds-two-professionals' }]);
    }
    await this.applications.unattest(p, id, code);
  }

  @Post(':id/withdraw')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({ summary: 'The promoter withdraws (any open status → WITHDRAWN)' })
  @ApiOkResponse({ type: ApplicationDto })
  withdraw(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: ReasonDto, @Req() r: FastifyRequest) {
    return this.applications.withdraw(p, id, dto, expectedVersion(r));
  }

  @Post(':id/close')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Closed without follow-up (any open status → CLOSED)' })
  @ApiOkResponse({ type: ApplicationDto })
  close(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: ReasonDto, @Req() r: FastifyRequest) {
    return this.applications.close(p, id, dto, expectedVersion(r));
  }
}
