// A dossier's eligibility (seed 002, seed 004, docs/domain.md): from its commune's zoning — ZIP,
// QPV and islands in priority, then ZAC; a commune in none of them is ineligible — and, for an
// antenne of a centre de santé, from its conditions (≤ 20 h a week, < 30 min from its main
// site, the same information system). What the seeds give as guidance only (a centre de santé
// of at least 2 professionals, for about 4,000 inhabitants) are warnings. Pure.
import type { ProjectKind, Zone } from '../generated/prisma/enums.js';

export interface Zoning {
  name: string;
  zone: Zone;
  qpv: boolean;
  island: boolean;
}

/** The project's facts that eligibility and warnings read. */
export interface StructureFacts {
  kind: ProjectKind;
  professionalsPlanned: number;
  populationServed: number;
  antenneHoursPerWeek: number | null;
  antenneMinutesFromMainSite: number | null;
  antenneSharesInformationSystem: boolean | null;
}

export interface Eligibility {
  eligible: boolean;
  /** PRIORITY: ZIP, QPV or island; SECONDARY: ZAC only. */
  rank: 'PRIORITY' | 'SECONDARY' | null;
  /** Why it is eligible; when it is not, every reason why not. */
  reasons: string[];
  /** The first rule that makes it ineligible (`ineligible-territory`, `antenne-conditions`); null when eligible. */
  rule: string | null;
}

export interface Warning {
  rule: string;
  detail: string;
}

/** An antenne of a centre de santé (seed 004, note 6). */
export const ANTENNE_MAX_HOURS_PER_WEEK = 20;
export const ANTENNE_MAX_MINUTES_FROM_MAIN_SITE = 30; // strictly less
/** A centre de santé (seed 002, §1.1). */
export const CDS_MIN_PROFESSIONALS = 2;
export const CDS_CATCHMENT = 4000;

const isCentreDeSante = (kind: ProjectKind) => kind.startsWith('CDS_');

function territoryOf(c: Zoning): Omit<Eligibility, 'rule'> {
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

/** The antenne conditions its recorded facts break (each reason names the rule). */
export function antenneBreaches(p: StructureFacts): string[] {
  if (p.kind !== 'ANTENNE') return [];
  const out: string[] = [];
  if (p.antenneHoursPerWeek !== null && p.antenneHoursPerWeek > ANTENNE_MAX_HOURS_PER_WEEK) {
    out.push(`antenne-conditions: the antenne opens ${p.antenneHoursPerWeek} h a week (at most ${ANTENNE_MAX_HOURS_PER_WEEK})`);
  }
  if (p.antenneMinutesFromMainSite !== null && p.antenneMinutesFromMainSite >= ANTENNE_MAX_MINUTES_FROM_MAIN_SITE) {
    out.push(`antenne-conditions: the antenne is ${p.antenneMinutesFromMainSite} min from its main site (less than ${ANTENNE_MAX_MINUTES_FROM_MAIN_SITE} required)`);
  }
  if (p.antenneSharesInformationSystem === false) {
    out.push('antenne-conditions: the antenne does not share the information system of its main site');
  }
  return out;
}

export function eligibilityOf(c: Zoning, project?: StructureFacts): Eligibility {
  const territory = territoryOf(c);
  const antenne = project ? antenneBreaches(project) : [];
  if (territory.eligible && !antenne.length) return { ...territory, rule: null };
  return {
    eligible: false,
    rank: territory.rank,
    reasons: [...(territory.eligible ? [] : territory.reasons), ...antenne],
    rule: territory.eligible ? 'antenne-conditions' : 'ineligible-territory',
  };
}

/** What the instructor should look at, without refusing the dossier. */
export function warningsOf(p: StructureFacts): Warning[] {
  const out: Warning[] = [];
  if (isCentreDeSante(p.kind) && p.professionalsPlanned < CDS_MIN_PROFESSIONALS) {
    out.push({
      rule: 'cds-two-professionals',
      detail: `A centre de santé has at least ${CDS_MIN_PROFESSIONALS} health professionals save particular circumstances; ${p.professionalsPlanned} planned.`,
    });
  }
  if (isCentreDeSante(p.kind) && p.populationServed < CDS_CATCHMENT) {
    out.push({
      rule: 'cds-catchment-4000',
      detail: `A centre de santé is designed for a catchment of about ${CDS_CATCHMENT.toLocaleString('en')} inhabitants; ${p.populationServed.toLocaleString('en')} served.`,
    });
  }
  if (p.kind === 'ANTENNE') {
    const missing = [
      p.antenneHoursPerWeek === null && 'hours a week',
      p.antenneMinutesFromMainSite === null && 'minutes from the main site',
      p.antenneSharesInformationSystem === null && 'whether it shares the information system',
    ].filter((m): m is string => typeof m === 'string');
    if (missing.length) {
      out.push({ rule: 'antenne-facts-missing', detail: `The antenne's conditions cannot be checked: not recorded: ${missing.join(', ')}.` });
    }
  }
  return out;
}
