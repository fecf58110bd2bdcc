import { DIRECTOR_ONLY, INSTRUCTORS, STAFF_READERS } from '../common/access/roles.js';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '../common/errors/problem.js';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { expectedVersion } from '../common/http/conditional.js';
import { Created } from '../common/http/location.js';
import { ApiIfMatch, ApiProblems } from '../common/http/openapi.js';
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

/** A move of the workflow (workflow.ts): refused in a status that does not allow it. */
const NOT_NOW = [409, "Not allowed in the dossier's current status, or it moved meanwhile: the problem gives currentStatus and allowedActions."] as const;
/** A move whose date must follow the dossier's earlier dates (procedure-dates.ts). */
const DATES = (what: string) => [422, `${what} is dated before an earlier event of the dossier (rule dates-out-of-order).`] as const;

@ApiTags('applications')
@ApiBearerAuth()
@Controller('applications')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @Roles(...INSTRUCTORS)
  @Created((a: ApplicationDto) => `/applications/${a.id}`)
  @ApiOperation({
    summary: 'Open a dossier for a project',
    description:
      "Records a promoter's candidature (or an existing centre's request for an audit): a dossier in DRAFT, its eligibility from the commune's zoning and the antenne's conditions. " +
      'The creator, if a person, instructs it until someone reassigns it.',
  })
  @ApiCreatedResponse({ type: ApplicationDto, description: 'The dossier, in DRAFT (Location: its URL)' })
  @ApiProblems(
    [400, "The project is not one of the caller's territory (errors names projectId)."],
    [422, 'An audit for a project that is not an existing centre (rule audit-existing-centre).'],
  )
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateApplicationDto): Promise<ApplicationDto> {
    return this.applications.create(p, dto.projectId, dto.procedure, dto.callId);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOperation({
    summary: 'List dossiers',
    description: "The dossiers of the caller's territory, filtered by status, étape, territory, kind, procedure, name, assignee or change date.",
  })
  @ApiOkResponse({ type: ApplicationPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: ApplicationQuery) {
    return this.applications.list(p, query);
  }

  @Get(':id')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'Read a dossier', description: 'With its warnings, attestations, dates and what the caller may do next (allowedActions). Its version is the ETag.' })
  @ApiOkResponse({ type: ApplicationDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<ApplicationDto> {
    return this.applications.get(p, id);
  }

  @Patch(':id')
  @Roles(...INSTRUCTORS)
  @ApiOperation({
    summary: 'Assign a dossier, or record a letter of intent asked',
    description: 'Assigns the dossier to an instructor (null: nobody); records whether the ARS asked for a letter of intent.',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems([409, 'The dossier was changed by another request meanwhile: read it again and retry.'])
  update(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdateApplicationDto, @Req() r: FastifyRequest) {
    return this.applications.update(p, id, dto, expectedVersion(r));
  }

  @Get(':id/events')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: "List a dossier's events", description: 'Its history, oldest first: each move, attestation and change, with who made it.' })
  @ApiOkResponse({ type: EventPageDto })
  events(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Query() query: PageQuery) {
    return this.applications.events(p, id, query);
  }

  @Post(':id/site-meeting')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the site meeting', description: 'DRAFT → SITE_MEETING_HELD (an accompaniment).' })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems(NOT_NOW)
  siteMeeting(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: SiteMeetingDto, @Req() r: FastifyRequest) {
    return this.applications.siteMeeting(p, id, dto, expectedVersion(r));
  }

  @Post(':id/submit')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Submit a dossier',
    description: 'The request for accompaniment (and letter of intent) received: SITE_MEETING_HELD → SUBMITTED; an audit, which has no site meeting: DRAFT → SUBMITTED.',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems(NOT_NOW, DATES('The request'))
  submit(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: SubmitDto, @Req() r: FastifyRequest) {
    return this.applications.submit(p, id, dto ?? {}, expectedVersion(r));
  }

  @Post(':id/decision')
  @Roles(...DIRECTOR_ONLY)
  @HttpCode(200)
  @ApiOperation({
    summary: "Record the DG ARS's decision",
    description:
      'AWAITING_DECISION → STEP2_IN_PROGRESS (a new centre, or an existing one becoming polyvalent), STEP3_IN_PROGRESS (an existing centre), AUDIT_IN_PROGRESS (an audit) or REJECTED (motivation required).',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems(NOT_NOW, [
    422,
    'An ineligible dossier approved (ineligible-territory, antenne-conditions), an audit of a centre that is not an existing one (audit-existing-centre), no CARPEC opinion (opinion-required), or dated before its séance or the request (dates-out-of-order).',
  ])
  decision(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: DecisionDto, @Req() r: FastifyRequest) {
    return this.applications.decide(p, id, dto, expectedVersion(r));
  }

  @Post(':id/deliverables')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record the deliverables received',
    description: 'The projet de santé and the engagement de conformité received: STEP2_IN_PROGRESS → DELIVERABLES_RECEIVED; the récépissé is due within two months.',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems(NOT_NOW, DATES('The receipt of the deliverables'))
  deliverables(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: DeliverablesDto, @Req() r: FastifyRequest) {
    return this.applications.deliverables(p, id, dto, expectedVersion(r));
  }

  @Post(':id/receipt')
  @Roles(...DIRECTOR_ONLY)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Issue the récépissé',
    description: 'The récépissé, with the FINESS numbers of the legal entity (EJ) and the establishment (ET): DELIVERABLES_RECEIVED → RECEIPT_ISSUED.',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems(NOT_NOW, DATES('The récépissé'))
  receipt(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: ReceiptDto, @Req() r: FastifyRequest) {
    return this.applications.receipt(p, id, dto, expectedVersion(r));
  }

  @Post(':id/complete')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Complete a dossier', description: "The coordination deliverable: STEP3_IN_PROGRESS → COMPLETED. Needs the project's convention." })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems(NOT_NOW, [422, 'The project has no convention (rule convention-required).'])
  complete(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: CompleteDto, @Req() r: FastifyRequest) {
    return this.applications.complete(p, id, dto, expectedVersion(r));
  }

  @Post(':id/audit-plan')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({ summary: "Record an audit's plan", description: "The audit's plan to return to balance: AUDIT_IN_PROGRESS → AUDIT_DELIVERED." })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems(NOT_NOW, DATES('The plan'))
  auditPlan(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: AuditPlanDto, @Req() r: FastifyRequest) {
    return this.applications.auditPlan(p, id, dto, expectedVersion(r));
  }

  @Post(':id/attestations')
  @Roles(...INSTRUCTORS)
  @ApiOperation({
    summary: 'Attest a condition, or answer a warning',
    description:
      "Attests a condition of the rule set that no data can check, or answers a warning (code: the warning's rule): 201, or 200 when it replaces the attestation of the same code.",
  })
  @ApiCreatedResponse({
    type: AttestationViewDto,
    description: 'Attested (Location: its URL)',
    headers: { Location: { description: "The attestation's URL.", schema: { type: 'string' } } },
  })
  @ApiOkResponse({ type: AttestationViewDto, description: 'The attestation of the same code was replaced' })
  @ApiProblems([409, 'The dossier was changed by another request meanwhile: send it again.'])
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
  @ApiOperation({ summary: 'Withdraw an attestation', description: 'The dossier has no more attestation of this code.' })
  @ApiNoContentResponse({ description: 'Withdrawn' })
  @ApiProblems(
    [400, 'Not an attestation code.'],
    [404, 'No such dossier, or it has no attestation of this code.'],
    [409, 'The dossier was changed by another request meanwhile: send it again.'],
  )
  async unattest(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Param('code') code: string): Promise<void> {
    if (code.length > 100 || !ATTESTATION_CODE.test(code)) {
      throw invalid([{ field: 'code', message: 'must be lower-case letters, digits and hyphens, such as cds-two-professionals' }]);
    }
    await this.applications.unattest(p, id, code);
  }

  @Post(':id/withdraw')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Withdraw a dossier',
    description: "The promoter withdraws: any open status → WITHDRAWN. A committed plan is released (its envelopes' money given back).",
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems(NOT_NOW)
  withdraw(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: ReasonDto, @Req() r: FastifyRequest) {
    return this.applications.withdraw(p, id, dto, expectedVersion(r));
  }

  @Post(':id/close')
  @Roles(...INSTRUCTORS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a dossier', description: "Closed without follow-up: any open status → CLOSED. A committed plan is released (its envelopes' money given back)." })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems(NOT_NOW)
  close(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: ReasonDto, @Req() r: FastifyRequest) {
    return this.applications.close(p, id, dto, expectedVersion(r));
  }
}
