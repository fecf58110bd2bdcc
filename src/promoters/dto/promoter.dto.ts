import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { INSEE_COMMUNE, SIREN } from '../../common/validation/codes.js';
import { LegalType } from '../../generated/prisma/enums.js';

const LEGAL_TYPES = Object.values(LegalType);

export class CreatePromoterDto {
  @ApiProperty({ example: 'Commune de Saint-Flour' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: '211501874' })
  @IsOptional()
  @Matches(SIREN, { message: 'must be a SIREN number of 9 digits' })
  siren?: string;

  @ApiProperty({ example: 'COMMUNE', enum: LEGAL_TYPES })
  @IsIn(LEGAL_TYPES)
  legalType: LegalType;

  @ApiProperty({ example: '15187' })
  @Matches(INSEE_COMMUNE, { message: 'must be an INSEE commune code' })
  communeInsee: string;
}

// skipNullProperties: false — a field may be left out, but null only where the create
// admits it (siren: it clears it); a null name reached Prisma (500).
export class UpdatePromoterDto extends PartialType(CreatePromoterDto, { skipNullProperties: false }) {}

export class PromoterQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LEGAL_TYPES }) @IsOptional() @IsIn(LEGAL_TYPES) legalType?: LegalType;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(100) q?: string;
}

export class PromoterDto {
  @ApiProperty({ example: '01a236f8-1e07-7c3a-8f45-2d9b6c0e7a31', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Commune de Brioude' }) name: string;
  @ApiProperty({ example: '214300407', type: String, nullable: true }) siren: string | null;
  @ApiProperty({ example: 'COMMUNE', enum: LEGAL_TYPES }) legalType: LegalType;
  @ApiProperty({ example: '43040' }) communeInsee: string;
  @ApiProperty({ example: '84' }) regionCode: string;
  @ApiProperty({ example: '43' }) departmentCode: string;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) createdAt: string;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) updatedAt: string;
}

export class PromoterPageDto {
  @ApiProperty({ type: [PromoterDto] }) items: PromoterDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}
