import fc from 'fast-check';
import { type CalculationInput, computePlan, type FunderRule, RateOutOfBand, type RuleSet, TERRITORIES } from '../../src/funding/calculator.js';
import { EXAMPLE_RULE_SETS } from '../../src/funding/examples.js';
import { ExpenseCategory, Funder, LegalType, Zone } from '../../src/generated/prisma/enums.js';

const CATEGORIES = Object.values(ExpenseCategory);
const FUNDERS = Object.values(Funder);
const LEGAL = Object.values(LegalType);
const example = (name: string) => EXAMPLE_RULE_SETS.find((r) => r.name.includes(name))!.ruleSet;

const base: Omit<CalculationInput, 'ruleSet' | 'expenses'> = {
  promoterType: 'COMMUNE',
  project: { existing: false, doctorsPlanned: 4, balancedBudget: true, forecastDeficitCents: null },
  commune: { zone: 'ZIP', qpv: false, island: false, rural: true },
};
const line = (plan: ReturnType<typeof computePlan>, funder: Funder) => plan.lines.find((l) => l.funder === funder)!;

describe('funding calculator: scenarios from the seeds, to the cent', () => {
  it('Indre: 25 % of the works, capped at 200,000 €', () => {
    const small = computePlan({ ...base, ruleSet: example('Indre'), expenses: [{ category: 'IMMOBILIER', amountCents: 60_000_000n }] });
    expect(line(small, 'DEPARTEMENT')).toMatchObject({ baseCents: 60_000_000n, appliedRateBps: 2500, amountCents: 15_000_000n, boundBy: null });
    const big = computePlan({ ...base, ruleSet: example('Indre'), expenses: [{ category: 'IMMOBILIER', amountCents: 100_000_000n }] });
    expect(line(big, 'DEPARTEMENT')).toMatchObject({ amountCents: 20_000_000n, boundBy: 'CAP' });
  });

  it('Haute-Savoie: 20 % capped at 500,000 €, at least three doctors', () => {
    const plan = computePlan({ ...base, ruleSet: example('Haute-Savoie'), expenses: [{ category: 'IMMOBILIER', amountCents: 300_000_000n }] });
    expect(line(plan, 'DEPARTEMENT')).toMatchObject({ amountCents: 50_000_000n, boundBy: 'CAP' });
    const two = computePlan({ ...base, project: { ...base.project, doctorsPlanned: 2 }, ruleSet: example('Haute-Savoie'), expenses: [{ category: 'IMMOBILIER', amountCents: 1_000_000n }] });
    expect(line(two, 'DEPARTEMENT')).toMatchObject({ eligible: false, amountCents: 0n, boundBy: 'INELIGIBLE' });
    expect(line(two, 'DEPARTEMENT').reasons[0]).toContain('at least 3 doctors');
  });

  it('Occitanie: 30 % capped at 195,000 € for a creation and 100,000 € for an extension', () => {
    const expenses = [{ category: 'IMMOBILIER' as const, amountCents: 70_000_000n }, { category: 'EQUIPEMENT' as const, amountCents: 10_000_000n }];
    const creation = computePlan({ ...base, promoterType: 'EPCI', ruleSet: example('Occitanie'), expenses });
    expect(line(creation, 'REGION')).toMatchObject({ baseCents: 80_000_000n, amountCents: 19_500_000n, boundBy: 'CAP' });
    const extension = computePlan({ ...base, promoterType: 'EPCI', project: { ...base.project, existing: true }, ruleSet: example('Occitanie'), expenses });
    expect(line(extension, 'REGION')).toMatchObject({ amountCents: 10_000_000n, boundBy: 'CAP' });
    const commune = computePlan({ ...base, promoterType: 'COMMUNE', ruleSet: example('Occitanie'), expenses });
    expect(line(commune, 'REGION')).toMatchObject({ eligible: false, amountCents: 0n });
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
    const expenses = [{ category: 'IMMOBILIER' as const, amountCents: 50_000_000n }, { category: 'SI_PARTAGE' as const, amountCents: 2_000_000n }];
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
    priority: fc.integer({ min: 1, max: 6 }),
  })
  .map(({ band, ...r }) => ({ ...r, minRateBps: band[0], defaultRateBps: band[1], maxRateBps: band[2] }));

const input: fc.Arbitrary<CalculationInput> = fc.record({
  ruleSet: fc.record({
    publicCeilingBps: fc.integer({ min: 0, max: 10000 }),
    funders: fc.dictionary(fc.constantFrom(...FUNDERS), rule, { minKeys: 1 }) as fc.Arbitrary<RuleSet['funders']>,
  }),
  promoterType: fc.constantFrom(...LEGAL),
  project: fc.record({
    existing: fc.boolean(),
    doctorsPlanned: fc.integer({ min: 0, max: 8 }),
    balancedBudget: fc.boolean(),
    forecastDeficitCents: fc.option(cents, { nil: null }),
  }),
  commune: fc.record({ zone: fc.constantFrom(...Object.values(Zone)), qpv: fc.boolean(), island: fc.boolean(), rural: fc.boolean() }),
  expenses: fc.array(fc.record({ category: fc.constantFrom(...CATEGORIES), amountCents: cents }), { maxLength: 8 }),
});

const RUNS = { numRuns: 1000 };

describe('funding calculator: properties (1,000 random cases each)', () => {
  it('lines + self-financing = total, to the cent', () => {
    fc.assert(fc.property(input, (i) => {
      const p = computePlan(i);
      return p.lines.reduce((s, l) => s + l.amountCents, 0n) + p.selfFinancingCents === p.totalCents;
    }), RUNS);
  });

  it('no line above its cap or its rate × base; ineligible lines are 0', () => {
    fc.assert(fc.property(input, (i) => {
      for (const l of computePlan(i).lines) {
        const r = i.ruleSet.funders[l.funder]!;
        const cap = i.project.existing && r.capCentsExisting !== undefined ? r.capCentsExisting : r.capCents;
        if (cap !== undefined && l.amountCents > cap) return false;
        if (l.amountCents > (l.baseCents * BigInt(l.appliedRateBps)) / 10000n) return false;
        if (!l.eligible && l.amountCents !== 0n) return false;
        if (l.amountCents < 0n) return false;
      }
      return true;
    }), RUNS);
  });

  it('public aid never exceeds the ceiling', () => {
    fc.assert(fc.property(input, (i) => {
      const p = computePlan(i);
      return p.publicTotalCents <= p.publicCeilingCents && p.publicCeilingCents <= p.totalCents;
    }), RUNS);
  });

  it('the same inputs always give the same plan', () => {
    fc.assert(fc.property(input, (i) => {
      const a = computePlan(i);
      const b = computePlan(structuredClone(i));
      return JSON.stringify(a, (_, v) => (typeof v === 'bigint' ? v.toString() : v)) === JSON.stringify(b, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
    }), RUNS);
  });

  it('raising one expense never lowers the total of public aid', () => {
    fc.assert(fc.property(input, fc.nat(), cents, (i, pick, more) => {
      if (i.expenses.length === 0) return true;
      const k = pick % i.expenses.length;
      const raised = { ...i, expenses: i.expenses.map((e, j) => (j === k ? { ...e, amountCents: e.amountCents + more } : e)) };
      return computePlan(raised).publicTotalCents >= computePlan(i).publicTotalCents;
    }), RUNS);
  });

  it('a rate inside its band is applied; outside, the request is refused', () => {
    fc.assert(fc.property(input, fc.integer({ min: 0, max: 10000 }), (i, asked) => {
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
    }), RUNS);
  });
});
