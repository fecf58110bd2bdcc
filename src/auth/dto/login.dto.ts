import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

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
}
