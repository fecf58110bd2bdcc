// A dossier's eligibility from its commune's zoning (seed 002): ZIP, QPV and islands in
// priority, then ZAC; a commune in none of them is ineligible. Pure.
import type { Zone } from '../generated/prisma/enums.js';

export interface Zoning {
  name: string;
  zone: Zone;
  qpv: boolean;
  island: boolean;
}

export interface Eligibility {
  eligible: boolean;
  /** PRIORITY: ZIP, QPV or island; SECONDARY: ZAC only. */
  rank: 'PRIORITY' | 'SECONDARY' | null;
  reasons: string[];
}

export function eligibilityOf(c: Zoning): Eligibility {
  const priority = [
    c.zone === 'ZIP' && `${c.name} is in a zone d'intervention prioritaire (ZIP)`,
    c.qpv && `${c.name} has a quartier prioritaire de la politique de la ville (QPV)`,
    c.island && `${c.name} is an island`,
  ].filter((r): r is string => typeof r === 'string');
  if (priority.length) return { eligible: true, rank: 'PRIORITY', reasons: priority };
  if (c.zone === 'ZAC') {
    return { eligible: true, rank: 'SECONDARY', reasons: [`${c.name} is in a zone d'action complémentaire (ZAC), after ZIP, QPV and islands`] };
  }
  return { eligible: false, rank: null, reasons: [`${c.name} is in no eligible territory (ZIP, ZAC, QPV or island)`] };
}
