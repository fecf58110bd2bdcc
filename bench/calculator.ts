// `npm run bench:calculator`: plans computed per second by the pure funding calculator, on
// the AURA example rule set with a realistic dossier (not a timed test: a measurement).
import { computePlan } from '../src/funding/calculator.js';
import { EXAMPLE_RULE_SETS } from '../src/funding/examples.js';

const ruleSet = EXAMPLE_RULE_SETS[0].ruleSet;
const input = {
  ruleSet,
  promoterType: 'COMMUNE' as const,
  project: { existing: false, doctorsPlanned: 4, balancedBudget: true, forecastDeficitCents: 5_000_000n },
  commune: { zone: 'ZIP' as const, qpv: false, island: false, rural: true },
  expenses: [
    { category: 'IMMOBILIER' as const, amountCents: 120_000_000n },
    { category: 'EQUIPEMENT' as const, amountCents: 15_000_000n },
    { category: 'SI_PARTAGE' as const, amountCents: 4_000_000n },
    { category: 'INGENIERIE' as const, amountCents: 3_000_000n },
    { category: 'FONCTIONNEMENT' as const, amountCents: 8_000_000n },
  ],
};

for (let i = 0; i < 20_000; i++) computePlan(input); // warm-up
const rounds: number[] = [];
for (let r = 0; r < 5; r++) {
  const n = 100_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) computePlan(input);
  rounds.push(n / (Number(process.hrtime.bigint() - start) / 1e9));
}
rounds.sort((a, b) => a - b);
console.log(
  `funding calculator: ${Math.round(rounds[2]).toLocaleString('en-US')} plans/s (median of 5 rounds of 100,000; min ${Math.round(rounds[0]).toLocaleString('en-US')}, max ${Math.round(rounds[4]).toLocaleString('en-US')}) on Node ${process.version}`,
);
