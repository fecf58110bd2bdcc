import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { DEPARTMENT_CODE, INSEE_COMMUNE, REGION_CODE } from '../../common/validation/codes.js';
import { IsOmittable } from '../../common/validation/optional.js';
import { Zone } from '../../generated/prisma/enums.js';

const ZONES = Object.values(Zone);

export class CreateCommuneDto {
  @ApiProperty({ example: '74119', description: 'INSEE code' })
  @Matches(INSEE_COMMUNE, { message: 'must be an INSEE commune code such as 74119 or 2A004' })
  inseeCode: string;

  @ApiProperty({ example: 'Évian-les-Bains' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name: string;

  @ApiProperty({ example: '74' })
  @Matches(DEPARTMENT_CODE, { message: 'must be a département code such as 74, 2A or 974' })
  departmentCode: string;

  @ApiProperty({ example: '84' })
  @Matches(REGION_CODE, { message: 'must be an INSEE region code such as 84' })
  regionCode: string;

  @ApiProperty({ example: 9281, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  population: number;

  @ApiProperty({ enum: ZONES })
  @IsIn(ZONES)
  zone: Zone;

  @ApiProperty() @IsBoolean() qpv: boolean;
  @ApiProperty() @IsBoolean() island: boolean;
  @ApiProperty({ description: 'Rural commune for the DETR, as the préfecture confirmed it' })
  @IsBoolean()
  rural: boolean;
}

export class UpdateCommuneDto {
  @ApiPropertyOptional() @IsOmittable() @IsString() @MinLength(1) @MaxLength(120) name?: string;
  @ApiPropertyOptional() @IsOmittable() @IsInt() @Min(0) @Max(10_000_000) population?: number;
  @ApiPropertyOptional({ enum: ZONES }) @IsOmittable() @IsIn(ZONES) zone?: Zone;
  @ApiPropertyOptional() @IsOmittable() @IsBoolean() qpv?: boolean;
  @ApiPropertyOptional() @IsOmittable() @IsBoolean() island?: boolean;
  @ApiPropertyOptional() @IsOmittable() @IsBoolean() rural?: boolean;
}

export class CommuneQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Name (any case, accents, hyphens) or postal code' })
  @IsOptional()
  @IsString()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @MinLength(1)
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ example: '74' })
  @IsOptional()
  @Matches(DEPARTMENT_CODE, { message: 'must be a département code such as 74' })
  departmentCode?: string;
}

export class DetrDto {
  @ApiProperty({ enum: ['ELIGIBLE', 'TO_CONFIRM', 'NOT_ELIGIBLE'] }) status: string;
  @ApiProperty() reason: string;
}

export class CommuneDto {
  @ApiProperty() inseeCode: string;
  @ApiProperty() name: string;
  @ApiProperty() departmentCode: string;
  @ApiProperty() regionCode: string;
  @ApiProperty() population: number;
  @ApiProperty({ enum: ZONES }) zone: Zone;
  @ApiProperty() qpv: boolean;
  @ApiProperty() island: boolean;
  @ApiProperty() rural: boolean;
  @ApiProperty({ enum: ['OFFICIAL', 'MANUAL'] }) source: string;
  @ApiProperty({ type: [String] }) postalCodes: string[];
  @ApiProperty({ type: String, nullable: true }) siren: string | null;
  @ApiProperty({ type: String, nullable: true }) epciSiren: string | null;
  @ApiProperty({ type: String, nullable: true }) epciName: string | null;
  @ApiProperty({ type: DetrDto }) detr: DetrDto;
  @ApiProperty() active: boolean;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class CommunePageDto {
  @ApiProperty({ type: [CommuneDto] }) items: CommuneDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class ImportResultDto {
  @ApiProperty() inserted: number;
  @ApiProperty() updated: number;
  @ApiProperty() total: number;
}
