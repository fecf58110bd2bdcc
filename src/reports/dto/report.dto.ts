import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { IsBusinessDate } from '../../common/validation/dates.js';
import { ReportType } from '../../generated/prisma/enums.js';

const TYPES = Object.values(ReportType);

export class RequestRunsDto {
  @ApiPropertyOptional({ example: 'PIPELINE', enum: TYPES, description: 'None: all four' }) @IsOptional() @IsIn(TYPES) type?: ReportType;
  @ApiPropertyOptional({ example: '2026-11-22', description: 'Default: today (Europe/Paris)' }) @IsOptional() @IsBusinessDate() date?: string;
}

export class RunQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TYPES }) @IsOptional() @IsIn(TYPES) type?: ReportType;
  @ApiPropertyOptional() @IsOptional() @IsBusinessDate() date?: string;
}

export class DownloadQuery {
  @ApiProperty({ enum: ['csv', 'xlsx'] }) @IsIn(['csv', 'xlsx']) format: 'csv' | 'xlsx';
}

export class RunSummaryDto {
  @ApiProperty({ example: '01a23720-1a2b-7c3d-8e4f-5a6b7c8d9e0f', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'PIPELINE', enum: TYPES }) type: ReportType;
  @ApiProperty({ example: '2026-11-22' }) date: string;
  @ApiProperty({ example: 'SUCCEEDED', enum: ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'] }) status: string;
}

export class RequestedRunsDto {
  @ApiProperty({ type: [RunSummaryDto] }) items: RunSummaryDto[];
}

export class RunDto extends RunSummaryDto {
  @ApiProperty({ example: '84' }) regionCode: string;
  @ApiProperty({ example: '2026-11-22T05:00:00.214Z', type: String, nullable: true }) startedAt: string | null;
  @ApiProperty({ example: '2026-11-22T05:00:02.871Z', type: String, nullable: true }) finishedAt: string | null;
  @ApiProperty({ example: 48, type: Number, nullable: true }) rowCount: number | null;
  @ApiProperty({ example: null, type: String, nullable: true }) error: string | null;
  @ApiProperty({ example: { dossiers: 48, byStatus: { SUBMITTED: 6, RECEIPT_ISSUED: 9 } }, type: Object }) summary: unknown;
  @ApiPropertyOptional({ example: [{ departmentCode: '43', status: 'RECEIPT_ISSUED', dossiers: 3 }], type: [Object], description: 'The rows (of your territory)' })
  rows?: unknown[];
}

export class RunPageDto {
  @ApiProperty({ type: [RunDto] }) items: RunDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}
