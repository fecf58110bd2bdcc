// Which organisation may grant which funds and hold which roles. Pure.
import type { Funder, OrganizationType, Role } from '../generated/prisma/enums.js';

export const DEPARTMENT_LEVEL: OrganizationType[] = ['PREFECTURE_DEPARTEMENT', 'CONSEIL_DEPARTEMENTAL'];

const FUNDERS_OF: Record<OrganizationType, Funder[]> = {
  ARS: ['ARS'],
  REGION: ['REGION'],
  // DETR is granted by the préfet de département, DSIL and FNADT by the préfet de région; the
  // split of instruction between the two varies, so either préfecture may hold any of them.
  PREFECTURE_REGION: ['DETR', 'DSIL', 'FNADT'],
  PREFECTURE_DEPARTEMENT: ['DETR', 'DSIL', 'FNADT'],
  CONSEIL_DEPARTEMENTAL: ['DEPARTEMENT'],
  CPAM: [],
};

export function organizationProblems(type: OrganizationType, departmentCode: string | undefined | null, funders: Funder[]) {
  const problems: { field: string; message: string }[] = [];
  if (DEPARTMENT_LEVEL.includes(type) && !departmentCode) {
    problems.push({ field: 'departmentCode', message: `is required for a ${type}` });
  }
  if (!DEPARTMENT_LEVEL.includes(type) && departmentCode) {
    problems.push({ field: 'departmentCode', message: `is only for a préfecture de département or a conseil départemental` });
  }
  const wrong = funders.filter((f) => !FUNDERS_OF[type].includes(f));
  if (wrong.length) {
    problems.push({ field: 'funders', message: `a ${type} does not grant ${wrong.join(', ')} (it may grant: ${FUNDERS_OF[type].join(', ') || 'nothing'})` });
  }
  return problems;
}

/** ARS staff hold the ARS roles; partners' organisations hold PARTNER (and REPORTING keys). */
export function roleFits(type: OrganizationType, role: Role): boolean {
  return type === 'ARS' ? role !== 'PARTNER' : role === 'PARTNER' || role === 'REPORTING';
}
