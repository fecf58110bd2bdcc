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
  @ApiProperty({ example: '01a236fb-ad5e-7576-b488-e3f7226133c1', format: 'uuid' }) @IsUUID() applicationId: string;
  @ApiProperty({ example: 'OPINION', enum: PURPOSES, description: 'OPINION: a SUBMITTED dossier for an avis; INFORMATION: a RECEIPT_ISSUED one, its projet de santé' })
  @IsIn(PURPOSES)
  purpose: AgendaPurpose;
}

export class OpinionDto {
  @ApiProperty({ example: '01a236fb-ad5e-7576-b488-e3f7226133c1', format: 'uuid' }) @IsUUID() applicationId: string;
  @ApiProperty({ example: 'FAVORABLE_WITH_RESERVATIONS', enum: OUTCOMES, description: 'NOTED for an item on the agenda for information' }) @IsIn(OUTCOMES) outcome: OpinionOutcome;
  @ApiPropertyOptional({ example: 'Sous réserve de la constitution de la SISA avant le versement du solde' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  reservations?: string;
}

export class AgendaItemViewDto {
  @ApiProperty({ example: '01a23703-0b4c-7e2d-a6f9-3e4d5c6b7a19', format: 'uuid' }) id: string;
  @ApiProperty({ example: '01a23702-7f1a-7c55-8b3e-1d2c3b4a5f08', format: 'uuid' }) sessionId: string;
  @ApiProperty({ example: '01a236fb-ad5e-7576-b488-e3f7226133c1', format: 'uuid' }) applicationId: string;
  @ApiProperty({ example: 'MSP de Brioude', description: "The dossier's project" }) projectName: string;
  @ApiProperty({ example: '43', description: "The dossier's département" }) departmentCode: string;
  @ApiProperty({ example: 'OPINION', enum: PURPOSES }) purpose: AgendaPurpose;
  @ApiProperty({ example: 'FAVORABLE', enum: OUTCOMES, nullable: true }) outcome: OpinionOutcome | null;
  @ApiProperty({ example: null, type: String, nullable: true }) reservations: string | null;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) createdAt: string;
}

export class SessionDto {
  @ApiProperty({ example: '01a23702-7f1a-7c55-8b3e-1d2c3b4a5f08', format: 'uuid' }) id: string;
  @ApiProperty({ example: '84' }) regionCode: string;
  @ApiProperty({ example: '2026-12-10' }) sessionDate: string;
  @ApiProperty({ example: 'CARPEC Auvergne-Rhône-Alpes du 10 décembre 2026' }) title: string;
  @ApiProperty({ type: [AgendaItemViewDto], description: "The items of the caller's territory: a département's partner sees only its département's dossiers" })
  agenda: AgendaItemViewDto[];
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) createdAt: string;
}

export class SessionPageDto {
  @ApiProperty({ type: [SessionDto] }) items: SessionDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}

export class OpinionViewDto {
  @ApiProperty({ example: '01a23708-6c5b-7a49-b382-7e6f5d4c3b2a', format: 'uuid' }) id: string;
  @ApiProperty({ example: '01a23702-7f1a-7c55-8b3e-1d2c3b4a5f08', format: 'uuid' }) sessionId: string;
  @ApiProperty({ example: '01a236fb-ad5e-7576-b488-e3f7226133c1', format: 'uuid' }) applicationId: string;
  @ApiProperty({ example: 'FAVORABLE_WITH_RESERVATIONS', enum: OUTCOMES }) outcome: OpinionOutcome;
  @ApiProperty({ example: 'Sous réserve de la constitution de la SISA avant le versement du solde', type: String, nullable: true }) reservations: string | null;
  @ApiProperty({ example: 'AWAITING_DECISION', enum: Object.values(ApplicationStatus), description: "The dossier's status after the opinion" })
  applicationStatus: ApplicationStatus;
  @ApiProperty({ example: '2026-11-20T09:41:27.512Z' }) createdAt: string;
}
