import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { DEPARTMENT_CODE, INSEE_COMMUNE } from '../../common/validation/codes.js';
import { Convention, ProjectKind } from '../../generated/prisma/enums.js';

const KINDS = Object.values(ProjectKind);
const CONVENTIONS = Object.values(Convention);

export class CreateProjectDto {
  @ApiProperty({ example: 'MSP du Haut-Allier' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ enum: KINDS }) @IsIn(KINDS) kind: ProjectKind;
  @ApiProperty({ format: 'uuid' }) @IsUUID() promoterId: string;
  @ApiProperty({ example: '43040' })
  @Matches(INSEE_COMMUNE, { message: 'must be an INSEE commune code' })
  communeInsee: string;
  @ApiProperty({ description: 'An existing centre (extension): accompanied on step 3 only' }) @IsBoolean() existing: boolean;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(10_000) doctorsPlanned: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(10_000) professionalsPlanned: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(100_000_000) populationServed: number;
  @ApiProperty({ description: 'Balanced multi-year budget (a Région condition)' }) @IsBoolean() balancedBudget: boolean;
  @ApiProperty({ enum: CONVENTIONS }) @IsIn(CONVENTIONS) convention: Convention;
  @ApiPropertyOptional({ description: 'Forecast operating deficit of the first two years, in cents (caps start-up aid)', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  forecastDeficitCents?: number;
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
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: KINDS }) kind: ProjectKind;
  @ApiProperty({ format: 'uuid' }) promoterId: string;
  @ApiProperty() communeInsee: string;
  @ApiProperty() regionCode: string;
  @ApiProperty() departmentCode: string;
  @ApiProperty() existing: boolean;
  @ApiProperty() doctorsPlanned: number;
  @ApiProperty() professionalsPlanned: number;
  @ApiProperty() populationServed: number;
  @ApiProperty() balancedBudget: boolean;
  @ApiProperty({ enum: CONVENTIONS }) convention: Convention;
  @ApiProperty({ type: Number, nullable: true }) forecastDeficitCents: number | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class ProjectPageDto {
  @ApiProperty({ type: [ProjectDto] }) items: ProjectDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
