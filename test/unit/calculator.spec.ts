import fc from 'fast-check';
import { type CalculationInput, computePlan, type FunderRule, mulBps, RateOutOfBand, type RuleSet, TERRITORIES } from '../../src/funding/calculator.js';
import { EXAMPLE_RULE_SETS } from '../../src/funding/examples.js';
import { ExpenseCategory, ExpenseNature, Funder, LegalType, ProjectKind, ProjectNature, Zone } from '../../src/generated/prisma/enums.js';

const CATEGORIES = Object.values(ExpenseCategory);
const FUNDERS = Object.values(Funder);
const LEGAL = Object.values(LegalType);
const NATURES = Object.values(ExpenseNature);
const KINDS = Object.values(ProjectKind);
const PROJECT_NATURES = Object.values(ProjectNature);
const example = (name: string) => EXAMPLE_RULE_SETS.find((r) => r.name.includes(name))!.ruleSet;

const base: Omit<CalculationInput, 'ruleSet' | 'expenses'> = {
  promoterType: 'COMMUNE',
  project: { existing: false, doctorsPlanned: 4, balancedBudget: true, forecastDeficitCents: null },
  commune: { zone: 'ZIP', qpv: false, island: false, rural: true },
};
const line = (plan: ReturnType<typeof computePlan>, funder: Funder) => plan.lines.find((l) => l.funder === funder)!;

