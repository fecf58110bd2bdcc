import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import { assertRegionWide, type Principal, territoryOf } from '../common/access/principal.js';
import { notFound } from '../common/errors/problem.js';
import { decodeCursor, DEFAULT_LIMIT, PageQuery, toPage } from '../common/http/pagination.js';
import { PrismaService } from '../database/prisma.service.js';
import { AuditRepository } from './audit.repository.js';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'application' }) @IsOptional() @Matches(/^[a-z_]{1,40}$/, { message: 'must be an entity name such as application' }) entity?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) id?: string;
}

export class AuditRowDto {
  @ApiProperty() at: string;
  @ApiProperty({ type: String, nullable: true }) actorId: string | null;
  @ApiProperty() actorKind: string;
  @ApiProperty() action: string;
  @ApiProperty() entity: string;
  @ApiProperty() entityId: string;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({ type: Object, nullable: true }) before: unknown;
  @ApiProperty({ type: Object, nullable: true }) after: unknown;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The row's hash in its region's chain, sha256(prevHash, the row): set by the sealer once the row's transaction has committed; null while not sealed yet (a write still being committed when the trail was read).",
  })
  hash: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The hash of the row before it in the region's chain ('' for the first); null while not sealed yet." })
  prevHash: string | null;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditRowDto] }) items: AuditRowDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditRepository,
  ) {}

  @Get()
  @Roles('ADMIN', 'AUDITOR')
  @ApiOperation({
    summary: "The region's audit trail, oldest first: one row per write",
    description: 'The committed rows are sealed (hash-chained) before the page is read; a row whose write is still being committed may show with hash and prevHash null.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  async list(@CurrentPrincipal() p: Principal, @Query() q: AuditQuery) {
    // A département's caller (never an ARS role through the API, but the scope is the
    // principal's, not the role's) reads the trail of one dossier of its département only.
    if (p.departmentCode) {
      if (!q.id) assertRegionWide(p, "The region's audit trail");
      const inScope = q.entity === 'application' && /^[0-9a-f-]{36}$/i.test(q.id!) &&
        (await this.prisma.application.count({ where: { id: q.id, ...territoryOf(p) } })) === 1;
      if (!inScope) throw notFound(`The audit trail of ${q.entity ?? 'object'} ${q.id}`);
    }
    const limit = q.limit ?? DEFAULT_LIMIT;
    const after = decodeCursor(q.cursor, /^\d{1,19}$/);
    await this.audit.seal({ wait: true });
    const rows = await this.audit.trail(p.regionCode, { entity: q.entity, entityId: q.id, afterId: after ? BigInt(after) : undefined }, limit + 1);
    return toPage(rows, limit, (r) => r.id.toString(), (r) => ({
      at: r.at.toISOString(),
      actorId: r.actorId,
      actorKind: r.actorKind,
      action: r.action,
      entity: r.entity,
      entityId: r.entityId,
      requestId: r.requestId,
      before: r.before,
      after: r.after,
      hash: r.seal?.hash ?? null,
      prevHash: r.seal?.prevHash ?? null,
    }));
  }
}
