import { Body, Controller, Get, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import { INSTRUCTING, STAFF_READERS } from '../common/access/roles.js';
import type { Principal } from '../common/access/principal.js';
import { expectedVersion } from '../common/http/conditional.js';
import { Created } from '../common/http/location.js';
import { ApiIfMatch, ApiProblems } from '../common/http/openapi.js';
import { UuidParam } from '../common/http/params.js';
import { CreateProjectDto, ProjectDto, ProjectPageDto, ProjectQuery, UpdateProjectDto } from './dto/project.dto.js';
import { ProjectsService } from './projects.service.js';
import { FOLLOW_UP_MAX_YEAR, FOLLOW_UP_MIN_YEAR, FollowUpYearParam, ProjectDetailDto, ProjectFollowUpDto, PutFollowUpDto } from './dto/follow-up.dto.js';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @Roles(...INSTRUCTING)
  @Created((p: ProjectDto) => `/projects/${p.id}`)
  @ApiOperation({
    summary: 'Create a project',
    description: "A maison or centre de santé planned (or an existing one extended) by a promoter of the caller's territory, in one of its communes.",
  })
  @ApiCreatedResponse({ type: ProjectDto, description: 'The project (Location: its URL)' })
  @ApiProblems([400, "Invalid input, or the promoter or the commune is not one of the caller's territory (errors names the field)."])
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateProjectDto): Promise<ProjectDto> {
    return this.projects.create(p, dto);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'List projects', description: "The projects of the caller's territory, by promoter, kind, département or name." })
  @ApiOkResponse({ type: ProjectPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: ProjectQuery) {
    return this.projects.list(p, query);
  }

  @Get(':id')
  @Roles(...STAFF_READERS)
  @ApiOperation({ summary: 'Read a project', description: 'With the yearly follow-up of its site.' })
  @ApiOkResponse({ type: ProjectDetailDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<ProjectDetailDto> {
    return this.projects.get(p, id);
  }

  @Put(':id/follow-up/:year')
  @Roles(...INSTRUCTING)
  @ApiOperation({
    summary: "Record a year of a site's follow-up",
    description: "The contrat local de santé's follow-up of the site for a year, created or replaced. If-Match is the year's version: a year not recorded yet has none.",
  })
  @ApiParam({ name: 'year', description: 'The year followed', schema: { type: 'integer', minimum: FOLLOW_UP_MIN_YEAR, maximum: FOLLOW_UP_MAX_YEAR } })
  @ApiIfMatch()
  @ApiOkResponse({ type: ProjectFollowUpDto })
  @ApiProblems([422, 'The year has not begun yet (rule follow-up-year-in-future).'])
  putFollowUp(
    @CurrentPrincipal() p: Principal,
    @Param('id', UuidParam) id: string,
    @Param('year', FollowUpYearParam) year: string,
    @Body() dto: PutFollowUpDto,
    @Req() request: FastifyRequest,
  ): Promise<ProjectFollowUpDto> {
    return this.projects.putFollowUp(p, id, Number(year), dto, expectedVersion(request));
  }

  @Patch(':id')
  @Roles(...INSTRUCTING)
  @ApiOperation({ summary: 'Change a project', description: 'The fields given only; null clears what the create admits as absent.' })
  @ApiIfMatch()
  @ApiOkResponse({ type: ProjectDto })
  @ApiProblems([409, 'The project was changed by another request meanwhile: read it again and retry.'])
  update(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdateProjectDto, @Req() request: FastifyRequest): Promise<ProjectDto> {
    return this.projects.update(p, id, dto, expectedVersion(request));
  }
}
