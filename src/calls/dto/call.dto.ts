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
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { DEPARTMENT_CODE, REGION_CODE } from '../../common/validation/codes.js';
import { IsCalendarDate } from '../../common/validation/dates.js';
import { IsOmittable } from '../../common/validation/optional.js';
import { Convention, DocumentKind, ExpenseCategory, ExpenseNature, LegalType, ProjectKind, type CallProcedure } from '../../generated/prisma/enums.js';
import { TARGET_NAMES, type Target } from '../mapping.js';

export const CALL_PROCEDURES: CallProcedure[] = ['STEP1', 'AUDIT'];

export class CallWriteBackDto {
  @ApiProperty({ example: 'SW5zdHJ1Y3RldXItMTIz', description: 'The DS instructeur (its GraphQL id) the service writes as', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  instructeurId: string;

  @ApiPropertyOptional({
    example: 'Q2hhbXAtOTk5',
    nullable: true,
    type: String,
    description: "A private annotation (text) of the démarche: each sync writes our status there, so DS's users see where the dossier stands; null: none",
    maxLength: 100,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  statusAnnotationId?: string | null;

  @ApiPropertyOptional({ example: true, description: 'Instructors may write to promoters on DS (POST /applications/{id}/ds-messages); false by default' })
  @IsOptional()
  @IsBoolean()
  messages?: boolean;
}

export class CallDsDto {
  @ApiProperty({ example: 98_765, description: 'The number of the démarche on Démarches Simplifiées that collects the applications' })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  demarcheNumber: number;

  @ApiPropertyOptional({ type: CallWriteBackDto, nullable: true, description: 'Writing back to DS (off unless given): our status as an annotation, messages to promoters' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CallWriteBackDto)
  writeBack?: CallWriteBackDto | null;
}

export class CreateCallDto {
  @ApiProperty({ example: 'Appel à candidatures 2027 — maisons de santé pluriprofessionnelles', maxLength: 300 })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  @Matches(/\S/, { message: 'must not be blank' })
  title: string;

  @ApiProperty({ example: '84' }) @Matches(REGION_CODE, { message: 'must be an INSEE region code such as 84' }) regionCode: string;

  @ApiPropertyOptional({ example: ['43', '15'], type: [String], description: 'The départements of the region it is open to; absent or empty: the whole region' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(DEPARTMENT_CODE, { each: true, message: 'each must be a département code such as 43' })
  departmentCodes?: string[];

  @ApiProperty({ example: '2027-01-15', format: 'date' }) @IsCalendarDate() opensOn: string;
  @ApiProperty({ example: '2027-04-30', format: 'date', description: 'On or after opensOn' }) @IsCalendarDate() closesOn: string;

  @ApiProperty({ enum: CALL_PROCEDURES, example: 'STEP1', description: 'STEP1: requests for accompaniment (étape 1); AUDIT: the audit of existing centres' })
  @IsIn(CALL_PROCEDURES)
  procedure: CallProcedure;

  @ApiPropertyOptional({ type: CallDsDto, description: 'The démarche that collects it on Démarches Simplifiées' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CallDsDto)
  ds?: CallDsDto;
}

export class UpdateCallDto {
  @ApiPropertyOptional({ example: 'Appel à candidatures 2027 — MSP et centres de santé', maxLength: 300 })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  @Matches(/\S/, { message: 'must not be blank' })
  title?: string;

  @ApiPropertyOptional({ example: ['43'], type: [String] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(DEPARTMENT_CODE, { each: true, message: 'each must be a département code such as 43' })
  departmentCodes?: string[];

  @ApiPropertyOptional({ example: '2027-01-15', format: 'date' }) @IsOmittable() @IsCalendarDate() opensOn?: string;
  @ApiPropertyOptional({ example: '2027-05-15', format: 'date' }) @IsOmittable() @IsCalendarDate() closesOn?: string;

  @ApiPropertyOptional({ type: CallDsDto, nullable: true, description: 'null: no démarche (its token is forgotten too)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CallDsDto)
  ds?: CallDsDto | null;
}

export class DsTokenDto {
  @ApiProperty({ example: 'a1b2c3d4e5f6…', description: "The démarche's API token (Démarches Simplifiées, API v2); kept encrypted, never answered", minLength: 10, maxLength: 500 })
  @IsString()
  @MinLength(10)
  @MaxLength(500)
  @Matches(/^\S+$/, { message: 'must not contain spaces' })
  token: string;
}

export class CallQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CALL_PROCEDURES }) @IsOptional() @IsIn(CALL_PROCEDURES) procedure?: CallProcedure;
  @ApiPropertyOptional({ example: '2027-02-01', format: 'date', description: 'The calls open on that day' }) @IsOptional() @IsCalendarDate() openOn?: string;
}

export class MappedFieldDto {
  @ApiProperty({ example: 'Q2hhbXAtMTIzNDU=', description: "The champ's stable id in the démarche (its champDescriptor id)", maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  champId: string;

  @ApiProperty({ enum: TARGET_NAMES, example: 'project.name', description: 'What it feeds; `expense` takes a category (and a nature and label), `document` a kind' })
  @IsIn(TARGET_NAMES)
  target: Target;

  @ApiPropertyOptional({ enum: Object.values(ExpenseCategory), example: 'IMMOBILIER' }) @IsOptional() @IsIn(Object.values(ExpenseCategory)) category?: ExpenseCategory;
  @ApiPropertyOptional({ enum: Object.values(ExpenseNature), example: 'WORKS' }) @IsOptional() @IsIn(Object.values(ExpenseNature)) nature?: ExpenseNature;
  @ApiPropertyOptional({ example: 'Travaux du rez-de-chaussée', maxLength: 200 }) @IsOptional() @IsString() @MinLength(1) @MaxLength(200) label?: string;
  @ApiPropertyOptional({ enum: Object.values(DocumentKind), example: 'PROJET_DE_SANTE' }) @IsOptional() @IsIn(Object.values(DocumentKind)) kind?: DocumentKind;
}

export class MappingDefaultsDto {
  @ApiPropertyOptional({ enum: Object.values(LegalType), example: 'SISA', description: "The promoters' legal type (default OTHER)" })
  @IsOptional()
  @IsIn(Object.values(LegalType))
  legalType?: LegalType;

  @ApiPropertyOptional({ enum: Object.values(ProjectKind), example: 'MSP', description: "The projects' kind (default MSP)" })
  @IsOptional()
  @IsIn(Object.values(ProjectKind))
  kind?: ProjectKind;
  @ApiPropertyOptional({ example: false, description: 'An existing centre (default: true for an AUDIT call, false otherwise)' }) @IsOptional() @IsBoolean() existing?: boolean;
  @ApiPropertyOptional({ example: false, description: 'Default false, until the instructor checks the budget' }) @IsOptional() @IsBoolean() balancedBudget?: boolean;
  @ApiPropertyOptional({ enum: Object.values(Convention), example: 'NONE', description: 'Default NONE' }) @IsOptional() @IsIn(Object.values(Convention)) convention?: Convention;
  @ApiPropertyOptional({ example: 0, description: 'When no champ feeds it (default 0)' }) @IsOptional() @IsInt() @Min(0) @Max(10_000) doctorsPlanned?: number;
  @ApiPropertyOptional({ example: 0, description: 'When no champ feeds it (default 0)' }) @IsOptional() @IsInt() @Min(0) @Max(10_000) professionalsPlanned?: number;
  @ApiPropertyOptional({ example: 0, description: 'When no champ feeds it (default 0)' }) @IsOptional() @IsInt() @Min(0) @Max(10_000_000) populationServed?: number;
}

export class MappingDto {
  @ApiProperty({ type: [MappedFieldDto], description: 'promoter.name, project.name and project.commune are required' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => MappedFieldDto)
  fields: MappedFieldDto[];

  @ApiPropertyOptional({ type: MappingDefaultsDto, description: 'What DS does not give, for every dossier of the call (a champ that feeds a count wins over its default)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MappingDefaultsDto)
  defaults?: MappingDefaultsDto;
}

export class CallMappingDto {
  @ApiProperty({ example: 'UHJvY2VkdXJlUmV2aXNpb24tMQ==', description: 'The revision of the démarche it was checked against' }) revision: string;
  @ApiProperty({ type: [MappedFieldDto] }) fields: MappedFieldDto[];
  @ApiProperty({ type: MappingDefaultsDto }) defaults: MappingDefaultsDto;
}

export class CallDsStateDto {
  @ApiProperty({ example: 98_765 }) demarcheNumber: number;
  @ApiProperty({ example: true, description: 'Whether its API token is set (the token itself is never answered)' }) hasToken: boolean;
  @ApiProperty({ type: CallWriteBackDto, nullable: true, description: 'null: nothing is written back to DS' }) writeBack: CallWriteBackDto | null;
  @ApiProperty({ example: '2027-02-01T08:59:00.000Z', format: 'date-time', nullable: true, type: String, description: 'The next sync reads the dossiers changed on DS since then' })
  syncedUntil: string | null;
}

export class CallDto {
  @ApiProperty({ format: 'uuid', example: '01a23722-7e1f-7a02-8b3c-4d5e6f708192' }) id: string;
  @ApiProperty({ example: '84' }) regionCode: string;
  @ApiProperty({ example: ['43', '15'], type: [String], description: 'Empty: the whole region' }) departmentCodes: string[];
  @ApiProperty({ example: 'Appel à candidatures 2027 — maisons de santé pluriprofessionnelles' }) title: string;
  @ApiProperty({ example: '2027-01-15', format: 'date' }) opensOn: string;
  @ApiProperty({ example: '2027-04-30', format: 'date' }) closesOn: string;
  @ApiProperty({ enum: CALL_PROCEDURES, example: 'STEP1' }) procedure: CallProcedure;
  @ApiProperty({ type: CallDsStateDto, nullable: true }) ds: CallDsStateDto | null;
  @ApiProperty({ type: CallMappingDto, nullable: true, description: 'Which champ of the démarche feeds which field' }) mapping: CallMappingDto | null;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ example: '2026-12-02T09:15:02.871Z', format: 'date-time' }) createdAt: string;
  @ApiProperty({ example: '2026-12-02T09:15:02.871Z', format: 'date-time' }) updatedAt: string;
}

export class CallPageDto {
  @ApiProperty({ type: [CallDto] }) items: CallDto[];
  @ApiProperty({ example: null, type: String, nullable: true }) nextCursor: string | null;
}
