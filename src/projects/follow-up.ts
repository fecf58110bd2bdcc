// The follow-up of a site (seed 003, CLS): mappings and the rule on its year. Pure.
import { businessRule } from '../common/errors/problem.js';
import { parisToday } from '../common/validation/dates.js';
import type { ProjectFollowUp } from '../generated/prisma/client.js';
import type { FollowUpYearDto, ProjectFollowUpDto } from './dto/follow-up.dto.js';

export const toFollowUpYear = (f: ProjectFollowUp): FollowUpYearDto => ({
  year: f.year,
  installations: f.installations,
  studentTrainees: f.studentTrainees,
  departuresReplaced: f.departuresReplaced,
  version: f.version,
});

export const toProjectFollowUp = (row: ProjectFollowUp, all: ProjectFollowUp[]): ProjectFollowUpDto => ({
  projectId: row.projectId,
  ...toFollowUpYear(row),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  followUp: all.map(toFollowUpYear),
});

/** A year's figures are recorded once it has begun (Europe/Paris): a later year is refused (422). */
export function requireFollowUpYearStarted(year: number, today: string = parisToday()): void {
  const current = Number(today.slice(0, 4));
  if (year > current) {
    throw businessRule('follow-up-year-in-future', `The follow-up of ${year} cannot be recorded before that year: the current year is ${current}.`, {
      year,
      currentYear: current,
    });
  }
}
