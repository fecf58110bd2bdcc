import { Body, Controller, Get, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles } from '../common/access/decorators.js';
import { INSTRUCTING, STAFF_READERS } from '../common/access/roles.js';
import type { Principal } from '../common/access/principal.js';
import { expectedVersion } from '../common/http/conditional.js';
import { Created } from '../common/http/location.js';
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
  @ApiCreatedResponse({ type: ProjectDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateProjectDto): Promise<ProjectDto> {
    return this.projects.create(p, dto);
  }

  @Get()
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: ProjectPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() query: ProjectQuery) {
    return this.projects.list(p, query);
  }

  @Get(':id')
  @Roles(...STAFF_READERS)
  @ApiOkResponse({ type: ProjectDetailDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string): Promise<ProjectDetailDto> {
    return this.projects.get(p, id);
  }

  @Put(':id/follow-up/:year')
  @Roles(...INSTRUCTING)
  @ApiOperation({ summary: "Records a year of the site's CLS follow-up (seed 003): created or replaced; a year not begun yet is 422" })
  @ApiParam({ name: 'year', schema: { type: 'integer', minimum: FOLLOW_UP_MIN_YEAR, maximum: FOLLOW_UP_MAX_YEAR } })
  @ApiOkResponse({ type: ProjectFollowUpDto })
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
  @ApiOkResponse({ type: ProjectDto })
  update(@CurrentPrincipal() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdateProjectDto, @Req() request: FastifyRequest): Promise<ProjectDto> {
    return this.projects.update(p, id, dto, expectedVersion(request));
  }
}
