import { Injectable } from '@nestjs/common';
import type { Territory } from '../common/access/principal.js';
import { PrismaService } from '../database/prisma.service.js';
import { updateVersioned } from '../database/versioned.js';
import type { Prisma, Project } from '../generated/prisma/client.js';

export type ProjectData = Omit<Prisma.ProjectUncheckedCreateInput, 'id' | 'version' | 'createdAt' | 'updatedAt'>;

export interface ProjectFilter {
  promoterId?: string;
  kind?: Project['kind'];
  departmentCode?: string;
  q?: string;
}

@Injectable()
export class ProjectsRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(territory: Territory, filter: ProjectFilter, after: string | undefined, take: number): Promise<Project[]> {
    const where: Prisma.ProjectWhereInput = { ...territory };
    if (filter.departmentCode) where.AND = [{ departmentCode: filter.departmentCode }];
    if (filter.promoterId) where.promoterId = filter.promoterId;
    if (filter.kind) where.kind = filter.kind;
    if (filter.q) where.name = { contains: filter.q, mode: 'insensitive' };
    if (after) where.id = { gt: after };
    return this.prisma.project.findMany({ where, orderBy: { id: 'asc' }, take });
  }

  find(territory: Territory, id: string): Promise<Project | null> {
    return this.prisma.project.findFirst({ where: { id, ...territory } });
  }

  create(data: ProjectData): Promise<Project> {
    return this.prisma.project.create({ data });
  }

  async update(territory: Territory, id: string, expectedVersion: number | undefined, data: Partial<ProjectData>) {
    await updateVersioned(this.prisma.project, { id, ...territory }, expectedVersion, data, () => this.find(territory, id), `Project ${id}`);
    return (await this.find(territory, id))!;
  }
}