describe('funding calculator: scenarios from the seeds, to the cent', () => {
  // Seed 004: "25% du montant hors taxe des travaux hors VRD, foncier et étude, plafonné à
  // 200 000 €, les créations de cabinets secondaires de MSP" (Indre is 36).
  const indre = { ...base, project: { ...base.project, kind: 'MSP' as const, nature: 'SECONDARY_SITE' as const, departmentCode: '36' }, ruleSet: example('Indre') };
  const indreWorks = [
    { category: 'IMMOBILIER' as const, nature: 'WORKS' as const, amountCents: 60_000_000n, vatCents: 12_000_000n },
    { category: 'IMMOBILIER' as const, nature: 'VRD' as const, amountCents: 5_000_000n },
    { category: 'IMMOBILIER' as const, nature: 'LAND' as const, amountCents: 8_000_000n },
    { category: 'IMMOBILIER' as const, nature: 'FEES_STUDIES' as const, amountCents: 4_000_000n },
  ];
  it('Indre: works 600,000 € HT with VRD 50,000, land 80,000 and studies 40,000 → 25 % of the works alone = 150,000 € (was 192,500 €)', () => {
    const plan = computePlan({ ...indre, expenses: indreWorks });
    expect(line(plan, 'DEPARTEMENT')).toMatchObject({ baseCents: 60_000_000n, appliedRateBps: 2500, amountCents: 15_000_000n, boundBy: null });
    expect(line(plan, 'DEPARTEMENT').reasons).toEqual(
      expect.arrayContaining([expect.stringMatching(/^excludedNatures: 50,000\.00 € of VRD/), expect.stringMatching(/^excludedNatures: 80,000\.00 € of LAND/)]),
    );
  });

  it('Indre: works 1,000,000 € HT → 25 % = 250,000 €, capped at 200,000 € of aid', () => {
    const plan = computePlan({ ...indre, expenses: [{ category: 'IMMOBILIER', nature: 'WORKS', amountCents: 100_000_000n }] });
    expect(line(plan, 'DEPARTEMENT')).toMatchObject({ amountCents: 20_000_000n, boundBy: 'CAP' });
    expect(line(plan, 'DEPARTEMENT').reasons.at(-1)).toMatch(/^capCents: aid capped at 200,000\.00 €/);
  });

  it('Indre: only the creation of MSP secondary sites, in Indre → a new MSP or a project in Cher gets 0, the rule named', () => {
    const creation = computePlan({ ...indre, project: { ...indre.project, nature: 'CREATION' }, expenses: indreWorks });
    expect(line(creation, 'DEPARTEMENT')).toMatchObject({ eligible: false, amountCents: 0n });
    expect(line(creation, 'DEPARTEMENT').reasons[0]).toMatch(/^natures: .*SECONDARY_SITE/);
    const cher = computePlan({ ...indre, project: { ...indre.project, departmentCode: '18' }, expenses: indreWorks });
    expect(line(cher, 'DEPARTEMENT').reasons[0]).toMatch(/^departmentCodes: .*only in 36; the project is in 18/);
  });

  // Seed 004: 20 % TTC of at most 500,000 € of building expenditure, 20 % TTC of the first IT
  // purchase outside that cap; MSP of at least 3 doctors, conditions attested (Haute-Savoie is 74).
  const savoyard = ['gps-over-55', 'over-30-min-from-care', 'projet-de-sante', 'maitres-de-stage'];
  const hauteSavoie = {
    ...base,
    project: { ...base.project, kind: 'MSP' as const, doctorsPlanned: 3, departmentCode: '74' },
    ruleSet: example('Haute-Savoie'),
    attestations: savoyard,
  };
  it('Haute-Savoie: works 2,000,000 € HT (2,400,000 € TTC) → 20 % of the 500,000 € cap = 100,000 € (was 400,000 €)', () => {
    const plan = computePlan({ ...hauteSavoie, expenses: [{ category: 'IMMOBILIER', nature: 'WORKS', amountCents: 200_000_000n, vatCents: 40_000_000n }] });
    expect(line(plan, 'DEPARTEMENT')).toMatchObject({ baseCents: 50_000_000n, amountCents: 10_000_000n, boundBy: null });
    expect(line(plan, 'DEPARTEMENT').reasons[0]).toMatch(/^baseCapCents: .*capped at 500,000\.00 € \(of 2,400,000\.00 €\)/);
  });

  it('Haute-Savoie: works 300,000 € HT + VAT 60,000 €, first IT purchase 30,000 € + VAT 6,000 €, furniture 20,000 € → 20 % of 360,000 + 36,000 TTC = 79,200 €', () => {
    const plan = computePlan({
      ...hauteSavoie,
      expenses: [
        { category: 'IMMOBILIER', nature: 'WORKS', amountCents: 30_000_000n, vatCents: 6_000_000n },
        { category: 'EQUIPEMENT', nature: 'IT_FIRST_PURCHASE', amountCents: 3_000_000n, vatCents: 600_000n },
        { category: 'EQUIPEMENT', nature: 'FURNITURE', amountCents: 2_000_000n, vatCents: 400_000n },
      ],
    });
    expect(line(plan, 'DEPARTEMENT')).toMatchObject({ baseCents: 39_600_000n, amountCents: 7_920_000n });
  });

  it('Haute-Savoie: the IT first purchase stays outside the building cap (works 3,000,000 € TTC + IT 50,000 € TTC → 100,000 + 10,000 €)', () => {
    const plan = computePlan({
      ...hauteSavoie,
      expenses: [
        { category: 'IMMOBILIER', nature: 'WORKS', amountCents: 250_000_000n, vatCents: 50_000_000n },
        { category: 'EQUIPEMENT', nature: 'IT_FIRST_PURCHASE', amountCents: 4_166_667n, vatCents: 833_333n },
      ],
    });
    expect(line(plan, 'DEPARTEMENT')).toMatchObject({ baseCents: 55_000_000n, amountCents: 11_000_000n });
  });

  it('Haute-Savoie: fewer than 3 doctors, a missing attestation, or Savoie → 0, the rule named', () => {
    const expenses = [{ category: 'IMMOBILIER' as const, nature: 'WORKS' as const, amountCents: 1_000_000n }];
    const two = computePlan({ ...hauteSavoie, project: { ...hauteSavoie.project, doctorsPlanned: 2 }, expenses });
    expect(line(two, 'DEPARTEMENT')).toMatchObject({ eligible: false, amountCents: 0n, boundBy: 'INELIGIBLE' });
    expect(line(two, 'DEPARTEMENT').reasons[0]).toMatch(/^minDoctors: .*at least 3 doctors/);
    const unattested = computePlan({ ...hauteSavoie, attestations: ['gps-over-55'], expenses });
    expect(line(unattested, 'DEPARTEMENT').reasons[0]).toMatch(/^conditions: not attested on the dossier: over-30-min-from-care .*projet-de-sante .*maitres-de-stage/);
    // A commune promoter is itself the communes' backing; a SISA must have it attested.
    expect(line(unattested, 'DEPARTEMENT').reasons[0]).not.toContain('backed-by-communes');
    const sisa = computePlan({ ...hauteSavoie, promoterType: 'SISA', expenses });
    expect(line(sisa, 'DEPARTEMENT').reasons[0]).toMatch(/backed-by-communes/);
    const savoie = computePlan({ ...hauteSavoie, project: { ...hauteSavoie.project, departmentCode: '73' }, expenses });
    expect(line(savoie, 'DEPARTEMENT').reasons[0]).toMatch(/^departmentCodes:/);
  });

  // Seed 004: 30 % of construction and equipment, ≤ 195,000 € for a creation, ≤ 100,000 € for an
  // extension, for EPCI and non-profit bodies' centres de santé, conditions attested.
  const occitanie = {
    ...base,
    promoterType: 'EPCI' as const,
    project: { ...base.project, kind: 'CDS_MEDICAL' as const, nature: 'CREATION' as const },
    ruleSet: example('Occitanie'),
    attestations: ['diagnostic-territorial', 'projet-de-sante', 'trainees-or-prevention'],
  };
  const occitanieExpenses = [
    { category: 'IMMOBILIER' as const, nature: 'WORKS' as const, amountCents: 50_000_000n },
    { category: 'IMMOBILIER' as const, nature: 'LAND' as const, amountCents: 20_000_000n },
    { category: 'EQUIPEMENT' as const, nature: 'MEDICAL_EQUIPMENT' as const, amountCents: 10_000_000n },
  ];
  it('Occitanie: creation with works 500,000 €, equipment 100,000 € and land 200,000 € → 30 % of 600,000 = 180,000 € (was 195,000 €)', () => {
    const plan = computePlan({ ...occitanie, expenses: occitanieExpenses });
    expect(line(plan, 'REGION')).toMatchObject({ baseCents: 60_000_000n, amountCents: 18_000_000n, boundBy: null });
  });

  it('Occitanie: works 800,000 € → 240,000 €, capped at 195,000 € for a creation and 100,000 € for an extension that adds a professional', () => {
    const works = [{ category: 'IMMOBILIER' as const, nature: 'WORKS' as const, amountCents: 80_000_000n }];
    expect(line(computePlan({ ...occitanie, expenses: works }), 'REGION')).toMatchObject({ amountCents: 19_500_000n, boundBy: 'CAP' });
    const extension = { ...occitanie, project: { ...occitanie.project, existing: true, nature: 'EXTENSION' as const } };
    const unattested = line(computePlan({ ...extension, expenses: works }), 'REGION');
    expect(unattested).toMatchObject({ eligible: false, amountCents: 0n });
    expect(unattested.reasons[0]).toMatch(/extension-adds-professional/);
    const attested = computePlan({ ...extension, attestations: [...occitanie.attestations, 'extension-adds-professional'], expenses: works });
    expect(line(attested, 'REGION')).toMatchObject({ amountCents: 10_000_000n, boundBy: 'CAP' });
    expect(line(attested, 'REGION').reasons.at(-1)).toMatch(/^capCentsExisting:/);
  });

  it('Occitanie: a commune promoter or an MSP gets nothing', () => {
    expect(line(computePlan({ ...occitanie, promoterType: 'COMMUNE', expenses: occitanieExpenses }), 'REGION').reasons[0]).toMatch(/^promoterTypes:/);
    expect(line(computePlan({ ...occitanie, project: { ...occitanie.project, kind: 'MSP' }, expenses: occitanieExpenses }), 'REGION').reasons[0]).toMatch(/^kinds:/);
  });

  it('AURA: Région ≤ 200 k€, ARS ≤ 50 k€ and no building works, under the 80 % ceiling', () => {
    const plan = computePlan({
      ...base,
      ruleSet: example('Auvergne'),
      expenses: [
        { category: 'IMMOBILIER', amountCents: 120_000_000n },
        { category: 'EQUIPEMENT', amountCents: 15_000_000n },
        { category: 'SI_PARTAGE', amountCents: 4_000_000n },
        { category: 'INGENIERIE', amountCents: 3_000_000n },
      ],
    });
    // Total 1,420,000 €; ceiling 80 % = 1,136,000 €.
    expect(plan.totalCents).toBe(142_000_000n);
    expect(plan.publicCeilingCents).toBe(113_600_000n);
    expect(line(plan, 'DETR')).toMatchObject({ baseCents: 135_000_000n, amountCents: 40_500_000n, boundBy: null });
    expect(line(plan, 'DSIL')).toMatchObject({ amountCents: 27_000_000n, boundBy: null });
    expect(line(plan, 'REGION')).toMatchObject({ amountCents: 20_000_000n, boundBy: 'CAP' });
    // ARS: 50 % of 220,000 € = 110,000 €, capped at 50,000 €; building works are not in its base.
    expect(line(plan, 'ARS')).toMatchObject({ baseCents: 22_000_000n, amountCents: 5_000_000n, boundBy: 'CAP' });
    expect(plan.publicTotalCents).toBe(92_500_000n);
    expect(plan.selfFinancingCents).toBe(49_500_000n);
  });

  it('the 80 % ceiling: the funder that would cross it gets what is left, and the trace says so', () => {
    const ruleSet: RuleSet = {
      publicCeilingBps: 8000,
      funders: {
        DETR: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE'], defaultRateBps: 5000, minRateBps: 0, maxRateBps: 10000, priority: 1 },
        REGION: { categories: ['IMMOBILIER'], promoterTypes: ['COMMUNE'], defaultRateBps: 4000, minRateBps: 0, maxRateBps: 10000, priority: 2 },
      },
    };
    const plan = computePlan({ ...base, ruleSet, expenses: [{ category: 'IMMOBILIER', amountCents: 33_333_333n }] });
    expect(plan.publicCeilingCents).toBe(26_666_666n); // floor(33,333,333 × 0.8)
    expect(line(plan, 'DETR').amountCents).toBe(16_666_666n); // floor(× 0.5)
    expect(line(plan, 'REGION')).toMatchObject({ amountCents: 10_000_000n, boundBy: 'PUBLIC_CEILING' });
    expect(line(plan, 'REGION').reasons.at(-1)).toMatch(/80 %/);
    expect(plan.selfFinancingCents).toBe(6_666_667n);
  });

  it('Bretagne: building money only in ZIP, a QPV in a ZAC, or an island; a plain ZAC gets none', () => {
    const expenses = [
      { category: 'IMMOBILIER' as const, amountCents: 50_000_000n },
      { category: 'SI_PARTAGE' as const, amountCents: 2_000_000n },
    ];
    const zac = computePlan({ ...base, commune: { zone: 'ZAC', qpv: false, island: false, rural: true }, ruleSet: example('Bretagne'), expenses });
    for (const f of ['REGION', 'FNADT', 'DETR'] as const) expect(line(zac, f)).toMatchObject({ eligible: false, amountCents: 0n });
    expect(line(zac, 'ARS')).toMatchObject({ eligible: true, amountCents: 1_000_000n });
    const qpvInZac = computePlan({ ...base, commune: { zone: 'ZAC', qpv: true, island: false, rural: true }, ruleSet: example('Bretagne'), expenses });
    for (const f of ['REGION', 'FNADT', 'DETR'] as const) expect(line(qpvInZac, f).eligible).toBe(true);
  });

  it('counts start-up aid only up to the forecast deficit', () => {
    const plan = computePlan({
      ...base,
      project: { ...base.project, forecastDeficitCents: 3_000_000n },
      ruleSet: example('Bretagne'),
      expenses: [{ category: 'FONCTIONNEMENT', amountCents: 5_000_000n }],
    });
    expect(line(plan, 'REGION')).toMatchObject({ baseCents: 3_000_000n, amountCents: 900_000n });
    expect(plan.eligibleCostCents).toBe(3_000_000n);
  });

  it('start-up aid: all funders together stay within the forecast deficit of 30,000 € (two funders at 100 % → 30,000 €, not 60,000 €)', () => {
    const ruleSet: RuleSet = {
      publicCeilingBps: 10000,
      funders: {
        REGION: { categories: ['FONCTIONNEMENT'], promoterTypes: ['COMMUNE'], defaultRateBps: 10000, minRateBps: 0, maxRateBps: 10000, priority: 1 },
        ARS: { categories: ['FONCTIONNEMENT'], promoterTypes: ['COMMUNE'], defaultRateBps: 10000, minRateBps: 0, maxRateBps: 10000, priority: 2 },
      },
    };
    const plan = computePlan({
      ...base,
      ruleSet,
      project: { ...base.project, forecastDeficitCents: 3_000_000n },
      expenses: [{ category: 'FONCTIONNEMENT', amountCents: 5_000_000n }],
    });
    expect(line(plan, 'REGION')).toMatchObject({ amountCents: 3_000_000n, startUpAidCents: 3_000_000n });
    expect(line(plan, 'ARS')).toMatchObject({ amountCents: 0n });
    expect(line(plan, 'ARS').reasons.at(-1)).toMatch(/^forecastDeficit: .*what other funders left/);
  });

  it('start-up aid covers the first two years of operation only (started 2024-03-01: ended 2026-03-01)', () => {
    const expenses = [
      { category: 'FONCTIONNEMENT' as const, amountCents: 2_000_000n },
      { category: 'IMMOBILIER' as const, amountCents: 10_000_000n },
    ];
    const project = { ...base.project, forecastDeficitCents: 5_000_000n, operationStartOn: '2024-03-01' };
    const within = computePlan({ ...base, project, ruleSet: example('Bretagne'), expenses, asOf: '2026-02-28' });
    expect(line(within, 'REGION').baseCents).toBe(12_000_000n);
    const after = computePlan({ ...base, project, ruleSet: example('Bretagne'), expenses, asOf: '2026-03-01' });
    expect(line(after, 'REGION').baseCents).toBe(10_000_000n);
    expect(line(after, 'REGION').reasons[0]).toMatch(/^startUpAid: .*ended on 2026-03-01/);
  });

  it('the ARS funds an MSP only as a SISA of ≥ 2 doctors and ≥ 1 paramedical professional', () => {
    const expenses = [{ category: 'SI_PARTAGE' as const, amountCents: 1_000_000n }];
    const msp = { ...base, ruleSet: example('Auvergne'), expenses };
    const noSisa = computePlan({ ...msp, project: { ...base.project, kind: 'MSP', doctorsPlanned: 3, professionalsPlanned: 6, sisa: false } });
    expect(line(noSisa, 'ARS')).toMatchObject({ eligible: false, amountCents: 0n });
    expect(line(noSisa, 'ARS').reasons[0]).toMatch(/^sisa: .*SISA: no, doctors: 3, paramedical: 3/);
    const doctorsOnly = computePlan({ ...msp, project: { ...base.project, kind: 'MSP', doctorsPlanned: 2, professionalsPlanned: 2, sisa: true } });
    expect(line(doctorsOnly, 'ARS').reasons[0]).toMatch(/paramedical: 0/);
    const sisa = computePlan({ ...msp, project: { ...base.project, kind: 'MSP', doctorsPlanned: 2, professionalsPlanned: 3, sisa: true } });
    expect(line(sisa, 'ARS')).toMatchObject({ eligible: true, amountCents: 500_000n });
    // A centre de santé is not a SISA matter.
    const cds = computePlan({ ...msp, project: { ...base.project, kind: 'CDS_MEDICAL', doctorsPlanned: 2, professionalsPlanned: 2 } });
    expect(line(cds, 'ARS').eligible).toBe(true);
  });

  it('DETR follows the promoter: TO_CONFIRM gets nothing until the préfecture confirms; NOT_ELIGIBLE never', () => {
    const expenses = [{ category: 'IMMOBILIER' as const, amountCents: 10_000_000n }];
    const run = (detr: CalculationInput['detr']) => line(computePlan({ ...base, ruleSet: example('Auvergne'), detr, expenses }), 'DETR');
    expect(run({ status: 'ELIGIBLE', reason: 'population 900 ≤ 2,000' })).toMatchObject({ amountCents: 3_000_000n });
    const waiting = run({ status: 'TO_CONFIRM', reason: 'population 5,000', confirmation: null });
    expect(waiting).toMatchObject({ eligible: false, amountCents: 0n });
    expect(waiting.reasons[0]).toMatch(/^requiresRural: DETR eligibility is to be confirmed by the préfecture/);
    expect(run({ status: 'TO_CONFIRM', reason: 'population 5,000', confirmation: 'CONFIRMED' })).toMatchObject({ amountCents: 3_000_000n });
    expect(run({ status: 'TO_CONFIRM', reason: 'population 5,000', confirmation: 'REFUSED' }).reasons[0]).toMatch(/refused/);
    expect(run({ status: 'NOT_ELIGIBLE', reason: 'population 34,000 > 20,000' }).reasons[0]).toMatch(/34,000/);
  });

  it('territories per category within one funder: SI reaches a ZAC, building works do not', () => {
    const ruleSet: RuleSet = {
      publicCeilingBps: 8000,
      funders: {
        REGION: {
          categories: ['IMMOBILIER', 'SI_PARTAGE'],
          promoterTypes: ['COMMUNE'],
          territoriesByCategory: { IMMOBILIER: ['ZIP', 'QPV_IN_ZAC', 'ISLAND'], SI_PARTAGE: ['ZIP', 'ZAC', 'QPV', 'ISLAND'] },
          defaultRateBps: 5000,
          minRateBps: 0,
          maxRateBps: 10000,
          priority: 1,
        },
      },
    };
    const expenses = [
      { category: 'IMMOBILIER' as const, amountCents: 10_000_000n },
      { category: 'SI_PARTAGE' as const, amountCents: 1_000_000n },
    ];
    const zac = computePlan({ ...base, commune: { zone: 'ZAC', qpv: false, island: false, rural: true }, ruleSet, expenses });
    expect(line(zac, 'REGION')).toMatchObject({ eligible: true, baseCents: 1_000_000n, amountCents: 500_000n });
    expect(line(zac, 'REGION').reasons[0]).toMatch(/^territoriesByCategory: IMMOBILIER reaches only ZIP, QPV_IN_ZAC, ISLAND/);
    const zip = computePlan({ ...base, ruleSet, expenses });
    expect(line(zip, 'REGION').baseCents).toBe(11_000_000n);
  });

  it('refuses a rate outside its band with the band in the error', () => {
    expect(() => computePlan({ ...base, ruleSet: example('Auvergne'), expenses: [], requestedRates: { DETR: 4500 } })).toThrow(RateOutOfBand);
    expect(() => computePlan({ ...base, ruleSet: example('Auvergne'), expenses: [], requestedRates: { DETR: 4500 } })).toThrow(/2000–4000/);
  });
});

