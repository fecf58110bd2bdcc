import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, NotEquals } from 'class-validator';
import { DEPARTMENT_CODE, REGION_CODE } from '../../common/validation/codes.js';
import { Funder } from '../../generated/prisma/enums.js';

const FUNDERS = Object.values(Funder);

export class CreateEnvelopeDto {
  @ApiProperty({ example: 'REGION', enum: FUNDERS }) @IsIn(FUNDERS) funder: Funder;
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
  @ApiProperty({ example: 'Reliquat rendu après le solde de l’opération de Brioude' }) @IsString() @MinLength(1) @MaxLength(1000) note: string;
}

export class EnvelopeDto {
  @ApiProperty({ example: '01a236e1-4c3d-7b2a-9f8e-7d6c5b4a3e21', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'REGION', enum: FUNDERS }) funder: Funder;
  @ApiProperty({ example: '84' }) regionCode: string;
  @ApiProperty({ example: null, type: String, nullable: true, description: 'The département of a DETR or DEPARTEMENT envelope; null for a regional one' }) departmentCode:
    string | null;
  @ApiProperty({ example: 'CPER 2021-2027 — volet santé' }) programme: string;
  @ApiProperty({ example: 1_770_000_000 }) amountCents: number;
  @ApiProperty({ example: 312_500_000, description: 'Sum of the movements' }) committedCents: number;
  @ApiProperty({ example: 1_457_500_000 }) remainingCents: number;
  @ApiProperty({ example: 'OPEN', enum: ['OPEN', 'CLOSED'] }) status: string;
  @ApiProperty({ example: 5 }) version: number;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) createdAt: string;
}

export class EnvelopePageDto {
  @ApiProperty({ type: [EnvelopeDto] }) items: EnvelopeDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}

export class MovementDto {
  @ApiProperty({ example: '01a23710-9e8d-7c6b-a5f4-3e2d1c0b9a87', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'COMMITMENT', enum: ['COMMITMENT', 'RELEASE', 'ADJUSTMENT'] }) kind: string;
  @ApiProperty({ example: 12_500_000, description: 'Cents consumed (negative: given back)' }) amountCents: number;
  @ApiProperty({ example: '01a236fb-ad5e-7576-b488-e3f7226133c1', type: String, nullable: true }) applicationId: string | null;
  @ApiProperty({ example: 'Engagement Région — MSP du Haut-Allier', type: String, nullable: true }) note: string | null;
  @ApiProperty({ example: '01a236f2-8d4e-7a61-b2c9-4e5f6a7b8c92', type: String, nullable: true }) actorId: string | null;
  @ApiProperty({ example: '2026-11-20T09:41:27.512Z' }) createdAt: string;
}

export class MovementPageDto {
  @ApiProperty({
    type: [MovementDto],
    description: "A département's partner: the movements of its département's dossiers, and those without a dossier on its own département's envelope",
  })
  items: MovementDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}
