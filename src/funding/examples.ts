// Example rule sets drawn from the seeds (named for what they are: examples, to adapt). Region
// 84's are loaded by `npm run seed:demo`; the scenario tests check their figures to the cent.
import type { RuleSet } from './calculator.js';

const COLLECTIVITIES = ['COMMUNE', 'EPCI'] as const;
const NON_PROFIT = ['ASSOCIATION', 'MUTUELLE', 'PUBLIC_HEALTH_ESTABLISHMENT', 'PRIVATE_NONPROFIT_HEALTH_ESTABLISHMENT', 'SCIC'] as const;
// The seeds of the conseils départementaux name no promoter: any legal form but OTHER.
const ALL_PROMOTERS = [...COLLECTIVITIES, ...NON_PROFIT, 'SISA'] as const;
const keur = (k: number) => BigInt(k) * 100_000n;

export interface ExampleRuleSet {
  name: string;
  regionCode: string;
  ruleSet: RuleSet;
}

export const EXAMPLE_RULE_SETS: ExampleRuleSet[] = [
  {
    // Seed 000 (CPER AURA 2021-2027) names the co-funders (State: DETR, DSIL, FIR; Région) and the
    // envelopes, not the rates: every rate, band and cap here is OUR CHOICE (Région ≤ 200 k€,
    // ARS (FIR) ≤ 50 k€); the ARS funds no building works (seed 004).
    name: 'Example — Auvergne-Rhône-Alpes CPER 2021-2027',
    regionCode: '84',
    ruleSet: {
      publicCeilingBps: 8000,
      funders: {
        DETR: {
          categories: ['IMMOBILIER', 'EQUIPEMENT'],
          promoterTypes: [...COLLECTIVITIES],
          requiresRural: true,
          defaultRateBps: 3000,
          minRateBps: 2000,
          maxRateBps: 4000,
          priority: 1,
        },
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
        ARS: {
          categories: ['EQUIPEMENT', 'SI_PARTAGE', 'INGENIERIE'],
          promoterTypes: [...COLLECTIVITIES, ...NON_PROFIT, 'SISA'],
          defaultRateBps: 5000,
          minRateBps: 0,
          maxRateBps: 8000,
          capCents: keur(50),
          priority: 4,
        },
      },
    },
  },
  {
    // Seed 002 (ARS Bretagne): building and start-up aid reach only ZIP, a QPV lying in a ZAC,
    // and islands; the shared information system and engineering reach ZAC too. The seed gives no
    // rate nor cap: those are OUR CHOICE. The Région's start-up aid stays within the forecast
    // deficit (the calculator's rule for every funder).
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
        FNADT: {
          categories: ['IMMOBILIER'],
          promoterTypes: [...COLLECTIVITIES],
          territories: ['ZIP', 'QPV_IN_ZAC', 'ISLAND'],
          defaultRateBps: 2000,
          minRateBps: 1000,
          maxRateBps: 4000,
          priority: 3,
        },
        DETR: {
          categories: ['IMMOBILIER', 'EQUIPEMENT'],
          promoterTypes: [...COLLECTIVITIES],
          requiresRural: true,
          territories: ['ZIP', 'QPV_IN_ZAC', 'ISLAND'],
          defaultRateBps: 2500,
          minRateBps: 2000,
          maxRateBps: 4000,
          priority: 1,
        },
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
    // Seed 004, word for word: "le conseil départemental finance à hauteur de 25% du montant hors
    // taxe des travaux hors VRD, foncier et étude, plafonné à 200 000 €, les créations de cabinets
    // secondaires de MSP". Only the works count (an unclassified expense, nature OTHER, is not
    // counted until the instructor says what it is); "plafonné" read as a cap on the aid, like
    // Occitanie's wording (docs/domain.md, Rule sets: our choice). Indre is département 36 (Centre-Val de Loire).
    name: 'Example — Indre, conseil départemental',
    regionCode: '24',
    ruleSet: {
      publicCeilingBps: 8000,
      funders: {
        DEPARTEMENT: {
          categories: ['IMMOBILIER'],
          promoterTypes: [...ALL_PROMOTERS],
          kinds: ['MSP', 'ANTENNE'],
          natures: ['SECONDARY_SITE'],
          excludedNatures: ['LAND', 'VRD', 'FEES_STUDIES', 'OTHER'],
          departmentCodes: ['36'],
          basis: 'HT',
          defaultRateBps: 2500,
          minRateBps: 2500,
          maxRateBps: 2500,
          capCents: keur(200),
          priority: 1,
        },
      },
    },
  },
  {
    // Seed 004: "la prise en charge à 20% du montant TTC (plafond à 500 000 € des dépenses des
    // opérations d'acquisition, de création, de transformation et de rénovation immobilière ainsi
    // que les dépenses de construction, de VRD et d'honoraires hors mobilier et équipement)", and
    // "dans les mêmes proportions (20% de la dépense subventionnable TTC) le premier achat de
    // matériel informatique ou de logiciel": 20 % of at most 500 k€ TTC of building expenditure
    // (so at most 100 k€ of aid), plus 20 % TTC of the first IT purchase outside that cap; MSP with
    // at least three doctors, and the conditions the instructor attests. Haute-Savoie is 74.
    name: 'Example — Haute-Savoie, conseil départemental',
    regionCode: '84',
    ruleSet: {
      publicCeilingBps: 8000,
      funders: {
        DEPARTEMENT: {
          categories: ['IMMOBILIER', 'EQUIPEMENT'],
          promoterTypes: [...ALL_PROMOTERS],
          kinds: ['MSP'],
          minDoctors: 3,
          basis: 'TTC',
          excludedNatures: ['FURNITURE', 'MEDICAL_EQUIPMENT', 'OTHER'],
          baseCapCents: keur(500),
          baseCapCategories: ['IMMOBILIER'],
          departmentCodes: ['74'],
          conditions: [
            { code: 'gps-over-55', label: 'bassin de vie ne comptant que des généralistes de plus de 55 ans' },
            { code: 'over-30-min-from-care', label: "situé à plus de trente minutes d'une autre offre de soins" },
            {
              code: 'backed-by-communes',
              label: "soutenu, y compris financièrement, par les communes et intercommunalités d'implantation",
              satisfiedByPromoterTypes: ['COMMUNE', 'EPCI'],
            },
            { code: 'projet-de-sante', label: 'reposant sur un projet de santé' },
            { code: 'maitres-de-stage', label: "s'engageant à devenir maîtres de stage universitaires" },
          ],
          defaultRateBps: 2000,
          minRateBps: 2000,
          maxRateBps: 2000,
          priority: 1,
        },
      },
    },
  },
  {
    // Seed 004: the Région Occitanie funds "aux intercommunalités, établissements et organismes de
    // santé à buts non lucratifs [...] la création ou l'extension de centres de santé", "30% des
    // travaux de construction et d'équipement, plafonnés à 100 000 € (pour les projets d'extension)
    // ou 195 000 € pour les projets de création", under the conditions listed there. Land is not
    // construction. The mountain-area bonus is not modelled: the reference data has no mountain zone.
    name: 'Example — Occitanie, Région',
    regionCode: '76',
    ruleSet: {
      publicCeilingBps: 8000,
      funders: {
        REGION: {
          categories: ['IMMOBILIER', 'EQUIPEMENT'],
          promoterTypes: ['EPCI', ...NON_PROFIT],
          kinds: ['CDS_MEDICAL', 'CDS_POLYVALENT', 'CDS_DENTAIRE', 'CDS_INFIRMIER'],
          natures: ['CREATION', 'EXTENSION'],
          excludedNatures: ['LAND'],
          conditions: [
            { code: 'diagnostic-territorial', label: 'un diagnostic territorial élaboré' },
            { code: 'projet-de-sante', label: 'un projet de santé élaboré' },
            { code: 'trainees-or-prevention', label: "accueil de stagiaires ou d'étudiants du service sanitaire et/ou actions de prévention" },
            { code: 'extension-adds-professional', label: "l'extension accroît l'offre d'au moins un professionnel", natures: ['EXTENSION'] },
            { code: 'backed-by-commune-or-epci', label: "projet soutenu financièrement par la commune et/ou l'intercommunalité", satisfiedByPromoterTypes: ['EPCI'] },
          ],
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
