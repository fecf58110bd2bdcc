import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { IsBusinessDate } from '../../common/validation/dates.js';
import { ReportType } from '../../generated/prisma/enums.js';

const TYPES = Object.values(ReportType);

export class RequestRunsDto {
  @ApiPropertyOptional({ enum: TYPES, description: 'None: all four' }) @IsOptional() @IsIn(TYPES) type?: ReportType;
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
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: TYPES }) type: ReportType;
  @ApiProperty() date: string;
  @ApiProperty({ enum: ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'] }) status: string;
}

export class RequestedRunsDto {
  @ApiProperty({ type: [RunSummaryDto] }) items: RunSummaryDto[];
}

export class RunDto extends RunSummaryDto {
  @ApiProperty() regionCode: string;
  @ApiProperty({ type: String, nullable: true }) startedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) finishedAt: string | null;
  @ApiProperty({ type: Number, nullable: true }) rowCount: number | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ type: Object }) summary: unknown;
  @ApiPropertyOptional({ type: [Object], description: 'The rows (of your territory)' }) rows?: unknown[];
}

export class RunPageDto {
  @ApiProperty({ type: [RunDto] }) items: RunDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
