import { requireChange } from '../common/http/validation.js';
import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository.js';
import { AuditedWrites } from '../audit/audited-writes.js';
import { TransactionHost } from '../database/transaction-host.js';
import { type Principal, territoryOf, type Territory } from '../common/access/principal.js';
import { invalid, notFound, preconditionFailed } from '../common/errors/problem.js';
import { type Page, pageOf } from '../common/http/pagination.js';
import { centsFromJsonOrNull, centsToJsonOrNull } from '../common/money.js';
import type { Project } from '../generated/prisma/client.js';
import type { ProjectNature } from '../generated/prisma/enums.js';
import { fromDbDate, toDbDate } from '../common/validation/dates.js';
import { PromotersRepository } from '../promoters/promoters.repository.js';
import { CommuneLookup } from '../reference/commune-lookup.js';
import type { AntenneDto, CreateProjectDto, ProjectDto, ProjectQuery, UpdateProjectDto } from './dto/project.dto.js';
import type { ProjectDetailDto, ProjectFollowUpDto, PutFollowUpDto } from './dto/follow-up.dto.js';
import { requireFollowUpYearStarted, toFollowUpYear, toProjectFollowUp } from './follow-up.js';
import { FollowUpRepository } from './follow-up.repository.js';
import { type ProjectData, ProjectsRepository } from './projects.repository.js';

const defaultNature = (existing: boolean): ProjectNature => (existing ? 'EXTENSION' : 'CREATION');

/** The columns of the structure's facts: absent leaves them, null clears them. */
function structureColumns(operationStartOn: string | null | undefined, antenne: AntenneDto | null | undefined): Partial<ProjectData> {
  const out: Partial<ProjectData> = {};
  if (operationStartOn !== undefined) out.operationStartOn = operationStartOn === null ? null : toDbDate(operationStartOn);
  if (antenne === null) Object.assign(out, { antenneHoursPerWeek: null, antenneMinutesFromMainSite: null, antenneSharesInformationSystem: null });
  else if (antenne !== undefined) {
    if (antenne.hoursPerWeek !== undefined) out.antenneHoursPerWeek = antenne.hoursPerWeek;
    if (antenne.minutesFromMainSite !== undefined) out.antenneMinutesFromMainSite = antenne.minutesFromMainSite;
    if (antenne.sharesInformationSystem !== undefined) out.antenneSharesInformationSystem = antenne.sharesInformationSystem;
  }
  return out;
}

