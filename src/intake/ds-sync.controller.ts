import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApplicationDto } from '../applications/dto/application.dto.js';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { INSTRUCTING, STAFF_READERS } from '../common/access/roles.js';
import { ApiProblems } from '../common/http/openapi.js';
import { UuidParam } from '../common/http/params.js';
import { DsSyncService } from './ds-sync.service.js';
import { DsMessageDto, DsMessageSentDto, DsSyncDto, DsSyncPageDto, DsSyncQuery, RequestSyncDto } from './dto/ds-sync.dto.js';

const NO_CALL = [404, "No such call in the caller's region."] as const;
const NOT_FROM_DS = [409, 'The dossier did not come from Démarches Simplifiées (rule not-from-ds).'] as const;

@ApiTags('calls')
@ApiBearerAuth()
@Controller()
export class DsSyncController {
  constructor(private readonly syncs: DsSyncService) {}

  @Post('calls/:id/sync')
  @Roles(...INSTRUCTING)
  @HttpCode(202)
  @ApiOperation({
    summary: "Sync the call's dossiers from Démarches Simplifiées",
    description:
      'Queues a run (one per call at a time: a second request answers the one queued or running). It reads the dossiers changed on DS since the last successful run (`full`: all of them), creates each new one in DRAFT with its promoter, project, expenses, site meeting and pièces (checksums checked), updates those still in DRAFT, and keeps what DS changed later for an instructor to accept. A dossier that cannot be mapped is refused whole, with its reason; a re-sync with nothing new writes nothing. The schedule (DS_SYNC_CRON) does the same for every configured call.',
  })
  @ApiAcceptedResponse({ type: DsSyncDto, description: 'Queued (or the run already under way): read it back at …/syncs/{syncId}' })
  @ApiProblems(
    NO_CALL,
    [403, "A call's sync belongs to the region as a whole (rule region-wide-write)."],
    [409, 'The call has no démarche, no token or no mapping (rule ds-not-configured).'],
  )
  request(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: RequestSyncDto): Promise<DsSyncDto> {
    return this.syncs.request(p, id, dto?.full ?? false);
  }

  @Get('calls/:id/syncs')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: "List the call's sync runs", description: 'The latest first: status, counts, and each refused dossier with why.' })
  @ApiOkResponse({ type: DsSyncPageDto })
  @ApiProblems(NO_CALL)
  list(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Query() query: DsSyncQuery): Promise<DsSyncPageDto> {
    return this.syncs.list(p, id, query);
  }

  @Get('calls/:id/syncs/:syncId')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'Read a sync run', description: 'QUEUED, RUNNING (its counts so far), SUCCEEDED or FAILED (with the error; the dossiers before it are kept).' })
  @ApiOkResponse({ type: DsSyncDto })
  @ApiProblems([404, 'No such call in the region, or no such run of it.'])
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Param('syncId', UuidParam) syncId: string): Promise<DsSyncDto> {
    return this.syncs.get(p, id, syncId);
  }

  @Post('applications/:id/ds-changes/accept')
  @Roles(...INSTRUCTING)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept what Démarches Simplifiées changed',
    description:
      "The changes DS brought after the dossier left DRAFT (`ds.pendingChanges`) written on its promoter, project and expenses, through the same checks as by hand (a committed plan's expenses stay frozen: 409). A site meeting already recorded is not moved.",
  })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems([404, 'No such dossier in your territory.'], [409, 'Nothing waits (rule no-ds-changes), the dossier did not come from DS (not-from-ds), or a change is refused.'])
  accept(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<ApplicationDto> {
    return this.syncs.acceptChanges(p, id);
  }

  @Post('applications/:id/ds-changes/dismiss')
  @Roles(...INSTRUCTING)
  @HttpCode(200)
  @ApiOperation({ summary: 'Dismiss what Démarches Simplifiées changed', description: 'Our dossier stays as it is; a later change on DS is shown again.' })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems([404, 'No such dossier in your territory.'], [409, 'Nothing waits (rule no-ds-changes), or the dossier did not come from DS (not-from-ds).'])
  dismiss(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<ApplicationDto> {
    return this.syncs.dismissChanges(p, id);
  }

  @Post('applications/:id/ds-messages')
  @Roles(...INSTRUCTING)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Write to the promoter on Démarches Simplifiées',
    description:
      "A message on the DS dossier (write-back: the call's ds.writeBack.messages and instructeurId must be set); without a body, one asking for the pièces the dossier's next move still needs. Recorded in the dossier's history (DS_MESSAGE_SENT) once DS has taken it; sent once, never retried.",
  })
  @ApiOkResponse({ type: DsMessageSentDto })
  @ApiProblems(
    [404, 'No such dossier in your territory.'],
    NOT_FROM_DS,
    [409, 'Messages are off for the call (rule ds-write-back-off), or no pièce is missing and no body was given (nothing-missing).'],
    [422, 'Démarches Simplifiées refused the message (rule ds-refused).'],
    [503, 'Démarches Simplifiées did not answer (ds-unavailable): try again later.'],
  )
  message(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: DsMessageDto): Promise<DsMessageSentDto> {
    return this.syncs.message(p, id, dto?.body);
  }
}
