import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { REPORT_READERS, REPORT_RUNNERS } from '../common/access/roles.js';
import { UuidParam } from '../common/http/params.js';
import { DownloadQuery, RequestedRunsDto, RequestRunsDto, RunDto, RunPageDto, RunQuery } from './dto/report.dto.js';
import { ReportsService } from './reports.service.js';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/runs')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post()
  @Roles(...REPORT_RUNNERS)
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue report runs (one per type; none: all four); a run of the same type and date is replaced' })
  @ApiAcceptedResponse({ type: RequestedRunsDto })
  request(@CurrentPrincipal() p: Principal, @Body() dto: RequestRunsDto): Promise<RequestedRunsDto> {
    return this.reports.request(p, dto);
  }

  @Get()
  @Roles(...REPORT_READERS)
  @ApiOkResponse({ type: RunPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: RunQuery) {
    return this.reports.list(p, q);
  }

  @Get(':id')
  @Roles(...REPORT_READERS)
  @ApiOkResponse({ type: RunDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<RunDto> {
    return this.reports.get(p, id);
  }

  @Get(':id/download')
  @Roles(...REPORT_READERS)
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOperation({ summary: 'The rows as CSV or XLSX (streamed), a header line first' })
  async download(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Query() q: DownloadQuery, @Res() reply: FastifyReply) {
    const file = await this.reports.download(p, id, q.format);
    return reply.header('Content-Type', file.contentType).header('Content-Disposition', `attachment; filename="${file.fileName}"`).send(file.body);
  }
}