export const toProjectDto = (p: Project): ProjectDto => ({
  id: p.id,
  name: p.name,
  kind: p.kind,
  promoterId: p.promoterId,
  communeInsee: p.communeInsee,
  regionCode: p.regionCode,
  departmentCode: p.departmentCode,
  existing: p.existing,
  doctorsPlanned: p.doctorsPlanned,
  professionalsPlanned: p.professionalsPlanned,
  populationServed: p.populationServed,
  balancedBudget: p.balancedBudget,
  convention: p.convention,
  forecastDeficitCents: centsToJsonOrNull(p.forecastDeficitCents),
  nature: p.nature,
  operationStartOn: p.operationStartOn ? fromDbDate(p.operationStartOn) : null,
  sisa: p.sisa,
  antenne:
    p.antenneHoursPerWeek === null && p.antenneMinutesFromMainSite === null && p.antenneSharesInformationSystem === null
      ? null
      : { hoursPerWeek: p.antenneHoursPerWeek, minutesFromMainSite: p.antenneMinutesFromMainSite, sharesInformationSystem: p.antenneSharesInformationSystem },
  version: p.version,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

@Injectable()
export class ProjectsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly audit: AuditRepository,
    private readonly writes: AuditedWrites,
    private readonly projects: ProjectsRepository,
    private readonly promoters: PromotersRepository,
    private readonly communes: CommuneLookup,
    private readonly followUps: FollowUpRepository,
  ) {}

  async list(principal: Principal, query: ProjectQuery): Promise<Page<ProjectDto>> {
    return pageOf(query, (after, take) => this.projects.list(territoryOf(principal), query, after, take), toProjectDto);
  }

  /** The project with its follow-up (seed 003), read in one statement. */
  async get(principal: Principal, id: string): Promise<ProjectDetailDto> {
    const row = await this.followUps.findProjectWithFollowUp(territoryOf(principal), id);
    if (!row) throw notFound(`Project ${id}`);
    return { ...toProjectDto(row), followUp: row.followUps.map(toFollowUpYear) };
  }

  /**
   * Records a year of the site's follow-up (seed 003), created or replaced: `If-Match` is the
   * year's version (a year not yet recorded has none: an If-Match then fails with 412).
   */
  async putFollowUp(principal: Principal, id: string, year: number, dto: PutFollowUpDto, expectedVersion?: number): Promise<ProjectFollowUpDto> {
    const territory = territoryOf(principal);
    const figures = { installations: dto.installations, studentTrainees: dto.studentTrainees, departuresReplaced: dto.departuresReplaced };
    return this.tx.transaction(async () => {
      const project = await this.projects.find(territory, id);
      if (!project) throw notFound(`Project ${id}`);
      requireFollowUpYearStarted(year);
      const audited = { entity: 'project_follow_up', entityId: `${id}/${year}`, regionCode: () => project.regionCode };
      // The year's row is locked: concurrent writes of one year take turns (the last one wins
      // unless it carries an If-Match that went stale meanwhile).
      if (!(await this.followUps.lock(id, year))) {
        if (expectedVersion !== undefined) throw preconditionFailed(0);
        if (await this.followUps.createIfAbsent(id, year, figures)) {
          const created = (await this.followUps.find(id, year))!;
          await this.audit.change(principal, { ...audited, regionCode: project.regionCode, after: toFollowUpYear(created) });
          return toProjectFollowUp(created, await this.followUps.list(id));
        }
        // A concurrent writer created it first: then this write is a change like any other.
        await this.followUps.lock(id, year);
      }
      const after = await this.writes.change(principal, {
        ...audited,
        what: `Follow-up ${year} of project ${id}`,
        expectedVersion,
        find: () => this.followUps.find(id, year),
        write: (before) => this.followUps.update(id, year, before.version, figures),
        view: (row) => row,
        audit: (before, after) => ({ before: toFollowUpYear(before), after: toFollowUpYear(after) }),
      });
      return toProjectFollowUp(after, await this.followUps.list(id));
    });
  }

  async create(principal: Principal, dto: CreateProjectDto): Promise<ProjectDto> {
    const territory = territoryOf(principal);
    await this.requirePromoter(territory, dto.promoterId);
    const commune = await this.communes.require(territory, dto.communeInsee);
    const { forecastDeficitCents, operationStartOn, antenne, ...rest } = dto;
    return this.writes.create(principal, {
      entity: 'project',
      write: () =>
        this.projects.create({
          ...rest,
          // An existing centre is an extension unless told otherwise (docs/domain.md, Eligibility and warnings).
          nature: dto.nature ?? defaultNature(dto.existing),
          ...structureColumns(operationStartOn, antenne),
          forecastDeficitCents: centsFromJsonOrNull(forecastDeficitCents),
          regionCode: commune.regionCode,
          departmentCode: commune.departmentCode,
        }),
      view: toProjectDto,
    });
  }

  async update(principal: Principal, id: string, dto: UpdateProjectDto, expectedVersion?: number): Promise<ProjectDto> {
    requireChange(dto);
    const territory = territoryOf(principal);
    const { forecastDeficitCents, operationStartOn, antenne, ...rest } = dto;
    const data: Partial<ProjectData> = { ...rest, ...structureColumns(operationStartOn, antenne) };
    // null clears the forecast.
    if (forecastDeficitCents !== undefined) data.forecastDeficitCents = centsFromJsonOrNull(forecastDeficitCents);
    if (dto.promoterId) await this.requirePromoter(territory, dto.promoterId);
    if (dto.communeInsee) data.departmentCode = (await this.communes.require(territory, dto.communeInsee)).departmentCode;
    return this.writes.change(principal, {
      what: `Project ${id}`,
      entity: 'project',
      entityId: id,
      expectedVersion,
      find: () => this.projects.find(territory, id),
      write: (before) => {
        // The nature follows `existing` while it is still the default of the other value.
        const nature = dto.existing !== undefined && dto.nature === undefined && before.nature === defaultNature(before.existing) ? { nature: defaultNature(dto.existing) } : {};
        return this.projects.update(territory, id, before.version, { ...data, ...nature });
      },
      view: toProjectDto,
    });
  }

  private async requirePromoter(territory: Territory, promoterId: string): Promise<void> {
    if (!(await this.promoters.find(territory, promoterId))) {
      throw invalid([{ field: 'promoterId', message: `no promoter ${promoterId} in your territory` }]);
    }
  }
}
