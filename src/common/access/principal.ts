import type { Funder, OrganizationType, Role } from '../../generated/prisma/enums.js';
import { ApiProblem } from '../errors/problem.js';

/**
 * Who is calling: a user (JWT) or an API key; or the service itself (SYSTEM: a sync from
 * Démarches Simplifiées, under its run's id). Every access decision reads only this.
 */
export interface Principal {
  kind: 'USER' | 'API_KEY' | 'SYSTEM';
  id: string;
  role: Role;
  organizationId: string;
  organizationType: OrganizationType;
  regionCode: string;
  /** Set for a département's organisation (préfecture de département, conseil départemental). */
  departmentCode: string | null;
  funders: Funder[];
  /** The request being served, for the audit trail. */
  requestId?: string;
}

/** The rows a principal may see: its region, and its département when it has one. */
export interface Territory {
  regionCode: string;
  departmentCode?: string;
}

export function territoryOf(principal: Principal): Territory {
  return principal.departmentCode ? { regionCode: principal.regionCode, departmentCode: principal.departmentCode } : { regionCode: principal.regionCode };
}

/** Whether a row of `departmentCode` (in the caller's region) lies in the territory. */
export function coversDepartment(territory: Territory, departmentCode: string | null | undefined): boolean {
  return !territory.departmentCode || territory.departmentCode === departmentCode;
}

/**
 * Whether a row that belongs to the whole region, or to a département of it (`departmentCode`
 * null: the region's), is visible: the region's own rows and its département's, for a caller of
 * a département (an envelope of the region, the DETR envelope of its département).
 */
export function coversRegionOrDepartment(territory: Territory, departmentCode: string | null | undefined): boolean {
  return !territory.departmentCode || departmentCode == null || territory.departmentCode === departmentCode;
}

/**
 * The funders whose funding-plan lines the caller reads in full: a PARTNER, its own
 * organisation's (`principal.funders`); ARS staff, auditors and reporting keys, every one (null).
 */
export function fundersVisibleTo(principal: Principal): readonly string[] | null {
  return principal.role === 'PARTNER' ? principal.funders : null;
}

/**
 * Writes that belong to the whole region (report runs, funding rule sets, envelopes, communes
 * and their zoning) are refused to a caller of a narrower scope — a département's organisation,
 * whatever its role — with 403 naming why (rule `region-wide-write`).
 */
export function assertRegionWide(principal: Principal, what: string): void {
  if (!principal.departmentCode) return;
  throw new ApiProblem(403, `${what} belongs to region ${principal.regionCode} as a whole; your organisation's scope is département ${principal.departmentCode}.`, 'forbidden', {
    rule: 'region-wide-write',
    regionCode: principal.regionCode,
    departmentCode: principal.departmentCode,
  });
}
