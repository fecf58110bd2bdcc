import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { ActorKind } from '../../generated/prisma/enums.js';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'application' }) @IsOptional() @Matches(/^[a-z_]{1,40}$/, { message: 'must be an entity name such as application' }) entity?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) id?: string;
}

export class AuditRowDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: String, nullable: true }) actorId: string | null;
  @ApiProperty({ enum: Object.values(ActorKind) }) actorKind: ActorKind;
  @ApiProperty() action: string;
  @ApiProperty() entity: string;
  @ApiProperty() entityId: string;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({ type: Object, nullable: true }) before: unknown;
  @ApiProperty({ type: Object, nullable: true }) after: unknown;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The row's hash in its region's chain, sha256(prevHash, the row): set by the sealer once the row's transaction has committed; null while not sealed yet (a write still being committed when the trail was read).",
  })
  hash: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The hash of the row before it in the region's chain ('' for the first); null while not sealed yet." })
  prevHash: string | null;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditRowDto] }) items: AuditRowDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
