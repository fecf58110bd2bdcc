// Which envelope a funder's money comes from (docs/domain.md, Envelopes). Pure.
// DETR is granted by the préfecture de département and a conseil départemental's money
// (DEPARTEMENT) serves only its own département: their envelopes belong to a département.
// The other funders' envelopes are the region's (no département).
import type { FieldError } from '../common/errors/problem.js';
import type { Funder } from '../generated/prisma/enums.js';
import { isDepartmentOfRegion } from '../reference/departments.js';

export const DEPARTMENTAL_FUNDERS: readonly Funder[] = ['DETR', 'DEPARTEMENT'];
export const isDepartmental = (funder: Funder) => DEPARTMENTAL_FUNDERS.includes(funder);

/** The département whose envelope a line of this funder consumes for a dossier of that département (null: the region's). */
export const envelopeDepartment = (funder: Funder, dossierDepartmentCode: string): string | null => (isDepartmental(funder) ? dossierDepartmentCode : null);

/** What is wrong with an envelope's département for its funder and region (400 when not empty). */
export function envelopeDepartmentProblems(funder: Funder, regionCode: string, departmentCode: string | null | undefined): FieldError[] {
  if (isDepartmental(funder)) {
    if (!departmentCode) return [{ field: 'departmentCode', message: `is required for a ${funder} envelope: it belongs to a département` }];
    if (!isDepartmentOfRegion(departmentCode, regionCode)) return [{ field: 'departmentCode', message: `département ${departmentCode} is not in region ${regionCode}` }];
    return [];
  }
  if (departmentCode) return [{ field: 'departmentCode', message: `is only for a DETR or DEPARTEMENT envelope; a ${funder} envelope is the region's` }];
  return [];
}
