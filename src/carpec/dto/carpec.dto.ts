import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { isCalendarDate } from '../../common/validation/dates.js';
import { AgendaPurpose, ApplicationStatus, OpinionOutcome } from '../../generated/prisma/enums.js';
import { registerDecorator } from 'class-validator';

const PURPOSES = Object.values(AgendaPurpose);
const OUTCOMES = Object.values(OpinionOutcome);

/** A calendar date that may be in the future (a séance is planned ahead). */
function IsCalendarDate() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (v: unknown) => typeof v === 'string' && isCalendarDate(v),
        defaultMessage: () => 'must be a date YYYY-MM-DD that exists',
      },
    });
}

export class CreateSessionDto {
  @ApiProperty({ example: '2026-12-10' }) @IsCalendarDate() sessionDate: string;
  @ApiProperty({ example: 'CARPEC du 10 décembre 2026' }) @IsString() @MinLength(1) @MaxLength(200) title: string;
}

export class AgendaItemDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() applicationId: string;
  @ApiProperty({ enum: PURPOSES, description: 'OPINION: a SUBMITTED dossier for an avis; INFORMATION: a RECEIPT_ISSUED one, its projet de santé' })
  @IsIn(PURPOSES)
  purpose: AgendaPurpose;
}

export class OpinionDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() applicationId: string;
  @ApiProperty({ enum: OUTCOMES, description: 'NOTED for an item on the agenda for information' }) @IsIn(OUTCOMES) outcome: OpinionOutcome;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(10_000) reservations?: string;
}

export class AgendaItemViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid' }) applicationId: string;
  @ApiProperty({ enum: PURPOSES }) purpose: AgendaPurpose;
  @ApiProperty({ enum: OUTCOMES, nullable: true }) outcome: OpinionOutcome | null;
  @ApiProperty({ type: String, nullable: true }) reservations: string | null;
  @ApiProperty() createdAt: string;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() regionCode: string;
  @ApiProperty() sessionDate: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: [AgendaItemViewDto], description: "The items of the caller's territory: a département's partner sees only its département's dossiers" })
  agenda: AgendaItemViewDto[];
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
}

export class SessionPageDto {
  @ApiProperty({ type: [SessionDto] }) items: SessionDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class OpinionViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid' }) applicationId: string;
  @ApiProperty({ enum: OUTCOMES }) outcome: OpinionOutcome;
  @ApiProperty({ type: String, nullable: true }) reservations: string | null;
  @ApiProperty({ enum: Object.values(ApplicationStatus), description: "The dossier's status after the opinion" }) applicationStatus: ApplicationStatus;
  @ApiProperty() createdAt: string;
}
