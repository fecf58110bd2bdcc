import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';
import { updateIfVersion } from '../database/versioned.js';
import type { Project, ProjectFollowUp } from '../generated/prisma/client.js';

export interface FollowUpFigures {
  installations: number;
  studentTrainees: number;
  departuresReplaced: number;
}

/** The follow-up rows of the projects (seed 003): the only code touching project_follow_ups. */
@Injectable()
export class FollowUpRepository extends Repository {
  /** The project of the territory with its follow-up ordered by year, in one statement (a lateral join). */
  findProjectWithFollowUp(territory: Territory, id: string): Promise<(Project & { followUps: ProjectFollowUp[] }) | null> {
    return this.db.project.findFirst({
      where: { id, ...territory },
      include: { followUps: { orderBy: { year: 'asc' } } },
      relationLoadStrategy: 'join',
    });
  }

  /**
   * Locks the year's row until the transaction ends (SELECT … FOR UPDATE), so that concurrent
   * writes of one year take turns instead of failing: whether the row exists.
   */
  async lock(projectId: string, year: number): Promise<boolean> {
    const rows = await this.sql<{ version: number }>`
      SELECT version FROM project_follow_ups WHERE project_id = ${projectId}::uuid AND year = ${year} FOR UPDATE`;
    return rows.length > 0;
  }

  find(projectId: string, year: number): Promise<ProjectFollowUp | null> {
    return this.db.projectFollowUp.findUnique({ where: { projectId_year: { projectId, year } } });
  }

  /** Inserts the year unless a concurrent writer did first (ON CONFLICT DO NOTHING): whether it inserted. */
  async createIfAbsent(projectId: string, year: number, figures: FollowUpFigures): Promise<boolean> {
    const { count } = await this.db.projectFollowUp.createMany({ data: [{ projectId, year, ...figures }], skipDuplicates: true });
    return count === 1;
  }

  update(projectId: string, year: number, version: number, figures: FollowUpFigures): Promise<boolean> {
    return updateIfVersion(this.db.projectFollowUp, { projectId, year }, version, { ...figures });
  }

  list(projectId: string): Promise<ProjectFollowUp[]> {
    return this.db.projectFollowUp.findMany({ where: { projectId }, orderBy: { year: 'asc' } });
  }
}
