import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { OrganizationType } from '../../generated/prisma/enums.js';

export class LoginDto {
  @ApiProperty({ example: 'admin@localhost' })
  @IsEmail({ require_tld: false })
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}

export class TokensDto {
  @ApiProperty() accessToken: string;
  @ApiProperty() refreshToken: string;
  @ApiProperty({ description: 'Seconds until the access token expires.' }) expiresIn: number;
}

export class MeDto {
  @ApiProperty({ enum: ['USER', 'API_KEY'] }) kind: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['ADMIN', 'INSTRUCTOR', 'DIRECTOR', 'PARTNER', 'AUDITOR', 'REPORTING'] }) role: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty({ example: '84' }) regionCode: string;
  @ApiProperty({ nullable: true, type: String, example: null }) departmentCode: string | null;
  @ApiProperty({ isArray: true, enum: ['REGION', 'ARS', 'DETR', 'DSIL', 'FNADT', 'DEPARTEMENT'] }) funders: string[];
  @ApiProperty({ type: String, nullable: true, example: 'camille.martin@ars.sante.fr', description: "The user's e-mail; null for an API key" }) email: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Camille Martin', description: "The user's display name, when it has one; null for an API key" })
  displayName: string | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: "The API key's name; null for a user" }) name: string | null;
  @ApiProperty({ example: 'ARS Auvergne-Rhône-Alpes' }) organizationName: string;
  @ApiProperty({ enum: Object.values(OrganizationType) }) organizationType: OrganizationType;
}
