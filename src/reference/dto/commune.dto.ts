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

  @ApiProperty({ example: 'ZAC', enum: ZONES })
  @IsIn(ZONES)
  zone: Zone;

  @ApiProperty({ example: false }) @IsBoolean() qpv: boolean;
  @ApiProperty({ example: false }) @IsBoolean() island: boolean;
  @ApiProperty({ example: false, description: 'Rural commune for the DETR, as the préfecture confirmed it' })
  @IsBoolean()
  rural: boolean;
}

export class UpdateCommuneDto {
  @ApiPropertyOptional({ example: 'Brioude' }) @IsOmittable() @IsString() @MinLength(1) @MaxLength(120) name?: string;
  @ApiPropertyOptional({ example: 6672 }) @IsOmittable() @IsInt() @Min(0) @Max(10_000_000) population?: number;
  @ApiPropertyOptional({ example: 'ZIP', enum: ZONES }) @IsOmittable() @IsIn(ZONES) zone?: Zone;
  @ApiPropertyOptional({ example: false }) @IsOmittable() @IsBoolean() qpv?: boolean;
  @ApiPropertyOptional({ example: false }) @IsOmittable() @IsBoolean() island?: boolean;
  @ApiPropertyOptional({ example: true }) @IsOmittable() @IsBoolean() rural?: boolean;
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
  @ApiProperty({ example: 'ELIGIBLE', enum: ['ELIGIBLE', 'TO_CONFIRM', 'NOT_ELIGIBLE'] }) status: string;
  @ApiProperty({ example: 'Commune de moins de 20 000 habitants (DGCL 2026)' }) reason: string;
}

export class CommuneDto {
  @ApiProperty({ example: '43040' }) inseeCode: string;
  @ApiProperty({ example: 'Brioude' }) name: string;
  @ApiProperty({ example: '43' }) departmentCode: string;
  @ApiProperty({ example: '84' }) regionCode: string;
  @ApiProperty({ example: 6672 }) population: number;
  @ApiProperty({ example: 'ZIP', enum: ZONES }) zone: Zone;
  @ApiProperty({ example: false }) qpv: boolean;
  @ApiProperty({ example: false }) island: boolean;
  @ApiProperty({ example: true }) rural: boolean;
  @ApiProperty({ example: 'OFFICIAL', enum: ['OFFICIAL', 'MANUAL'] }) source: string;
  @ApiProperty({ example: ['43100'], type: [String] }) postalCodes: string[];
  @ApiProperty({ example: '214300407', type: String, nullable: true }) siren: string | null;
  @ApiProperty({ example: '200073419', type: String, nullable: true }) epciSiren: string | null;
  @ApiProperty({ example: 'Communauté de communes Brioude Sud Auvergne', type: String, nullable: true }) epciName: string | null;
  @ApiProperty({ type: DetrDto }) detr: DetrDto;
  @ApiProperty({ example: true }) active: boolean;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) createdAt: string;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) updatedAt: string;
}

export class CommunePageDto {
  @ApiProperty({ type: [CommuneDto] }) items: CommuneDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}

export class ImportResultDto {
  @ApiProperty({ example: 12 }) inserted: number;
  @ApiProperty({ example: 3 }) updated: number;
  @ApiProperty({ example: 15 }) total: number;
}
