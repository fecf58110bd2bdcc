import type { Funder, OrganizationType, Role } from '../../generated/prisma/enums.js';

/** Who is calling: a user (JWT) or an API key. Every access decision reads only this. */
export interface Principal {
  kind: 'USER' | 'API_KEY';
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
  return principal.departmentCode
    ? { regionCode: principal.regionCode, departmentCode: principal.departmentCode }
    : { regionCode: principal.regionCode };
}
