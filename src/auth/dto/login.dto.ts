import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { OrganizationType } from '../../generated/prisma/enums.js';

export class LoginDto {
  @ApiProperty({ example: 'admin@localhost' })
  @IsEmail({ require_tld: false })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'change-me-now', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}

export class TokensDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMWEyMzZmMi04ZDRlLTdhNjEtYjJjOS00ZTVmNmE3YjhjOTIifQ.c2lnbmF0dXJl' }) accessToken: string;
  @ApiProperty({ example: 'rt_5c1b9e2f7a4d4c08b6e3a9f1d2c7e84b' }) refreshToken: string;
  @ApiProperty({ example: 900, description: 'Seconds until the access token expires.' }) expiresIn: number;
}

export class ConsoleSessionDto {
  @ApiProperty({
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMWEyMzZmMi04ZDRlLTdhNjEtYjJjOS00ZTVmNmE3YjhjOTIifQ.c2lnbmF0dXJl',
    description: 'Keep it in memory only',
  })
  accessToken: string;
  @ApiProperty({ example: 900, description: 'Seconds until the access token expires: refresh before.' }) expiresIn: number;
}

export class MeDto {
  @ApiProperty({ example: 'USER', enum: ['USER', 'API_KEY'] }) kind: string;
  @ApiProperty({ example: '01a236f2-8d4e-7a61-b2c9-4e5f6a7b8c92', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'INSTRUCTOR', enum: ['ADMIN', 'INSTRUCTOR', 'DIRECTOR', 'PARTNER', 'AUDITOR', 'REPORTING'] }) role: string;
  @ApiProperty({ example: '01a236f0-5b2c-7e19-a3d4-9c8e7f6a5b40', format: 'uuid' }) organizationId: string;
  @ApiProperty({ example: '84' }) regionCode: string;
  @ApiProperty({ nullable: true, type: String, example: null }) departmentCode: string | null;
  @ApiProperty({ example: ['ARS'], isArray: true, enum: ['REGION', 'ARS', 'DETR', 'DSIL', 'FNADT', 'DEPARTEMENT'] }) funders: string[];
  @ApiProperty({ type: String, nullable: true, example: 'camille.martin@ars.sante.fr', description: "The user's e-mail; null for an API key" }) email: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Camille Martin', description: "The user's display name, when it has one; null for an API key" })
  displayName: string | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: "The API key's name; null for a user" }) name: string | null;
  @ApiProperty({ example: 'ARS Auvergne-Rhône-Alpes' }) organizationName: string;
  @ApiProperty({ example: 'ARS', enum: Object.values(OrganizationType) }) organizationType: OrganizationType;
}
