import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { expectedVersion } from '../common/http/conditional.js';
import { Created } from '../common/http/location.js';
import { ApiIfMatch, ApiProblems } from '../common/http/openapi.js';
import { PageQuery } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/params.js';
import type { Role } from '../generated/prisma/enums.js';
import { CreateWebhookDto, DeliveryPageDto, DeliveryQuery, DeliveryQueuedDto, UpdateWebhookDto, WebhookDto, WebhookPageDto, WebhookWithSecretDto } from './dto/webhook.dto.js';
import { WebhooksService } from './webhooks.service.js';

/** A partner manages its own organisation's subscriptions, an ARS admin any of its region's. */
const WEBHOOK_MANAGERS: Role[] = ['ADMIN', 'PARTNER'];
const HIDDEN = [404, "No such webhook among those the caller manages (its organisation's; its region's for an ARS admin)."] as const;
const TARGET = [422, 'The url is not https, or names a private, link-local, loopback or metadata address (rule webhook-target).'] as const;

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Roles(...WEBHOOK_MANAGERS)
  @Created((w: WebhookWithSecretDto) => `/webhooks/${w.id}`)
  @ApiOperation({
    summary: 'Subscribe a URL to events',
    description:
      "Deliveries follow the Standard Webhooks specification (webhook-id, webhook-timestamp, webhook-signature `v1,<base64 HMAC-SHA256>` with the secret), body `{type, version, timestamp, data}`, retried with exponential backoff for more than 24 h, in order per dossier. Events reach the subscription in its organisation's scope only. The secret is answered this once.",
  })
  @ApiCreatedResponse({ type: WebhookWithSecretDto, description: 'The subscription and its secret, answered once (Location: its URL)' })
  @ApiProblems([403, 'A partner naming another organisation than its own.'], [404, "No such organisation in the caller's region."], TARGET)
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateWebhookDto): Promise<WebhookWithSecretDto> {
    return this.webhooks.create(p, dto);
  }

  @Get()
  @Roles(...WEBHOOK_MANAGERS)
  @ApiOperation({ summary: 'List webhook subscriptions', description: "A partner's organisation's; every one of the region for an ARS admin. Never their secret." })
  @ApiOkResponse({ type: WebhookPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: PageQuery): Promise<WebhookPageDto> {
    return this.webhooks.list(p, query);
  }

  @Get(':id')
  @Roles(...WEBHOOK_MANAGERS)
  @ApiOperation({ summary: 'Read a webhook subscription' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblems(HIDDEN)
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<WebhookDto> {
    return this.webhooks.get(p, id);
  }

  @Patch(':id')
  @Roles(...WEBHOOK_MANAGERS)
  @ApiOperation({
    summary: 'Change a webhook subscription',
    description: 'Its url, events, description; `enabled: false` pauses it (events are kept), `true` resumes it, in order.',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblems(HIDDEN, TARGET, [409, 'The subscription was changed by another request meanwhile.'])
  update(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdateWebhookDto, @Req() request: FastifyRequest): Promise<WebhookDto> {
    return this.webhooks.update(p, id, dto, expectedVersion(request));
  }

  @Delete(':id')
  @Roles(...WEBHOOK_MANAGERS)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook subscription', description: 'Its pending deliveries and its delivery log go with it.' })
  @ApiIfMatch()
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(HIDDEN, [409, 'The subscription was changed by another request meanwhile.'])
  remove(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Req() request: FastifyRequest): Promise<void> {
    return this.webhooks.remove(p, id, expectedVersion(request));
  }

  @Post(':id/rotate-secret')
  @Roles(...WEBHOOK_MANAGERS)
  @HttpCode(200)
  @ApiOperation({
    summary: "Rotate a subscription's secret",
    description:
      'A new secret, answered once. The previous one goes on signing beside it (two signatures in webhook-signature) until previousSecretExpiresAt (WEBHOOKS_ROTATION_GRACE_HOURS, 24 h by default).',
  })
  @ApiOkResponse({ type: WebhookWithSecretDto })
  @ApiProblems(HIDDEN, [409, 'The subscription was changed by another request meanwhile.'])
  rotate(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<WebhookWithSecretDto> {
    return this.webhooks.rotate(p, id);
  }

  @Post(':id/test')
  @Roles(...WEBHOOK_MANAGERS)
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a test event', description: 'A `webhook.test` event to this subscription alone, signed, retried and logged as any other.' })
  @ApiAcceptedResponse({ type: DeliveryQueuedDto, description: 'Queued: see its attempts in the delivery log' })
  @ApiProblems(HIDDEN, [409, 'The subscription is disabled: enable it first.'])
  test(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<DeliveryQueuedDto> {
    return this.webhooks.test(p, id);
  }

  @Get(':id/deliveries')
  @Roles(...WEBHOOK_MANAGERS)
  @ApiOperation({
    summary: 'The delivery log',
    description: 'Every attempt, newest first: the event, its type, the attempt, its outcome, the status code and latency, and where the delivery stands.',
  })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiProblems(HIDDEN)
  deliveries(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Query() query: DeliveryQuery): Promise<DeliveryPageDto> {
    return this.webhooks.deliveries(p, id, query);
  }

  @Post(':id/deliveries/:eventId/redeliver')
  @Roles(...WEBHOOK_MANAGERS)
  @HttpCode(202)
  @ApiOperation({ summary: 'Deliver an event again', description: 'Now, with the same webhook-id; its attempts count from 1 again.' })
  @ApiAcceptedResponse({ type: DeliveryQueuedDto })
  @ApiProblems([404, 'No such webhook among those the caller manages, or the event was never for it.'], [409, 'The event is being delivered right now.'])
  redeliver(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Param('eventId', UuidParam) eventId: string): Promise<DeliveryQueuedDto> {
    return this.webhooks.redeliver(p, id, eventId);
  }
}