// ---------------------------------------------------------------- properties

const cents = fc.bigInt({ min: 0n, max: 500_000_000n });
const rule: fc.Arbitrary<FunderRule> = fc
  .record({
    categories: fc.uniqueArray(fc.constantFrom(...CATEGORIES), { minLength: 1 }),
    promoterTypes: fc.uniqueArray(fc.constantFrom(...LEGAL), { minLength: 1 }),
    minDoctors: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
    requiresBalancedBudget: fc.boolean(),
    requiresRural: fc.boolean(),
    territories: fc.option(fc.uniqueArray(fc.constantFrom(...TERRITORIES), { minLength: 1 }), { nil: undefined }),
    band: fc.tuple(fc.integer({ min: 0, max: 10000 }), fc.integer({ min: 0, max: 10000 }), fc.integer({ min: 0, max: 10000 })).map((t) => t.sort((a, b) => a - b)),
    capCents: fc.option(cents, { nil: undefined }),
    capCentsExisting: fc.option(cents, { nil: undefined }),
    baseCapCents: fc.option(cents, { nil: undefined }),
    basis: fc.option(fc.constantFrom('HT' as const, 'TTC' as const), { nil: undefined }),
    excludedNatures: fc.option(fc.uniqueArray(fc.constantFrom(...NATURES)), { nil: undefined }),
    kinds: fc.option(fc.uniqueArray(fc.constantFrom(...KINDS), { minLength: 1 }), { nil: undefined }),
    natures: fc.option(fc.uniqueArray(fc.constantFrom(...PROJECT_NATURES), { minLength: 1 }), { nil: undefined }),
    territoriesByCategory: fc.option(fc.dictionary(fc.constantFrom(...CATEGORIES), fc.uniqueArray(fc.constantFrom(...TERRITORIES), { minLength: 1 })), { nil: undefined }),
    conditions: fc.option(fc.uniqueArray(fc.record({ code: fc.constantFrom('a', 'b', 'c'), label: fc.constant('x') }), { selector: (c) => c.code }), { nil: undefined }),
    priority: fc.integer({ min: 1, max: 6 }),
  })
  .map(({ band, ...r }) => ({ ...r, minRateBps: band[0], defaultRateBps: band[1], maxRateBps: band[2] }));

