import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { ACCOUNT_READERS } from '../common/access/roles.js';
import { ApiProblems } from '../common/http/openapi.js';
import { AuditService } from './audit.service.js';
import { AuditPageDto, AuditQuery } from './dto/audit.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles(...ACCOUNT_READERS)
  @ApiOperation({
    summary: "Read the region's audit trail",
    description:
      'Oldest first, one row per write; entity and id narrow it to one object. The committed rows are sealed (hash-chained) before the page is read; a row whose write is still being committed may show with hash and prevHash null.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiProblems(
    [403, "The caller's role may not read it, or its scope is a département and it names no dossier (id)."],
    [404, "A département's caller: no such dossier in its territory."],
  )
  list(@CurrentPrincipal() p: Principal, @Query() q: AuditQuery): Promise<AuditPageDto> {
    return this.audit.trail(p, q);
  }
}
