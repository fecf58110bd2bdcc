import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { ActorKind } from '../../generated/prisma/enums.js';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'application' }) @IsOptional() @Matches(/^[a-z_]{1,40}$/, { message: 'must be an entity name such as application' }) entity?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) id?: string;
}

export class AuditRowDto {
  @ApiProperty({ example: '2026-11-20T09:41:27.512Z', format: 'date-time' }) at: string;
  @ApiProperty({ example: '01a236f2-8d4e-7a61-b2c9-4e5f6a7b8c92', type: String, nullable: true }) actorId: string | null;
  @ApiProperty({ example: 'USER', enum: Object.values(ActorKind) }) actorKind: ActorKind;
  @ApiProperty({ example: 'SUBMIT' }) action: string;
  @ApiProperty({ example: 'application' }) entity: string;
  @ApiProperty({ example: '01a236fb-ad5e-7576-b488-e3f7226133c1' }) entityId: string;
  @ApiProperty({ example: '01a23711-2b3c-7d4e-8f5a-6b7c8d9e0f1a', type: String, nullable: true }) requestId: string | null;
  @ApiProperty({ example: { status: 'SITE_MEETING_HELD', version: 3 }, type: Object, nullable: true }) before: unknown;
  @ApiProperty({ example: { status: 'SUBMITTED', version: 4 }, type: Object, nullable: true }) after: unknown;
  @ApiProperty({
    example: '9f2c1e7a4b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8',
    type: String,
    nullable: true,
    description:
      "The row's hash in its region's chain, sha256(prevHash, the row): set by the sealer once the row's transaction has committed; null while not sealed yet (a write still being committed when the trail was read).",
  })
  hash: string | null;
  @ApiProperty({
    example: '3b8e0d2c1f4a5968778695a4b3c2d1e0f9e8d7c6b5a4938271605f4e3d2c1b0a',
    type: String,
    nullable: true,
    description: "The hash of the row before it in the region's chain ('' for the first); null while not sealed yet.",
  })
  prevHash: string | null;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditRowDto] }) items: AuditRowDto[];
  @ApiProperty({ example: 'eyJpZCI6IjAxYTIzNmZiLWFkNWUtNzU3Ni1iNDg4LWUzZjcyMjYxMzNjMSJ9', type: String, nullable: true }) nextCursor: string | null;
}