const input: fc.Arbitrary<CalculationInput> = fc.record({
  ruleSet: fc.record({
    publicCeilingBps: fc.integer({ min: 0, max: 10000 }),
    funders: fc.dictionary(fc.constantFrom(...FUNDERS), rule, { minKeys: 1 }),
  }),
  promoterType: fc.constantFrom(...LEGAL),
  project: fc.record({
    existing: fc.boolean(),
    doctorsPlanned: fc.integer({ min: 0, max: 8 }),
    balancedBudget: fc.boolean(),
    forecastDeficitCents: fc.option(cents, { nil: null }),
    professionalsPlanned: fc.integer({ min: 0, max: 12 }),
    kind: fc.constantFrom(...KINDS),
    nature: fc.constantFrom(...PROJECT_NATURES),
    sisa: fc.boolean(),
  }),
  commune: fc.record({ zone: fc.constantFrom(...Object.values(Zone)), qpv: fc.boolean(), island: fc.boolean(), rural: fc.boolean() }),
  expenses: fc.array(
    fc.record({ category: fc.constantFrom(...CATEGORIES), nature: fc.constantFrom(...NATURES), amountCents: cents, vatCents: fc.bigInt({ min: 0n, max: 100_000_000n }) }),
    { maxLength: 8 },
  ),
  attestations: fc.uniqueArray(fc.constantFrom('a', 'b', 'c')),
});

