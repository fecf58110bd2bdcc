import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsBusinessDate } from '../../common/validation/dates.js';
import { ExpenseCategory, Funder, LegalType, PaymentKind, Zone } from '../../generated/prisma/enums.js';
import { TERRITORIES } from '../calculator.js';

const CATEGORIES = Object.values(ExpenseCategory);
const FUNDERS = Object.values(Funder);
const LEGAL = Object.values(LegalType);
const ZONES = Object.values(Zone);
const KINDS = Object.values(PaymentKind);
const MAX_CENTS = Number.MAX_SAFE_INTEGER;

export class FunderRuleDto {
  @ApiProperty({ enum: CATEGORIES, isArray: true }) @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(CATEGORIES, { each: true }) categories: ExpenseCategory[];
  @ApiProperty({ enum: LEGAL, isArray: true }) @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(LEGAL, { each: true }) promoterTypes: LegalType[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(100) minDoctors?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() requiresBalancedBudget?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() requiresRural?: boolean;
  @ApiPropertyOptional({ enum: TERRITORIES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(TERRITORIES, { each: true })
  territories?: (typeof TERRITORIES)[number][];
  @ApiProperty({ example: 3000 }) @IsInt() @Min(0) @Max(10000) defaultRateBps: number;
  @ApiProperty({ example: 1000 }) @IsInt() @Min(0) @Max(10000) minRateBps: number;
  @ApiProperty({ example: 5000 }) @IsInt() @Min(0) @Max(10000) maxRateBps: number;
  @ApiPropertyOptional({ description: 'Cents' }) @IsOptional() @IsInt() @Min(0) @Max(MAX_CENTS) capCents?: number;
  @ApiPropertyOptional({ description: "Cents: the cap for an existing centre's extension" }) @IsOptional() @IsInt() @Min(0) @Max(MAX_CENTS) capCentsExisting?: number;
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(100) priority: number;
}

export class CreateRuleSetDto {
  @ApiProperty({ example: 'AURA 2026' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ example: 8000, description: 'Ceiling of public aid, basis points of the eligible cost' }) @IsInt() @Min(0) @Max(10000) publicCeilingBps: number;
  @ApiProperty({ description: 'One entry per funder: REGION, ARS, DETR, DSIL, FNADT, DEPARTEMENT', additionalProperties: { $ref: '#/components/schemas/FunderRuleDto' } })
  @IsObject()
  funders: Record<string, unknown>;
}

export class RuleSetDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() regionCode: string;
  @ApiProperty() revision: number;
  @ApiProperty() active: boolean;
  @ApiProperty() publicCeilingBps: number;
  @ApiProperty({ type: Object }) funders: Record<string, unknown>;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
}

export class RuleSetPageDto {
  @ApiProperty({ type: [RuleSetDto] }) items: RuleSetDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class ExpenseDto {
  @ApiProperty({ enum: CATEGORIES }) @IsIn(CATEGORIES) category: ExpenseCategory;
  @ApiProperty({ example: 'Construction du bâtiment' }) @IsString() @MinLength(1) @MaxLength(300) label: string;
  @ApiProperty({ example: 120_000_000, description: 'Cents, excluding tax' }) @IsInt() @Min(0) @Max(MAX_CENTS) amountCents: number;
}

export class ExpensesViewDto {
  @ApiProperty({ type: [ExpenseDto] }) items: ExpenseDto[];
  @ApiProperty() totalCents: number;
}

export class ComputeDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Default: the region's active rule set" }) @IsOptional() @IsUUID() ruleSetId?: string;
  @ApiPropertyOptional({ description: '{ FUNDER: rateBps }', example: { REGION: 2500 } }) @IsOptional() @IsObject() requestedRates?: Record<string, unknown>;
}

export class SimulatedProjectDto {
  @ApiProperty() @IsBoolean() existing: boolean;
  @ApiProperty() @IsInt() @Min(0) @Max(10_000) doctorsPlanned: number;
  @ApiProperty() @IsBoolean() balancedBudget: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(MAX_CENTS) forecastDeficitCents?: number;
}

export class SimulatedCommuneDto {
  @ApiProperty({ enum: ZONES }) @IsIn(ZONES) zone: Zone;
  @ApiProperty() @IsBoolean() qpv: boolean;
  @ApiProperty() @IsBoolean() island: boolean;
  @ApiProperty() @IsBoolean() rural: boolean;
}

export class SimulateDto extends ComputeDto {
  // @IsObject: @ValidateNested alone lets an absent object or an array through (a 500 after).
  @ApiProperty({ type: SimulatedProjectDto }) @IsObject() @ValidateNested() @Type(() => SimulatedProjectDto) project: SimulatedProjectDto;
  @ApiProperty({ enum: LEGAL }) @IsIn(LEGAL) promoterType: LegalType;
  @ApiProperty({ type: SimulatedCommuneDto }) @IsObject() @ValidateNested() @Type(() => SimulatedCommuneDto) commune: SimulatedCommuneDto;
  @ApiProperty({ type: [ExpenseDto] }) @IsArray() @ArrayMaxSize(500) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => ExpenseDto) expenses: ExpenseDto[];
}

export class PlanLineDto {
  @ApiProperty({ enum: FUNDERS }) funder: Funder;
  @ApiProperty() eligible: boolean;
  @ApiProperty({ type: [String] }) reasons: string[];
  @ApiProperty() baseCents: number;
  @ApiProperty({ type: Number, nullable: true }) requestedRateBps: number | null;
  @ApiProperty() appliedRateBps: number;
  @ApiProperty() amountCents: number;
  @ApiProperty({ type: String, nullable: true, enum: ['CAP', 'PUBLIC_CEILING', 'INELIGIBLE'] }) boundBy: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) committedCents?: number | null;
  @ApiPropertyOptional() paidCents?: number;
  @ApiPropertyOptional({
    description: 'Cents paid on the line that are to recover: what was paid once the plan is RELEASED (the dossier left the procedure); 0 before (never null on a stored plan)',
  })
  toRecoverCents?: number;
}

export class PlanDto {
  @ApiPropertyOptional({ format: 'uuid' }) id?: string;
  @ApiPropertyOptional({ enum: ['COMPUTED', 'COMMITTED', 'RELEASED'], description: 'RELEASED: the dossier left the procedure; envelopes and commitments given back, no more payments' })
  status?: string;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time', description: 'When the plan was released (null until then)' }) releasedAt?: string | null;
  @ApiProperty({ format: 'uuid' }) ruleSetId: string;
  @ApiProperty() ruleSetRevision: number;
  @ApiProperty() totalCents: number;
  @ApiProperty() eligibleCostCents: number;
  @ApiProperty() publicCeilingCents: number;
  @ApiProperty() publicTotalCents: number;
  @ApiProperty() selfFinancingCents: number;
  @ApiProperty({ type: [PlanLineDto] }) lines: PlanLineDto[];
  @ApiPropertyOptional() version?: number;
}

export class CommitmentDto {
  @ApiProperty({ description: 'Cents: at most the line amount' }) @IsInt() @Min(0) @Max(MAX_CENTS) committedCents: number;
}

export class PaymentDto {
  @ApiProperty({ enum: KINDS }) @IsIn(KINDS) kind: PaymentKind;
  @ApiProperty({ description: 'Cents' }) @IsInt() @Min(1) @Max(MAX_CENTS) amountCents: number;
  @ApiProperty({ example: '2026-11-20' }) @IsBusinessDate() paidOn: string;
}
