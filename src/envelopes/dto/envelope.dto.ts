import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, NotEquals } from 'class-validator';
import { DEPARTMENT_CODE, REGION_CODE } from '../../common/validation/codes.js';
import { Funder } from '../../generated/prisma/enums.js';

const FUNDERS = Object.values(Funder);

export class CreateEnvelopeDto {
  @ApiProperty({ enum: FUNDERS }) @IsIn(FUNDERS) funder: Funder;
  @ApiProperty({ example: '84' }) @Matches(REGION_CODE, { message: 'must be an INSEE region code such as 84' }) regionCode: string;
  @ApiPropertyOptional({ example: '74', description: 'Required for a DETR or DEPARTEMENT envelope (a département of the region); absent for the other funders' })
  @IsOptional()
  @Matches(DEPARTMENT_CODE, { message: 'must be a département code such as 74' })
  departmentCode?: string;
  @ApiProperty({ example: 'CPER 2021-2027 — volet santé' }) @IsString() @MinLength(1) @MaxLength(200) programme: string;
  @ApiProperty({ example: 1_770_000_000, description: 'Cents' }) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) amountCents: number;
}

export class AdjustmentDto {
  @ApiProperty({ description: 'Cents consumed (positive) or given back (negative)', example: -150_000 })
  @IsInt()
  @NotEquals(0)
  @Min(-Number.MAX_SAFE_INTEGER)
  @Max(Number.MAX_SAFE_INTEGER)
  amountCents: number;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(1000) note: string;
}

export class EnvelopeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: FUNDERS }) funder: Funder;
  @ApiProperty() regionCode: string;
  @ApiProperty({ type: String, nullable: true, description: 'The département of a DETR or DEPARTEMENT envelope; null for a regional one' }) departmentCode: string | null;
  @ApiProperty() programme: string;
  @ApiProperty() amountCents: number;
  @ApiProperty({ description: 'Sum of the movements' }) committedCents: number;
  @ApiProperty() remainingCents: number;
  @ApiProperty({ enum: ['OPEN', 'CLOSED'] }) status: string;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
}

export class EnvelopePageDto {
  @ApiProperty({ type: [EnvelopeDto] }) items: EnvelopeDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class MovementDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['COMMITMENT', 'RELEASE', 'ADJUSTMENT'] }) kind: string;
  @ApiProperty({ description: 'Cents consumed (negative: given back)' }) amountCents: number;
  @ApiProperty({ type: String, nullable: true }) applicationId: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ type: String, nullable: true }) actorId: string | null;
  @ApiProperty() createdAt: string;
}

export class MovementPageDto {
  @ApiProperty({
    type: [MovementDto],
    description: "A département's partner: the movements of its département's dossiers, and those without a dossier on its own département's envelope",
  })
  items: MovementDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
