import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import type { Principal } from '../common/access/principal.js';
import { REPORT_READERS, REPORT_RUNNERS } from '../common/access/roles.js';
import { ApiProblems } from '../common/http/openapi.js';
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
  @ApiOperation({
    summary: 'Request report runs',
    description: "Queues a run of the region's reports for a date (one type, or all four); a run of the same type and date is replaced. The runs are read back by id.",
  })
  @ApiAcceptedResponse({ type: RequestedRunsDto, description: 'Queued' })
  @ApiProblems([403, "The caller's role may not run reports, or its scope is a département."])
  request(@CurrentPrincipal() p: Principal, @Body() dto: RequestRunsDto): Promise<RequestedRunsDto> {
    return this.reports.request(p, dto);
  }

  @Get()
  @Roles(...REPORT_READERS)
  @ApiOperation({ summary: 'List report runs', description: "The runs of the caller's region, by type or date, with their state." })
  @ApiOkResponse({ type: RunPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: RunQuery) {
    return this.reports.list(p, q);
  }

  @Get(':id')
  @Roles(...REPORT_READERS)
  @ApiOperation({ summary: 'Read a report run', description: "Its state and summary, with its first rows of the caller's territory." })
  @ApiOkResponse({ type: RunDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<RunDto> {
    return this.reports.get(p, id);
  }

  @Get(':id/download')
  @Roles(...REPORT_READERS)
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOperation({ summary: "Download a report run's rows", description: "The rows of the caller's territory as CSV or XLSX, streamed, a header line first." })
  @ApiOkResponse({ description: 'The file (Content-Disposition names it)', schema: { type: 'string', format: 'binary' } })
  async download(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Query() q: DownloadQuery, @Res() reply: FastifyReply) {
    const file = await this.reports.download(p, id, q.format);
    return reply.header('Content-Type', file.contentType).header('Content-Disposition', `attachment; filename="${file.fileName}"`).send(file.body);
  }
}
