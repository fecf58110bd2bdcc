import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { STAFF_READERS } from '../common/access/roles.js';
import { UuidParam } from '../common/http/params.js';
import { PackService } from './pack.service.js';

@ApiTags('carpec')
@ApiBearerAuth()
@Controller('carpec-sessions')
export class PackController {
  constructor(private readonly packs: PackService) {}

  @Get(':id/pack')
  @Roles(...STAFF_READERS)
  @ApiProduces('application/zip')
  @ApiOperation({
    summary: "Download a séance's pack",
    description:
      'One ZIP, streamed: the agenda as a PDF, then for each dossier of the agenda a one-page summary (project, promoter, commune and zoning, eligibility and warnings, ' +
      "funding plan and its lines) followed by its current pièces. A partner's pack holds the dossiers of its territory only.",
  })
  @ApiOkResponse({ description: 'The ZIP (Content-Disposition names it)', schema: { type: 'string', format: 'binary' } })
  async pack(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Res() reply: FastifyReply) {
    const { filename, body } = await this.packs.pack(p, id);
    return reply.header('Content-Type', 'application/zip').header('Content-Disposition', `attachment; filename="${filename}"`).send(body);
  }
}
