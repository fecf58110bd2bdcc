import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
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
  registerDecorator,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { DEPARTMENT_CODE, INSEE_COMMUNE } from '../../common/validation/codes.js';
import { isCalendarDate } from '../../common/validation/dates.js';
import { Convention, ProjectKind, ProjectNature } from '../../generated/prisma/enums.js';

const KINDS = Object.values(ProjectKind);
const CONVENTIONS = Object.values(Convention);
const NATURES = Object.values(ProjectNature);

/** A calendar date that may be in the future (an operation planned to start). */
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

/** An antenne of a centre de santé (seed 004): ≤ 20 h a week, < 30 min from its main site, one information system. */
export class AntenneDto {
  @ApiPropertyOptional({ example: 16, type: Number, nullable: true, minimum: 0, maximum: 168, description: 'Opening hours a week (at most 20)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(168)
  hoursPerWeek?: number | null;
  @ApiPropertyOptional({ example: 20, type: Number, nullable: true, minimum: 0, maximum: 10_000, description: 'Minutes from the main site (less than 30)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  minutesFromMainSite?: number | null;
  @ApiPropertyOptional({ example: true, type: Boolean, nullable: true, description: 'Shares the information system of the main site' })
  @IsOptional()
  @IsBoolean()
  sharesInformationSystem?: boolean | null;
}

export class AntenneViewDto {
  @ApiProperty({ example: 16, type: Number, nullable: true }) hoursPerWeek: number | null;
  @ApiProperty({ example: 20, type: Number, nullable: true }) minutesFromMainSite: number | null;
  @ApiProperty({ example: true, type: Boolean, nullable: true }) sharesInformationSystem: boolean | null;
}

export class CreateProjectDto {
  @ApiProperty({ example: 'MSP du Haut-Allier' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ example: 'MSP', enum: KINDS }) @IsIn(KINDS) kind: ProjectKind;
  @ApiProperty({ example: '01a236f8-1e07-7c3a-8f45-2d9b6c0e7a31', format: 'uuid' }) @IsUUID() promoterId: string;
  @ApiProperty({ example: '43040' })
  @Matches(INSEE_COMMUNE, { message: 'must be an INSEE commune code' })
  communeInsee: string;
  @ApiProperty({ example: false, description: 'An existing centre (extension): accompanied on step 3 only' }) @IsBoolean() existing: boolean;
  @ApiProperty({ example: 4, minimum: 0 }) @IsInt() @Min(0) @Max(10_000) doctorsPlanned: number;
  @ApiProperty({ example: 11, minimum: 0 }) @IsInt() @Min(0) @Max(10_000) professionalsPlanned: number;
  @ApiProperty({ example: 9500, minimum: 0 }) @IsInt() @Min(0) @Max(100_000_000) populationServed: number;
  @ApiProperty({ example: true, description: 'Balanced multi-year budget (a Région condition)' }) @IsBoolean() balancedBudget: boolean;
  @ApiProperty({ example: 'ACI', enum: CONVENTIONS }) @IsIn(CONVENTIONS) convention: Convention;
  @ApiPropertyOptional({ example: 4_500_000, description: 'Forecast operating deficit of the first two years, in cents (caps start-up aid)', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  forecastDeficitCents?: number;
  @ApiPropertyOptional({ example: 'CREATION', enum: NATURES, description: 'Default CREATION; EXTENSION for an existing centre' })
  @ValidateIf((o: CreateProjectDto) => o.nature !== undefined)
  @IsIn(NATURES)
  nature?: ProjectNature;
  @ApiPropertyOptional({ type: String, nullable: true, example: '2027-01-01', description: 'Start of operation: start-up aid counts the two years from it' })
  @IsOptional()
  @IsCalendarDate()
  operationStartOn?: string | null;
  @ApiPropertyOptional({ example: true, default: false, description: 'The professionals form a SISA (ARS and Assurance Maladie fund an MSP only then)' })
  @ValidateIf((o: CreateProjectDto) => o.sisa !== undefined)
  @IsBoolean()
  sisa?: boolean;
  @ApiPropertyOptional({ example: null, type: AntenneDto, nullable: true, description: "An antenne's conditions (kind ANTENNE)" })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AntenneDto)
  antenne?: AntenneDto | null;
}

// skipNullProperties: false — a field may be left out, but null only where the create
// admits it (forecastDeficitCents: it clears it); a null promoterId reached Prisma (500).
export class UpdateProjectDto extends PartialType(CreateProjectDto, { skipNullProperties: false }) {}

export class ProjectQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() promoterId?: string;
  @ApiPropertyOptional({ enum: KINDS }) @IsOptional() @IsIn(KINDS) kind?: ProjectKind;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(DEPARTMENT_CODE, { message: 'must be a département code such as 74' })
  departmentCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(100) q?: string;
}

export class ProjectDto {
  @ApiProperty({ example: '01a236f9-3c21-7b4e-9d12-6f0a8e4b2c17', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'MSP du Haut-Allier' }) name: string;
  @ApiProperty({ example: 'MSP', enum: KINDS }) kind: ProjectKind;
  @ApiProperty({ example: '01a236f8-1e07-7c3a-8f45-2d9b6c0e7a31', format: 'uuid' }) promoterId: string;
  @ApiProperty({ example: '43040' }) communeInsee: string;
  @ApiProperty({ example: '84' }) regionCode: string;
  @ApiProperty({ example: '43' }) departmentCode: string;
  @ApiProperty({ example: false }) existing: boolean;
  @ApiProperty({ example: 4 }) doctorsPlanned: number;
  @ApiProperty({ example: 11 }) professionalsPlanned: number;
  @ApiProperty({ example: 9500 }) populationServed: number;
  @ApiProperty({ example: true }) balancedBudget: boolean;
  @ApiProperty({ example: 'ACI', enum: CONVENTIONS }) convention: Convention;
  @ApiProperty({ example: 4_500_000, type: Number, nullable: true }) forecastDeficitCents: number | null;
  @ApiProperty({ example: 'CREATION', enum: NATURES }) nature: ProjectNature;
  @ApiProperty({ example: '2027-01-01', type: String, nullable: true }) operationStartOn: string | null;
  @ApiProperty({ example: true }) sisa: boolean;
  @ApiProperty({ type: AntenneViewDto, nullable: true }) antenne: AntenneViewDto | null;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-20T09:41:27.512Z' }) updatedAt: string;
}

export class ProjectPageDto {
  @ApiProperty({ type: [ProjectDto] }) items: ProjectDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}
