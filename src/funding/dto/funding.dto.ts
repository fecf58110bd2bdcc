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
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsBusinessDate } from '../../common/validation/dates.js';
import { ExpenseCategory, ExpenseNature, Funder, LegalType, PaymentKind, ProjectKind, ProjectNature, Zone } from '../../generated/prisma/enums.js';
import { DEPARTMENT_CODE } from '../../common/validation/codes.js';
import { BASES, TERRITORIES } from '../calculator.js';

const CATEGORIES = Object.values(ExpenseCategory);
const FUNDERS = Object.values(Funder);
const LEGAL = Object.values(LegalType);
const ZONES = Object.values(Zone);
const KINDS = Object.values(PaymentKind);
const MAX_CENTS = Number.MAX_SAFE_INTEGER;
const NATURES = Object.values(ExpenseNature);
const PROJECT_KINDS = Object.values(ProjectKind);
const PROJECT_NATURES = Object.values(ProjectNature);
const DETR_STATUSES = ['ELIGIBLE', 'TO_CONFIRM', 'NOT_ELIGIBLE', 'CONFIRMED', 'REFUSED'] as const;

export class RuleConditionDto {
  @ApiProperty({ example: 'projet-de-sante', description: 'Attested on the dossier under this code' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,99}$/, { message: 'must be lower-case letters, digits and hyphens (at most 100)' })
  code: string;
  @ApiProperty({ example: 'reposant sur un projet de santé' }) @IsString() @MinLength(1) @MaxLength(500) label: string;
  @ApiPropertyOptional({ example: ['CREATION', 'EXTENSION'], enum: PROJECT_NATURES, isArray: true, description: 'It applies only to these project natures' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(PROJECT_NATURES, { each: true })
  natures?: ProjectNature[];
  @ApiPropertyOptional({ example: ['COMMUNE', 'EPCI'], enum: Object.values(LegalType), isArray: true, description: 'A promoter of these types is itself the proof' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(Object.values(LegalType), { each: true })
  satisfiedByPromoterTypes?: LegalType[];
}

export class FunderRuleDto {
  @ApiProperty({ example: ['IMMOBILIER', 'EQUIPEMENT'], enum: CATEGORIES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(CATEGORIES, { each: true })
  categories: ExpenseCategory[];
  @ApiProperty({ example: ['COMMUNE', 'EPCI', 'ASSOCIATION'], enum: LEGAL, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(LEGAL, { each: true })
  promoterTypes: LegalType[];
  @ApiPropertyOptional({ example: 2 }) @IsOptional() @IsInt() @Min(0) @Max(100) minDoctors?: number;
  @ApiPropertyOptional({ example: true }) @IsOptional() @IsBoolean() requiresBalancedBudget?: boolean;
  @ApiPropertyOptional({ example: false }) @IsOptional() @IsBoolean() requiresRural?: boolean;
  @ApiPropertyOptional({ example: ['ZIP', 'ZAC'], enum: TERRITORIES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(TERRITORIES, { each: true })
  territories?: (typeof TERRITORIES)[number][];
  @ApiProperty({ example: 3000 }) @IsInt() @Min(0) @Max(10000) defaultRateBps: number;
  @ApiProperty({ example: 1000 }) @IsInt() @Min(0) @Max(10000) minRateBps: number;
  @ApiProperty({ example: 5000 }) @IsInt() @Min(0) @Max(10000) maxRateBps: number;
  // Caps below zero are a business rule (422 naming it), not a malformed number.
  @ApiPropertyOptional({ example: 30_000_000, description: 'Cents: cap on the aid' }) @IsOptional() @IsInt() @Max(MAX_CENTS) capCents?: number;
  @ApiPropertyOptional({ example: 15_000_000, description: "Cents: the cap on the aid for an existing centre's extension" })
  @IsOptional()
  @IsInt()
  @Max(MAX_CENTS)
  capCentsExisting?: number;
  @ApiPropertyOptional({ example: 150_000_000, description: 'Cents: cap on the eligible expenditure (the base), before the rate' })
  @IsOptional()
  @IsInt()
  @Max(MAX_CENTS)
  baseCapCents?: number;
  @ApiPropertyOptional({ example: ['IMMOBILIER'], enum: CATEGORIES, isArray: true, description: 'The categories the base cap bounds (default: all of the rule)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(CATEGORIES, { each: true })
  baseCapCategories?: ExpenseCategory[];
  @ApiPropertyOptional({ example: 'HT', enum: BASES, default: 'HT', description: 'Expenses counted excluding (HT) or including (TTC) tax' })
  @IsOptional()
  @IsIn(BASES)
  basis?: (typeof BASES)[number];
  @ApiPropertyOptional({ example: ['LAND'], enum: NATURES, isArray: true, description: 'Expense natures this funder does not count' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(NATURES, { each: true })
  excludedNatures?: ExpenseNature[];
  @ApiPropertyOptional({ example: ['MSP', 'CDS_POLYVALENT'], enum: PROJECT_KINDS, isArray: true, description: 'Structure kinds funded (default: all)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(PROJECT_KINDS, { each: true })
  kinds?: ProjectKind[];
  @ApiPropertyOptional({ example: ['CREATION', 'EXTENSION'], enum: PROJECT_NATURES, isArray: true, description: 'Project natures funded (default: all)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(PROJECT_NATURES, { each: true })
  natures?: ProjectNature[];
  @ApiPropertyOptional({ description: '{ CATEGORY: [territory] }: the territories each category reaches', example: { IMMOBILIER: ['ZIP', 'QPV_IN_ZAC', 'ISLAND'] } })
  @IsOptional()
  @IsObject()
  territoriesByCategory?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [String], description: 'The rule applies only in these départements', example: ['74'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(120)
  @ArrayUnique()
  @Matches(DEPARTMENT_CODE, { each: true, message: 'must be département codes such as 74' })
  departmentCodes?: string[];
  @ApiPropertyOptional({ type: [RuleConditionDto], description: 'Conditions no data can check, attested on the dossier' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RuleConditionDto)
  conditions?: RuleConditionDto[];
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(100) priority: number;
}

/** A rule set's funders, as the examples of the document show them. */
const FUNDERS_EXAMPLE = {
  REGION: {
    categories: ['IMMOBILIER', 'EQUIPEMENT'],
    promoterTypes: ['COMMUNE', 'EPCI'],
    defaultRateBps: 3000,
    minRateBps: 1000,
    maxRateBps: 5000,
    capCents: 30_000_000,
    priority: 1,
  },
};

export class CreateRuleSetDto {
  @ApiProperty({ example: 'AURA 2026' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ example: 8000, description: 'Ceiling of public aid, basis points of the eligible cost' }) @IsInt() @Min(0) @Max(10000) publicCeilingBps: number;
  @ApiPropertyOptional({
    example: 'CGCT L1111-10 III : dérogation du préfet pour un projet de santé en ZIP',
    description: 'The legal basis of a ceiling above 80 % (CGCT L1111-10 derogations): required above 8000 bps',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  ceilingLegalBasis?: string;
  @ApiProperty({
    example: FUNDERS_EXAMPLE,
    description: 'One entry per funder: REGION, ARS, DETR, DSIL, FNADT, DEPARTEMENT',
    additionalProperties: { $ref: '#/components/schemas/FunderRuleDto' },
  })
  @IsObject()
  funders: Record<string, unknown>;
}

export class RuleSetDto {
  @ApiProperty({ example: '01a236e0-6d5c-7a4b-8e3f-2a1b0c9d8e76', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'AURA 2026' }) name: string;
  @ApiProperty({ example: '84' }) regionCode: string;
  @ApiProperty({ example: 2 }) revision: number;
  @ApiProperty({ example: true }) active: boolean;
  @ApiProperty({ example: 8000 }) publicCeilingBps: number;
  @ApiProperty({ example: null, type: String, nullable: true }) ceilingLegalBasis: string | null;
  @ApiProperty({
    example: FUNDERS_EXAMPLE,
    type: Object,
  })
  funders: Record<string, unknown>;
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) createdAt: string;
}

export class RuleSetPageDto {
  @ApiProperty({ type: [RuleSetDto] }) items: RuleSetDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}

export class ExpenseDto {
  @ApiProperty({ example: 'IMMOBILIER', enum: CATEGORIES }) @IsIn(CATEGORIES) category: ExpenseCategory;
  @ApiProperty({ example: 'Construction du bâtiment' }) @IsString() @MinLength(1) @MaxLength(300) label: string;
  @ApiProperty({ example: 120_000_000, description: 'Cents, excluding tax' }) @IsInt() @Min(0) @Max(MAX_CENTS) amountCents: number;
  @ApiPropertyOptional({ example: 'WORKS', enum: NATURES, default: 'OTHER', description: 'What the expense is within its category' })
  @IsOptional()
  @IsIn(NATURES)
  nature?: ExpenseNature;
  @ApiPropertyOptional({ example: 24_000_000, default: 0, description: 'Cents: its VAT, for funders counting TTC' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_CENTS)
  vatCents?: number;
}

export class ExpensesViewDto {
  @ApiProperty({ type: [ExpenseDto] }) items: ExpenseDto[];
  @ApiProperty({ example: 150_000_000 }) totalCents: number;
}

export class ComputeDto {
  @ApiPropertyOptional({ example: '01a236e0-6d5c-7a4b-8e3f-2a1b0c9d8e76', format: 'uuid', description: "Default: the region's active rule set" })
  @IsOptional()
  @IsUUID()
  ruleSetId?: string;
  @ApiPropertyOptional({ description: '{ FUNDER: rateBps }', example: { REGION: 2500 } }) @IsOptional() @IsObject() requestedRates?: Record<string, unknown>;
}

export class SimulatedProjectDto {
  @ApiProperty({ example: false }) @IsBoolean() existing: boolean;
  @ApiProperty({ example: 4 }) @IsInt() @Min(0) @Max(10_000) doctorsPlanned: number;
  @ApiProperty({ example: true }) @IsBoolean() balancedBudget: boolean;
  @ApiPropertyOptional({ example: 4_500_000 }) @IsOptional() @IsInt() @Min(0) @Max(MAX_CENTS) forecastDeficitCents?: number;
  @ApiPropertyOptional({ example: 11, minimum: 0, description: 'Health professionals, doctors included' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  professionalsPlanned?: number;
  @ApiPropertyOptional({ example: 'MSP', enum: PROJECT_KINDS }) @IsOptional() @IsIn(PROJECT_KINDS) kind?: ProjectKind;
  @ApiPropertyOptional({ example: 'CREATION', enum: PROJECT_NATURES }) @IsOptional() @IsIn(PROJECT_NATURES) nature?: ProjectNature;
  @ApiPropertyOptional({ example: '74' }) @IsOptional() @Matches(DEPARTMENT_CODE, { message: 'must be a département code such as 74' }) departmentCode?: string;
  @ApiPropertyOptional({ example: true, description: 'The professionals form a SISA' }) @IsOptional() @IsBoolean() sisa?: boolean;
  @ApiPropertyOptional({ example: '2026-01-01', description: 'Start of operation: start-up aid covers two years from it' })
  @IsOptional()
  @IsBusinessDate()
  operationStartOn?: string;
}

export class SimulatedCommuneDto {
  @ApiProperty({ example: 'ZIP', enum: ZONES }) @IsIn(ZONES) zone: Zone;
  @ApiProperty({ example: false }) @IsBoolean() qpv: boolean;
  @ApiProperty({ example: false }) @IsBoolean() island: boolean;
  @ApiProperty({ example: true, description: 'Read as the DETR status when detrStatus is absent (true: ELIGIBLE)' }) @IsBoolean() rural: boolean;
  @ApiPropertyOptional({ example: 'ELIGIBLE', enum: DETR_STATUSES, description: "The promoter's DETR eligibility, CONFIRMED or REFUSED by the préfecture when it was TO_CONFIRM" })
  @IsOptional()
  @IsIn(DETR_STATUSES)
  detrStatus?: (typeof DETR_STATUSES)[number];
}

export class SimulateDto extends ComputeDto {
  // @IsObject: @ValidateNested alone lets an absent object or an array through (a 500 after).
  @ApiProperty({ type: SimulatedProjectDto }) @IsObject() @ValidateNested() @Type(() => SimulatedProjectDto) project: SimulatedProjectDto;
  @ApiProperty({ example: 'COMMUNE', enum: LEGAL }) @IsIn(LEGAL) promoterType: LegalType;
  @ApiProperty({ type: SimulatedCommuneDto }) @IsObject() @ValidateNested() @Type(() => SimulatedCommuneDto) commune: SimulatedCommuneDto;
  @ApiProperty({ type: [ExpenseDto] }) @IsArray() @ArrayMaxSize(500) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => ExpenseDto) expenses: ExpenseDto[];
  @ApiPropertyOptional({ example: ['projet-de-sante'], type: [String], description: "Codes of the rule set's conditions taken as attested" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  attestations?: string[];
}

export class PlanLineDto {
  @ApiProperty({ example: 'REGION', enum: FUNDERS }) funder: Funder;
  @ApiProperty({ example: true }) eligible: boolean;
  @ApiProperty({ example: [], type: [String] }) reasons: string[];
  @ApiProperty({ example: 125_000_000 }) baseCents: number;
  @ApiProperty({ example: 2000, type: Number, nullable: true }) requestedRateBps: number | null;
  @ApiProperty({ example: 2000 }) appliedRateBps: number;
  @ApiProperty({ example: 25_000_000 }) amountCents: number;
  @ApiProperty({ example: null, type: String, nullable: true, enum: ['CAP', 'PUBLIC_CEILING', 'INELIGIBLE'] }) boundBy: string | null;
  @ApiPropertyOptional({ example: 25_000_000, type: Number, nullable: true }) committedCents?: number | null;
  @ApiPropertyOptional({ example: 7_500_000 }) paidCents?: number;
  @ApiPropertyOptional({
    example: 0,
    description: 'Cents paid on the line that are to recover: what was paid once the plan is RELEASED (the dossier left the procedure); 0 before (never null on a stored plan)',
  })
  toRecoverCents?: number;
}

export class DetrConfirmationResultDto {
  @ApiProperty({ example: '01a236fb-ad5e-7576-b488-e3f7226133c1', format: 'uuid' }) applicationId: string;
  @ApiProperty({ example: 'TO_CONFIRM', enum: ['ELIGIBLE', 'TO_CONFIRM', 'NOT_ELIGIBLE'], description: "The promoter's DETR eligibility from the official data" }) status: string;
  @ApiProperty({ example: 'Commune de plus de 20 000 habitants dans une unité urbaine : confirmation préfectorale requise' }) reason: string;
  @ApiProperty({ example: 'CONFIRMED', enum: ['CONFIRMED', 'REFUSED'], nullable: true, type: String }) decision: 'CONFIRMED' | 'REFUSED' | null;
  @ApiProperty({ example: 'Potentiel financier sous le seuil', type: String, nullable: true }) decisionReason: string | null;
  @ApiProperty({ example: '2026-11-20T09:41:27.512Z', type: String, nullable: true }) decidedAt: string | null;
}

export class DetrConfirmationDto {
  @ApiProperty({ example: 'CONFIRMED', enum: ['CONFIRMED', 'REFUSED'] }) @IsIn(['CONFIRMED', 'REFUSED']) decision: 'CONFIRMED' | 'REFUSED';
  @ApiProperty({ example: 'Potentiel financier sous le seuil' }) @IsString() @Matches(/\S/, { message: 'must not be blank' }) @MaxLength(2000) reason: string;
}

export class PlanDto {
  @ApiPropertyOptional({ example: '01a23705-3f2e-7d1c-b0a9-8f7e6d5c4b32', format: 'uuid' }) id?: string;
  @ApiPropertyOptional({
    example: 'COMMITTED',
    enum: ['COMPUTED', 'COMMITTED', 'RELEASED'],
    description: 'RELEASED: the dossier left the procedure; envelopes and commitments given back, no more payments',
  })
  status?: string;
  @ApiPropertyOptional({ example: null, type: String, nullable: true, format: 'date-time', description: 'When the plan was released (null until then)' }) releasedAt?:
    string | null;
  @ApiProperty({ example: '01a236e0-6d5c-7a4b-8e3f-2a1b0c9d8e76', format: 'uuid' }) ruleSetId: string;
  @ApiProperty({ example: 2 }) ruleSetRevision: number;
  @ApiProperty({ example: 150_000_000 }) totalCents: number;
  @ApiProperty({ example: 125_000_000 }) eligibleCostCents: number;
  @ApiProperty({ example: 100_000_000 }) publicCeilingCents: number;
  @ApiProperty({ example: 62_500_000 }) publicTotalCents: number;
  @ApiProperty({ example: 87_500_000 }) selfFinancingCents: number;
  @ApiProperty({ type: [PlanLineDto], description: "A partner reads its own funders' lines only (the others are omitted; the totals stay)" }) lines: PlanLineDto[];
  @ApiPropertyOptional({ example: 3 }) version?: number;
}

export class CommitmentDto {
  @ApiProperty({ example: 25_000_000, description: 'Cents: at most the line amount' }) @IsInt() @Min(0) @Max(MAX_CENTS) committedCents: number;
}

export class PaymentDto {
  @ApiProperty({ example: 'ADVANCE', enum: KINDS }) @IsIn(KINDS) kind: PaymentKind;
  @ApiProperty({ example: 7_500_000, description: 'Cents' }) @IsInt() @Min(1) @Max(MAX_CENTS) amountCents: number;
  @ApiProperty({ example: '2026-11-20' }) @IsBusinessDate() paidOn: string;
}
