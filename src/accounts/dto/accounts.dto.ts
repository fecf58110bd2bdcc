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
  @ApiProperty({ enum: ORG_TYPES }) @IsIn(ORG_TYPES) type: OrganizationType;
  @ApiProperty({ example: '84' }) @Matches(REGION_CODE, { message: 'must be an INSEE region code such as 84' }) regionCode: string;
  @ApiPropertyOptional({ example: '74', description: 'Required for a préfecture de département or a conseil départemental' })
  @IsOptional()
  @Matches(DEPARTMENT_CODE, { message: 'must be a département code such as 74' })
  departmentCode?: string;
  @ApiPropertyOptional({ enum: FUNDERS, isArray: true, description: 'What this organisation grants' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(FUNDERS, { each: true })
  funders?: Funder[];
}

export class UpdateOrganizationDto {
  @ApiPropertyOptional() @IsOmittable() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ enum: FUNDERS, isArray: true })
  @IsOmittable()
  @IsArray()
  @ArrayUnique()
  @IsIn(FUNDERS, { each: true })
  funders?: Funder[];
}

export class OrganizationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ORG_TYPES }) type: OrganizationType;
  @ApiProperty() regionCode: string;
  @ApiProperty({ type: String, nullable: true }) departmentCode: string | null;
  @ApiProperty({ enum: FUNDERS, isArray: true }) funders: Funder[];
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class OrganizationPageDto {
  @ApiProperty({ type: [OrganizationDto] }) items: OrganizationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class CreateUserDto {
  @ApiProperty({ example: 'instructeur@ars.sante.fr' }) @IsEmail({ require_tld: false }) @MaxLength(254) email: string;
  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: 200 })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(200)
  password: string;
  @ApiProperty({ enum: USER_ROLES }) @IsIn(USER_ROLES, { message: `role must be one of ${USER_ROLES.join(', ')} (REPORTING is for API keys only)` }) role: Role;
  @ApiProperty({ format: 'uuid' }) @IsUUID() organizationId: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: DISPLAY_NAME_MAX_LENGTH, example: 'Camille Martin', description: 'Trimmed; blank or null: none' })
  @IsOptional()
  @Transform(trimToNull)
  @IsString()
  @MaxLength(DISPLAY_NAME_MAX_LENGTH)
  displayName?: string | null;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: USER_ROLES }) @IsOmittable() @IsIn(USER_ROLES) role?: Role;
  @ApiPropertyOptional({ description: 'false deactivates the account: its tokens stop working at once' })
  @IsOmittable()
  @IsBoolean()
  active?: boolean;
  // A nullable column: null is a value here (it clears it), hence @IsOptional, unlike role and active.
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: DISPLAY_NAME_MAX_LENGTH, description: 'Trimmed; blank or null clears it' })
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
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: String, nullable: true, example: 'Camille Martin' }) displayName: string | null;
  @ApiProperty({ enum: USER_ROLES }) role: Role;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: String, nullable: true }) lastLoginAt: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items: UserDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Région AURA — export nocturne' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ enum: API_KEY_ROLES }) @IsIn(API_KEY_ROLES) role: Role;
  @ApiProperty({ format: 'uuid' }) @IsUUID() organizationId: string;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) @IsOptional() @Type(() => Date) @IsDate() expiresAt?: Date;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: API_KEY_ROLES }) role: Role;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty({ description: 'The first characters of the key, to recognise it' }) prefix: string;
  @ApiProperty({ type: String, nullable: true }) expiresAt: string | null;
  @ApiProperty({ type: String, nullable: true }) lastUsedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) revokedAt: string | null;
  @ApiProperty() createdAt: string;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key, shown once: send it as X-API-Key' }) key: string;
}

export class ApiKeyPageDto {
  @ApiProperty({ type: [ApiKeyDto] }) items: ApiKeyDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class RefreshDto {
  @ApiProperty() @IsString() @MinLength(10) @MaxLength(200) refreshToken: string;
}
