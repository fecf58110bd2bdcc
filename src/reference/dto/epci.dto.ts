import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { DEPARTMENT_CODE, INSEE_COMMUNE } from '../../common/validation/codes.js';
import { Zone } from '../../generated/prisma/enums.js';
import { DetrDto } from './commune.dto.js';

export class EpciQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(100) q?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(DEPARTMENT_CODE, { message: 'must be a département code such as 74' }) departmentCode?: string;
}

export class EpciDto {
  @ApiProperty({ example: '200000172' }) siren: string;
  @ApiProperty({ example: 'Communauté de communes Brioude Sud Auvergne' }) name: string;
  @ApiProperty({ example: 'CC' }) type: string;
  @ApiProperty({ example: 17412 }) population: number;
  @ApiProperty({ example: 57 }) memberCount: number;
  @ApiProperty({ type: DetrDto }) detr: DetrDto;
}

export class EpciPageDto {
  @ApiProperty({ type: [EpciDto] }) items: EpciDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}

export class LoadOfficialDto {
  @ApiProperty({ example: '84' }) @IsString() @MaxLength(3) regionCode: string;
}

export class LoadResultDto {
  @ApiProperty({ example: '84' }) regionCode: string;
  @ApiProperty({ example: '@etalab/decoupage-administratif' }) source: string;
  @ApiProperty({ example: '6.0.0' }) version: string;
  @ApiProperty({ example: 4030 }) total: number;
  @ApiProperty({ example: 2 }) inserted: number;
  @ApiProperty({ example: 41 }) updated: number;
  @ApiProperty({ example: 3983 }) unchanged: number;
  @ApiProperty({ example: 4, description: 'Communes that left the dataset (merged): kept, marked inactive' }) deactivated: number;
  @ApiProperty({ example: 160 }) epcis: number;
  @ApiProperty({ example: 2840 }) ms: number;
}

const ZONES = Object.values(Zone);

/** A line of the zoning CSV: inseeCode,zone,qpv,island. */
export class ZoningRowDto {
  @Matches(INSEE_COMMUNE, { message: 'must be an INSEE commune code' }) inseeCode: string;
  @IsIn(ZONES, { message: `must be one of ${ZONES.join(', ')}` }) zone: Zone;
  @IsBoolean({ message: 'must be true or false' }) qpv: boolean;
  @IsBoolean({ message: 'must be true or false' }) island: boolean;
}

export class ZoningResultDto {
  @ApiProperty({ example: 257 }) updated: number;
  @ApiProperty({ example: 260 }) total: number;
}
