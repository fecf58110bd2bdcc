import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { IsOmittable } from '../../common/validation/optional.js';
import { EVENT_TYPES, type EventType } from '../../outbox/event-types.js';

const URL_EXAMPLE = 'https://subventions.auvergnerhonealpes.fr/hooks/msp';

export class CreateWebhookDto {
  @ApiProperty({ example: URL_EXAMPLE, maxLength: 2000, description: 'https only; never a private, link-local or metadata address (422).' })
  @IsString()
  @MinLength(8)
  @MaxLength(2000)
  url: string;

  @ApiProperty({ enum: EVENT_TYPES, isArray: true, example: ['application.decision_recorded', 'payment.recorded'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(EVENT_TYPES, { each: true })
  events: EventType[];

  @ApiPropertyOptional({ example: 'Système de gestion des aides de la Région', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "The organisation whose subscription it is: the caller's by default; an ARS admin may name any of its region." })
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ example: URL_EXAMPLE, maxLength: 2000 }) @IsOmittable() @IsString() @MinLength(8) @MaxLength(2000) url?: string;

  @ApiPropertyOptional({ enum: EVENT_TYPES, isArray: true, example: ['application.status_changed'] })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(EVENT_TYPES, { each: true })
  events?: EventType[];

  @ApiPropertyOptional({ example: 'Système de gestion des aides de la Région', maxLength: 500, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ example: true, description: 'false pauses deliveries (events are kept and sent in order once enabled again); true re-enables a disabled subscription.' })
  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid', example: '01a23722-7e1f-7a02-8b3c-4d5e6f708192' }) id: string;
  @ApiProperty({ format: 'uuid', example: '01a236fb-ad5e-7576-b488-e3f7226133c1' }) organizationId: string;
  @ApiProperty({ example: '84' }) regionCode: string;
  @ApiProperty({ example: null, type: String, nullable: true, description: "The organisation's département, if its scope is one" }) departmentCode: string | null;
  @ApiProperty({ example: URL_EXAMPLE }) url: string;
  @ApiProperty({ enum: EVENT_TYPES, isArray: true, example: ['application.decision_recorded'] }) events: string[];
  @ApiProperty({ example: 'Système de gestion des aides de la Région', type: String, nullable: true }) description: string | null;
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ example: null, type: String, format: 'date-time', nullable: true }) disabledAt: string | null;
  @ApiProperty({ example: null, type: String, nullable: true, description: 'Why the service disabled it (failing for 3 days)' }) disabledReason: string | null;
  @ApiProperty({ example: null, type: String, format: 'date-time', nullable: true, description: 'The first failed attempt since the last success' }) failingSince: string | null;
  @ApiProperty({ example: null, type: String, format: 'date-time', nullable: true, description: 'Until when the previous secret still signs, after a rotation' })
  previousSecretExpiresAt: string | null;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ example: '2026-12-02T09:15:02.871Z', format: 'date-time' }) createdAt: string;
  @ApiProperty({ example: '2026-12-02T09:15:02.871Z', format: 'date-time' }) updatedAt: string;
}

export class WebhookWithSecretDto extends WebhookDto {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'The signing secret (Standard Webhooks), answered this once only.' }) secret: string;
}

export class WebhookPageDto {
  @ApiProperty({ type: [WebhookDto] }) items: WebhookDto[];
  @ApiProperty({ example: null, type: String, nullable: true }) nextCursor: string | null;
}

export class DeliveryQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "One event's attempts" }) @IsOptional() @IsUUID() eventId?: string;
}

export class DeliveryAttemptDto {
  @ApiProperty({ format: 'uuid', example: '01a23722-7e1f-7a02-8b3c-4d5e6f708192', description: 'The event, and the webhook-id of its deliveries' }) eventId: string;
  @ApiProperty({ example: 'application.decision_recorded' }) type: string;
  @ApiProperty({ example: 1, description: 'The attempt, from 1 (a redelivery counts from 1 again)' }) attempt: number;
  @ApiProperty({ enum: ['SUCCEEDED', 'FAILED'], example: 'SUCCEEDED' }) status: 'SUCCEEDED' | 'FAILED';
  @ApiProperty({ example: 204, type: Number, nullable: true, description: "The receiver's HTTP status; null when none came (timeout, refused target)" }) responseStatus:
    number | null;
  @ApiProperty({ example: 83 }) durationMs: number;
  @ApiProperty({ example: null, type: String, nullable: true }) error: string | null;
  @ApiProperty({ example: '2026-12-02T09:15:02.871Z', format: 'date-time' }) at: string;
  @ApiProperty({ enum: ['PENDING', 'SUCCEEDED', 'FAILED'], example: 'SUCCEEDED', description: 'Where the delivery of this event stands now' }) deliveryStatus: string;
  @ApiProperty({ example: null, type: String, format: 'date-time', nullable: true, description: 'The next attempt, while pending' }) nextAttemptAt: string | null;
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryAttemptDto] }) items: DeliveryAttemptDto[];
  @ApiProperty({ example: null, type: String, nullable: true }) nextCursor: string | null;
}

export class DeliveryQueuedDto {
  @ApiProperty({ format: 'uuid', example: '01a23722-7e1f-7a02-8b3c-4d5e6f708192' }) eventId: string;
  @ApiProperty({ enum: ['PENDING'], example: 'PENDING' }) status: 'PENDING';
}
