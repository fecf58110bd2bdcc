import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength, Matches } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import type { DsSyncStatus } from '../../generated/prisma/enums.js';

export const DS_SYNC_STATUSES: DsSyncStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'];

export class RequestSyncDto {
  @ApiPropertyOptional({ example: false, description: 'Every dossier of the démarche, not only those changed on DS since the last successful sync' })
  @IsOptional()
  @IsBoolean()
  full?: boolean;
}

export class RefusedDossierDto {
  @ApiProperty({ example: 12_345_678, description: 'The DS dossier number' }) dsNumber: number;
  @ApiProperty({ example: 'champ "Nom du porteur" (Q2hhbXAtMQ==, promoter.name) is empty; the dossier cannot be created without it' }) reason: string;
}

export class DsSyncDto {
  @ApiProperty({ format: 'uuid', example: '01a23722-7e1f-7a02-8b3c-4d5e6f708192' }) id: string;
  @ApiProperty({ format: 'uuid', example: '01a23722-7e1f-7a02-8b3c-4d5e6f708193' }) callId: string;
  @ApiProperty({ enum: DS_SYNC_STATUSES, example: 'SUCCEEDED' }) status: DsSyncStatus;
  @ApiProperty({ enum: ['MANUAL', 'SCHEDULED'], example: 'MANUAL' }) trigger: 'MANUAL' | 'SCHEDULED';
  @ApiProperty({ example: false, description: 'Every dossier, not only those changed since the last sync' }) full: boolean;
  @ApiProperty({
    example: '2027-02-01T08:59:00.000Z',
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'The dossiers changed on DS since then were read (null: all)',
  })
  since: string | null;
  @ApiProperty({ example: '2027-02-01T09:00:00.000Z', format: 'date-time' }) requestedAt: string;
  @ApiProperty({ example: '2027-02-01T09:00:01.000Z', format: 'date-time', nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ example: '2027-02-01T09:00:09.000Z', format: 'date-time', nullable: true, type: String }) finishedAt: string | null;
  @ApiProperty({ example: 41, description: 'Dossiers created (in DRAFT)' }) created: number;
  @ApiProperty({ example: 3, description: 'Dossiers updated: in DRAFT, or their DS state, new pièces, or changes waiting for an instructor' }) updated: number;
  @ApiProperty({ example: 112, description: 'Dossiers read again with nothing new: nothing written' }) unchanged: number;
  @ApiProperty({ type: [RefusedDossierDto], description: 'Dossiers refused whole, each with why; nothing of them was written' }) refused: RefusedDossierDto[];
  @ApiProperty({ example: 3, description: 'Requests sent to Démarches Simplifiées (retries included)' }) requests: number;
  @ApiProperty({ example: 86, description: 'Pièces downloaded (their checksum checked)' }) files: number;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'Why the run failed (FAILED); the dossiers before it are kept' }) error: string | null;
}

export class DsSyncPageDto {
  @ApiProperty({ type: [DsSyncDto] }) items: DsSyncDto[];
  @ApiProperty({ example: null, type: String, nullable: true }) nextCursor: string | null;
}

export class DsSyncQuery extends PageQuery {}

export class DsMessageDto {
  @ApiPropertyOptional({
    example: 'Bonjour, il manque le projet de santé signé à votre dossier. Merci de le déposer sur Démarches Simplifiées.',
    description: 'The message; absent: one asking for the pièces the dossier still lacks',
    maxLength: 5000,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  @Matches(/\S/, { message: 'must not be blank' })
  body?: string;
}

export class DsMessageSentDto {
  @ApiProperty({ example: 'Q29tbWVudGFpcmUtMQ==', description: "The message's id on DS" }) messageId: string;
  @ApiProperty({ example: 'Bonjour, il manque …' }) body: string;
}
