// DETR eligibility of communes and EPCI (CGCT L2334-33), derived from population. Pure.
import { isOverseasDepartment } from './regions.js';

export type DetrStatus = 'ELIGIBLE' | 'TO_CONFIRM' | 'NOT_ELIGIBLE';

export interface DetrEligibility {
  status: DetrStatus;
  reason: string;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function communeDetr(population: number, departmentCode: string): DetrEligibility {
  const overseas = isOverseasDepartment(departmentCode);
  const [small, large] = overseas ? [3_500, 35_000] : [2_000, 20_000];
  const where = overseas ? ' (outside metropolitan France)' : '';
  if (population <= small) {
    return { status: 'ELIGIBLE', reason: `population ${fmt(population)} ≤ ${fmt(small)}${where}` };
  }
  if (population <= large) {
    return {
      status: 'TO_CONFIRM',
      reason: `population ${fmt(population)} between ${fmt(small)} and ${fmt(large)}${where}: depends on the potentiel financier`,
    };
  }
  return { status: 'NOT_ELIGIBLE', reason: `population ${fmt(population)} > ${fmt(large)}${where}` };
}

export function epciDetr(population: number, largestMemberPopulation: number): DetrEligibility {
  if (population <= 75_000 && largestMemberPopulation <= 20_000) {
    return { status: 'ELIGIBLE', reason: `population ${fmt(population)} ≤ 75,000 and no member commune above 20,000` };
  }
  return {
    status: 'TO_CONFIRM',
    reason:
      population > 75_000
        ? `population ${fmt(population)} > 75,000: to be confirmed by the préfecture`
        : `a member commune has ${fmt(largestMemberPopulation)} inhabitants (> 20,000): to be confirmed by the préfecture`,
  };
}

/**
 * DETR eligibility follows the promoter (docs/domain.md, DETR): a commune by its own population, an EPCI
 * by its EPCI's (the EPCI its seat commune belongs to). Any other promoter is not a DETR
 * beneficiary. A `rural` flag set by hand never overrides the population: a TO_CONFIRM is
 * confirmed, per dossier, by the préfecture de département.
 */
export function promoterDetr(promoter: {
  legalType: string;
  commune: { population: number; departmentCode: string; epci: { population: number; largestMemberPopulation: number; name: string } | null };
}): DetrEligibility {
  if (promoter.legalType === 'COMMUNE') return communeDetr(promoter.commune.population, promoter.commune.departmentCode);
  if (promoter.legalType === 'EPCI') {
    const epci = promoter.commune.epci;
    if (!epci) return { status: 'TO_CONFIRM', reason: "the EPCI's population is not in the reference data: to be confirmed by the préfecture" };
    const d = epciDetr(epci.population, epci.largestMemberPopulation);
    return { ...d, reason: `${epci.name}: ${d.reason}` };
  }
  return { status: 'NOT_ELIGIBLE', reason: `a promoter of type ${promoter.legalType} is neither a commune nor an EPCI` };
}
