// The procedure's pure rules (docs/domain.md): dates in order, the antenne conditions, the
// warnings of a centre de santé.
import { eligibilityOf, type StructureFacts, warningsOf } from '../../src/applications/eligibility.js';
import { type DatedEvent, dateOrderBreach } from '../../src/applications/procedure-dates.js';

describe('dates follow the procedure', () => {
  const chain: [DatedEvent, string][] = [
    ['SITE_MEETING', '2026-01-10'],
    ['REQUEST', '2026-02-01'],
    ['CARPEC_SESSION', '2026-03-05'],
    ['DECISION', '2026-03-20'],
    ['DELIVERABLES', '2026-06-01'],
    ['RECEIPT', '2026-07-15'],
  ];
  const known = Object.fromEntries(chain);

  it('accepts every date of the chain in order, and the same day as the event before', () => {
    for (const [event, date] of chain) expect(dateOrderBreach(event, date, known)).toBeNull();
    chain.slice(1).forEach(([event], i) => expect(dateOrderBreach(event, chain[i][1], known)).toBeNull());
    expect(dateOrderBreach('AUDIT_PLAN', '2026-03-20', known)).toBeNull();
  });

  it.each(chain.slice(1).map(([event], i) => [event, chain[i][0], chain[i][1]] as const))(
    '%s one day before %s is refused, naming both dates and both events',
    (event, previous, previousDate) => {
      const d = new Date(`${previousDate}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - 1);
      const date = d.toISOString().slice(0, 10);
      const breach = dateOrderBreach(event, date, known);
      expect(breach).toMatchObject({ rule: 'dates-out-of-order', event, date, previousEvent: previous, mustNotBeBefore: previousDate });
      expect(breach!.detail).toContain(date);
      expect(breach!.detail).toContain(previousDate);
    },
  );

  it('names the latest earlier event a date precedes, skipping the events that did not happen', () => {
    expect(dateOrderBreach('DECISION', '2026-01-01', known)).toMatchObject({ previousEvent: 'CARPEC_SESSION', mustNotBeBefore: '2026-03-05' });
    // An audit has no site meeting: its request is checked against nothing before it.
    expect(dateOrderBreach('REQUEST', '2020-01-01', { SITE_MEETING: null })).toBeNull();
    expect(dateOrderBreach('CARPEC_SESSION', '2026-01-20', { REQUEST: null, SITE_MEETING: '2026-01-21' })).toMatchObject({ previousEvent: 'SITE_MEETING' });
    expect(dateOrderBreach('AUDIT_PLAN', '2026-03-19', known)).toMatchObject({ previousEvent: 'DECISION', mustNotBeBefore: '2026-03-20' });
  });
});

describe('structures: antennes and centres de santé', () => {
  const zip = { name: 'Brioude', zone: 'ZIP' as const, qpv: false, island: false };
  const none = { name: 'Annonay', zone: 'NONE' as const, qpv: false, island: false };
  const antenne: StructureFacts = {
    kind: 'ANTENNE',
    professionalsPlanned: 3,
    populationServed: 5000,
    antenneHoursPerWeek: 20,
    antenneMinutesFromMainSite: 29,
    antenneSharesInformationSystem: true,
  };

  it('keeps an antenne that meets its three conditions eligible, at their limits', () => {
    expect(eligibilityOf(zip, antenne)).toMatchObject({ eligible: true, rank: 'PRIORITY', rule: null });
    expect(warningsOf(antenne)).toEqual([]);
  });

  it.each([
    [{ antenneHoursPerWeek: 21 }, /21 h a week/],
    [{ antenneMinutesFromMainSite: 30 }, /30 min/],
    [{ antenneSharesInformationSystem: false }, /information system/],
  ])('makes an antenne with %j ineligible, the rule named', (change, reason) => {
    const e = eligibilityOf(zip, { ...antenne, ...change });
    expect(e).toMatchObject({ eligible: false, rule: 'antenne-conditions' });
    expect(e.reasons).toHaveLength(1);
    expect(e.reasons[0]).toMatch(/^antenne-conditions: /);
    expect(e.reasons[0]).toMatch(reason);
  });

  it('names the territory first when both fail, and lists every reason', () => {
    const e = eligibilityOf(none, { ...antenne, antenneHoursPerWeek: 25, antenneSharesInformationSystem: false });
    expect(e).toMatchObject({ eligible: false, rule: 'ineligible-territory' });
    expect(e.reasons).toHaveLength(3);
  });

  it('warns when the antenne facts are not recorded, without refusing', () => {
    const missing = { ...antenne, antenneHoursPerWeek: null, antenneSharesInformationSystem: null };
    expect(eligibilityOf(zip, missing).eligible).toBe(true);
    const [w] = warningsOf(missing);
    expect(w.rule).toBe('antenne-facts-missing');
    expect(w.detail).toMatch(/hours a week/);
    expect(w.detail).toMatch(/information system/);
    expect(w.detail).not.toMatch(/minutes/);
  });

  it('warns on a centre de santé under 2 professionals or a catchment under 4,000, and never on an MSP', () => {
    const cds: StructureFacts = { ...antenne, kind: 'CDS_MEDICAL', professionalsPlanned: 1, populationServed: 3000 };
    expect(warningsOf(cds).map((w) => w.rule)).toEqual(['cds-two-professionals', 'cds-catchment-4000']);
    expect(warningsOf({ ...cds, professionalsPlanned: 2, populationServed: 4000 })).toEqual([]);
    expect(warningsOf({ ...cds, kind: 'MSP' })).toEqual([]);
    // The antenne conditions are an antenne's only.
    expect(eligibilityOf(zip, { ...cds, antenneHoursPerWeek: 40 }).eligible).toBe(true);
  });
});
