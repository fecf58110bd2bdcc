import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { Repository } from '../database/repository.js';
import { updateIfVersion } from '../database/versioned.js';
import type { Prisma, Project } from '../generated/prisma/client.js';

export type ProjectData = Omit<Prisma.ProjectUncheckedCreateInput, 'id' | 'version' | 'createdAt' | 'updatedAt'>;

export interface ProjectFilter {
  promoterId?: string;
  kind?: Project['kind'];
  departmentCode?: string;
  q?: string;
}

@Injectable()
export class ProjectsRepository extends Repository {
  list(territory: Territory, filter: ProjectFilter, after: string | undefined, take: number): Promise<Project[]> {
    const where: Prisma.ProjectWhereInput = { ...territory };
    if (filter.departmentCode) where.AND = [{ departmentCode: filter.departmentCode }];
    if (filter.promoterId) where.promoterId = filter.promoterId;
    if (filter.kind) where.kind = filter.kind;
    if (filter.q) where.name = { contains: filter.q, mode: 'insensitive' };
    if (after) where.id = { gt: after };
    return this.db.project.findMany({ where, orderBy: { id: 'asc' }, take });
  }

  find(territory: Territory, id: string): Promise<Project | null> {
    return this.db.project.findFirst({ where: { id, ...territory } });
  }

  create(data: ProjectData): Promise<Project> {
    return this.db.project.create({ data });
  }

  update(territory: Territory, id: string, version: number, data: Partial<ProjectData>): Promise<boolean> {
    return updateIfVersion(this.db.project, { id, ...territory }, version, data);
  }
}
