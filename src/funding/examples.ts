// Example rule sets drawn from the seeds (named for what they are: examples, to adapt). Loaded
// by `npm run seed:demo`; the scenario tests check their figures to the cent.
import type { RuleSet } from './calculator.js';

const COLLECTIVITIES = ['COMMUNE', 'EPCI'] as const;
const NON_PROFIT = ['ASSOCIATION', 'MUTUELLE', 'PUBLIC_HEALTH_ESTABLISHMENT', 'PRIVATE_NONPROFIT_HEALTH_ESTABLISHMENT', 'SCIC'] as const;
const keur = (k: number) => BigInt(k) * 100_000n;

export interface ExampleRuleSet {
  name: string;
  regionCode: string;
  ruleSet: RuleSet;
}

export const EXAMPLE_RULE_SETS: ExampleRuleSet[] = [
  {
    // Seed 000 (CPER AURA 2021-2027) with the brief's choices: Région ≤ 200 k€, ARS (FIR)
    // ≤ 50 k€ and no building works; the State's DETR and DSIL on building and equipment.
    name: 'Example — Auvergne-Rhône-Alpes CPER 2021-2027',
    regionCode: '84',
    ruleSet: {
      publicCeilingBps: 8000,
      funders: {
        DETR: { categories: ['IMMOBILIER', 'EQUIPEMENT'], promoterTypes: [...COLLECTIVITIES], requiresRural: true, defaultRateBps: 3000, minRateBps: 2000, maxRateBps: 4000, priority: 1 },
        DSIL: { categories: ['IMMOBILIER', 'EQUIPEMENT'], promoterTypes: [...COLLECTIVITIES], defaultRateBps: 2000, minRateBps: 1000, maxRateBps: 4000, priority: 2 },
        REGION: {
          categories: ['IMMOBILIER', 'EQUIPEMENT', 'FONCTIONNEMENT'],
          promoterTypes: [...COLLECTIVITIES, ...NON_PROFIT],
          minDoctors: 2,
          requiresBalancedBudget: true,
          defaultRateBps: 3000,
          minRateBps: 1000,
          maxRateBps: 5000,
          capCents: keur(200),
          priority: 3,
        },
        ARS: { categories: ['EQUIPEMENT', 'SI_PARTAGE', 'INGENIERIE'], promoterTypes: [...COLLECTIVITIES, ...NON_PROFIT, 'SISA'], defaultRateBps: 5000, minRateBps: 0, maxRateBps: 8000, capCents: keur(50), priority: 4 },
      },
    },
  },
  {
    // Seed 002 (ARS Bretagne): building and start-up aid reach only ZIP, a QPV lying in a ZAC,
    // and islands; the shared information system and engineering reach ZAC too.
    name: 'Example — Bretagne, centres de santé',
    regionCode: '53',
    ruleSet: {
      publicCeilingBps: 8000,
      funders: {
        REGION: {
          categories: ['IMMOBILIER', 'FONCTIONNEMENT'],
          promoterTypes: [...COLLECTIVITIES, 'PUBLIC_HEALTH_ESTABLISHMENT', 'PRIVATE_NONPROFIT_HEALTH_ESTABLISHMENT', 'ASSOCIATION'],
          minDoctors: 2,
          requiresBalancedBudget: true,
          territories: ['ZIP', 'QPV_IN_ZAC', 'ISLAND'],
          defaultRateBps: 3000,
          minRateBps: 1000,
          maxRateBps: 5000,
          priority: 2,
        },
        FNADT: { categories: ['IMMOBILIER'], promoterTypes: [...COLLECTIVITIES], territories: ['ZIP', 'QPV_IN_ZAC', 'ISLAND'], defaultRateBps: 2000, minRateBps: 1000, maxRateBps: 4000, priority: 3 },
        DETR: { categories: ['IMMOBILIER', 'EQUIPEMENT'], promoterTypes: [...COLLECTIVITIES], requiresRural: true, territories: ['ZIP', 'QPV_IN_ZAC', 'ISLAND'], defaultRateBps: 2500, minRateBps: 2000, maxRateBps: 4000, priority: 1 },
        ARS: {
          categories: ['SI_PARTAGE', 'INGENIERIE'],
          promoterTypes: [...COLLECTIVITIES, ...NON_PROFIT],
          territories: ['ZIP', 'ZAC', 'QPV', 'ISLAND'],
          defaultRateBps: 5000,
          minRateBps: 0,
          maxRateBps: 8000,
          priority: 4,
        },
      },
    },
  },
  {
    // Seed 004: Indre's conseil départemental funds 25 % of the works (excluding VRD, land and
    // studies), capped at 200 k€.
    name: 'Example — Indre, conseil départemental',
    regionCode: '24',
    ruleSet: {
      publicCeilingBps: 8000,
      funders: {
        DEPARTEMENT: { categories: ['IMMOBILIER'], promoterTypes: [...COLLECTIVITIES], defaultRateBps: 2500, minRateBps: 2500, maxRateBps: 2500, capCents: keur(200), priority: 1 },
        DETR: { categories: ['IMMOBILIER', 'EQUIPEMENT'], promoterTypes: [...COLLECTIVITIES], requiresRural: true, defaultRateBps: 3000, minRateBps: 2000, maxRateBps: 4000, priority: 2 },
      },
    },
  },
  {
    // Seed 004: Haute-Savoie's conseil départemental funds 20 % of the building works (and the
    // first IT equipment) of MSP with at least three doctors, capped at 500 k€.
    name: 'Example — Haute-Savoie, conseil départemental',
    regionCode: '84',
    ruleSet: {
      publicCeilingBps: 8000,
      funders: {
        DEPARTEMENT: { categories: ['IMMOBILIER', 'EQUIPEMENT'], promoterTypes: [...COLLECTIVITIES], minDoctors: 3, defaultRateBps: 2000, minRateBps: 2000, maxRateBps: 2000, capCents: keur(500), priority: 1 },
      },
    },
  },
  {
    // Seed 004: the Région Occitanie funds 30 % of construction and equipment of centres de
    // santé of EPCI and non-profit bodies, capped at 195 k€ for a creation, 100 k€ for an extension.
    name: 'Example — Occitanie, Région',
    regionCode: '76',
    ruleSet: {
      publicCeilingBps: 8000,
      funders: {
        REGION: {
          categories: ['IMMOBILIER', 'EQUIPEMENT'],
          promoterTypes: ['EPCI', ...NON_PROFIT],
          defaultRateBps: 3000,
          minRateBps: 3000,
          maxRateBps: 3000,
          capCents: keur(195),
          capCentsExisting: keur(100),
          priority: 1,
        },
      },
    },
  },
];

/** The CPER AURA 2021-2027 envelopes of seed 000 (chapter Santé): Région 17.7 M€, ARS 4 M€. */
export const CPER_AURA_ENVELOPES = [
  { funder: 'REGION', regionCode: '84', programme: 'CPER 2021-2027 — maillage de maisons et centres de santé', amountCents: 1_770_000_000n },
  { funder: 'ARS', regionCode: '84', programme: 'CPER 2021-2027 — maillage de maisons et centres de santé', amountCents: 400_000_000n },
] as const;