const RUNS = { numRuns: 1000 };

describe('funding calculator: properties (1,000 random cases each)', () => {
  it('lines + self-financing = total, to the cent', () => {
    fc.assert(
      fc.property(input, (i) => {
        const p = computePlan(i);
        return p.lines.reduce((s, l) => s + l.amountCents, 0n) + p.selfFinancingCents === p.totalCents;
      }),
      RUNS,
    );
  });

  it('no line above its cap or its rate × base; ineligible lines are 0', () => {
    fc.assert(
      fc.property(input, (i) => {
        for (const l of computePlan(i).lines) {
          const r = i.ruleSet.funders[l.funder]!;
          const extension = i.project.existing || i.project.nature === 'EXTENSION';
          const cap = extension && r.capCentsExisting !== undefined ? r.capCentsExisting : r.capCents;
          if (cap !== undefined && l.amountCents > cap) return false;
          if (l.amountCents > (l.baseCents * BigInt(l.appliedRateBps)) / 10000n) return false;
          if (!l.eligible && l.amountCents !== 0n) return false;
          if (l.amountCents < 0n) return false;
        }
        return true;
      }),
      RUNS,
    );
  });

  it('public aid never exceeds the ceiling', () => {
    fc.assert(
      fc.property(input, (i) => {
        const p = computePlan(i);
        return p.publicTotalCents <= p.publicCeilingCents && p.publicCeilingCents <= p.totalCents;
      }),
      RUNS,
    );
  });

  it('the same inputs always give the same plan', () => {
    fc.assert(
      fc.property(input, (i) => {
        const a = computePlan(i);
        const b = computePlan(structuredClone(i));
        return JSON.stringify(a, (_, v) => (typeof v === 'bigint' ? v.toString() : v)) === JSON.stringify(b, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
      }),
      RUNS,
    );
  });

  it('raising one expense never lowers the total of public aid', () => {
    fc.assert(
      fc.property(input, fc.nat(), cents, (i, pick, more) => {
        if (i.expenses.length === 0) return true;
        const k = pick % i.expenses.length;
        const raised = { ...i, expenses: i.expenses.map((e, j) => (j === k ? { ...e, amountCents: e.amountCents + more } : e)) };
        return computePlan(raised).publicTotalCents >= computePlan(i).publicTotalCents;
      }),
      RUNS,
    );
  });

  it('a cap on the base never lets aid exceed rate × cap', () => {
    fc.assert(
      fc.property(input, (i) => {
        for (const l of computePlan(i).lines) {
          const r = i.ruleSet.funders[l.funder]!;
          if (r.baseCapCents === undefined || r.baseCapCategories) continue;
          if (l.baseCents > r.baseCapCents || l.amountCents > mulBps(r.baseCapCents, l.appliedRateBps)) return false;
        }
        return true;
      }),
      RUNS,
    );
  });

  it('start-up aid of all funders together never exceeds the forecast deficit', () => {
    fc.assert(
      fc.property(input, (i) => {
        const p = computePlan(i);
        const startUp = p.lines.reduce((s, l) => s + l.startUpAidCents, 0n);
        return startUp <= (i.project.forecastDeficitCents ?? 0n) && p.lines.every((l) => l.startUpAidCents <= l.amountCents);
      }),
      RUNS,
    );
  });

  it('every reason of the trace names its rule', () => {
    const RULES =
      /^(departmentCodes|promoterTypes|kinds|natures|minDoctors|requiresBalancedBudget|sisa|requiresRural|territories|conditions|excludedNatures|territoriesByCategory|startUpAid|forecastDeficit|baseCapCents|defaultRateBps|requestedRate|capCents|capCentsExisting|publicCeilingBps): /;
    fc.assert(
      fc.property(input, (i) => computePlan(i).lines.every((l) => l.reasons.length > 0 && l.reasons.every((r) => RULES.test(r)))),
      RUNS,
    );
  });

  it('a rate inside its band is applied; outside, the request is refused', () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 0, max: 10000 }), (i, asked) => {
        const [funder, r] = Object.entries(i.ruleSet.funders)[0] as [Funder, FunderRule];
        const run = () => computePlan({ ...i, requestedRates: { [funder]: asked } });
        if (asked < r.minRateBps || asked > r.maxRateBps) {
          try {
            run();
            return false;
          } catch (e) {
            return e instanceof RateOutOfBand;
          }
        }
        const l = run().lines.find((x) => x.funder === funder)!;
        return !l.eligible || l.appliedRateBps === asked;
      }),
      RUNS,
    );
  });
});
