import { API_KEY_ROLES, USER_ROLES } from '../../common/access/roles.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsBoolean, IsDate, IsEmail, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { IsOmittable } from '../../common/validation/optional.js';
import { DEPARTMENT_CODE, REGION_CODE } from '../../common/validation/codes.js';
import { Funder, OrganizationType, Role } from '../../generated/prisma/enums.js';
import { MIN_PASSWORD_LENGTH } from '../passwords.js';

const ORG_TYPES = Object.values(OrganizationType);
const FUNDERS = Object.values(Funder);

const DISPLAY_NAME_MAX_LENGTH = 200;
/** Trimmed before it is checked; blank means "no display name" (null). */
const trimToNull = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || null : value);

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Préfecture de la Haute-Savoie' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ example: 'REGION', enum: ORG_TYPES }) @IsIn(ORG_TYPES) type: OrganizationType;
  @ApiProperty({ example: '84' }) @Matches(REGION_CODE, { message: 'must be an INSEE region code such as 84' }) regionCode: string;
  @ApiPropertyOptional({ example: '74', description: 'Required for a préfecture de département or a conseil départemental' })
  @IsOptional()
  @Matches(DEPARTMENT_CODE, { message: 'must be a département code such as 74' })
  departmentCode?: string;
  @ApiPropertyOptional({ example: ['REGION'], enum: FUNDERS, isArray: true, description: 'What this organisation grants' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(FUNDERS, { each: true })
  funders?: Funder[];
}

export class UpdateOrganizationDto {
  @ApiPropertyOptional({ example: 'Préfecture de la Haute-Loire' }) @IsOmittable() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ example: ['DETR', 'DSIL'], enum: FUNDERS, isArray: true })
  @IsOmittable()
  @IsArray()
  @ArrayUnique()
  @IsIn(FUNDERS, { each: true })
  funders?: Funder[];
}

export class OrganizationDto {
  @ApiProperty({ example: '01a236f0-5b2c-7e19-a3d4-9c8e7f6a5b40', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Région Auvergne-Rhône-Alpes' }) name: string;
  @ApiProperty({ example: 'REGION', enum: ORG_TYPES }) type: OrganizationType;
  @ApiProperty({ example: '84' }) regionCode: string;
  @ApiProperty({ example: null, type: String, nullable: true }) departmentCode: string | null;
  @ApiProperty({ example: ['REGION'], enum: FUNDERS, isArray: true }) funders: Funder[];
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) createdAt: string;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) updatedAt: string;
}

export class OrganizationPageDto {
  @ApiProperty({ type: [OrganizationDto] }) items: OrganizationDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}

export class CreateUserDto {
  @ApiProperty({ example: 'instructeur@ars.sante.fr' }) @IsEmail({ require_tld: false }) @MaxLength(254) email: string;
  @ApiProperty({ example: 'Brioude-43040-instruction', minLength: MIN_PASSWORD_LENGTH, maxLength: 200 })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(200)
  password: string;
  @ApiProperty({ example: 'INSTRUCTOR', enum: USER_ROLES })
  @IsIn(USER_ROLES, { message: `role must be one of ${USER_ROLES.join(', ')} (REPORTING is for API keys only)` })
  role: Role;
  @ApiProperty({ example: '01a236f0-5b2c-7e19-a3d4-9c8e7f6a5b40', format: 'uuid' }) @IsUUID() organizationId: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: DISPLAY_NAME_MAX_LENGTH, example: 'Camille Martin', description: 'Trimmed; blank or null: none' })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(DISPLAY_NAME_MAX_LENGTH)
  displayName?: string | null;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'DIRECTOR', enum: USER_ROLES }) @IsOmittable() @IsIn(USER_ROLES) role?: Role;
  @ApiPropertyOptional({ example: true, description: 'false deactivates the account: its tokens stop working at once' })
  @IsOmittable()
  @IsBoolean()
  active?: boolean;
  // A nullable column: null is a value here (it clears it), hence @IsOptional, unlike role and active.
  @ApiPropertyOptional({ example: 'Camille Martin', type: String, nullable: true, maxLength: DISPLAY_NAME_MAX_LENGTH, description: 'Trimmed; blank or null clears it' })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(DISPLAY_NAME_MAX_LENGTH)
  displayName?: string | null;
}

export class UserQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() organizationId?: string;
}

export class UserDto {
  @ApiProperty({ example: '01a236f2-8d4e-7a61-b2c9-4e5f6a7b8c92', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'camille.martin@ars.sante.fr' }) email: string;
  @ApiProperty({ type: String, nullable: true, example: 'Camille Martin' }) displayName: string | null;
  @ApiProperty({ example: 'INSTRUCTOR', enum: USER_ROLES }) role: Role;
  @ApiProperty({ example: '01a236f0-5b2c-7e19-a3d4-9c8e7f6a5b40', format: 'uuid' }) organizationId: string;
  @ApiProperty({ example: true }) active: boolean;
  @ApiProperty({ example: '2026-11-20T09:41:27.512Z', type: String, nullable: true }) lastLoginAt: string | null;
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-20T09:41:27.512Z' }) updatedAt: string;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items: UserDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Région AURA — export nocturne' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ example: 'REPORTING', enum: API_KEY_ROLES }) @IsIn(API_KEY_ROLES) role: Role;
  @ApiProperty({ example: '01a236f0-5b2c-7e19-a3d4-9c8e7f6a5b40', format: 'uuid' }) @IsUUID() organizationId: string;
  @ApiPropertyOptional({ example: '2027-12-31T23:00:00.000Z', type: String, format: 'date-time' }) @IsOptional() @Type(() => Date) @IsDate() expiresAt?: Date;
}

export class ApiKeyDto {
  @ApiProperty({ example: '01a236f4-2a6b-7d83-9e1f-0c2d3e4f5a66', format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Région AURA — export nocturne' }) name: string;
  @ApiProperty({ example: 'REPORTING', enum: API_KEY_ROLES }) role: Role;
  @ApiProperty({ example: '01a236f0-5b2c-7e19-a3d4-9c8e7f6a5b40', format: 'uuid' }) organizationId: string;
  @ApiProperty({ example: 'msp_3f9a1c7e5b2d8046', description: 'The first characters of the key, to recognise it' }) prefix: string;
  @ApiProperty({ example: '2027-12-31T23:00:00.000Z', type: String, nullable: true }) expiresAt: string | null;
  @ApiProperty({ example: '2026-11-23T06:00:03.044Z', type: String, nullable: true }) lastUsedAt: string | null;
  @ApiProperty({ example: null, type: String, nullable: true }) revokedAt: string | null;
  @ApiProperty({ example: '2026-03-12T08:15:42.318Z' }) createdAt: string;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ example: 'msp_3f9a1c7e5b2d8046_Qm9yZGVhdXgtQXV2ZXJnbmUtUmhvbmUtQWxwZXMtMjAyNg', description: 'The key, shown once: send it as X-API-Key' }) key: string;
}

export class ApiKeyPageDto {
  @ApiProperty({ type: [ApiKeyDto] }) items: ApiKeyDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}

export class RefreshDto {
  @ApiProperty({ example: 'rt_5c1b9e2f7a4d4c08b6e3a9f1d2c7e84b' }) @IsString() @MinLength(10) @MaxLength(200) refreshToken: string;
}
