import { communeDetr, epciDetr } from '../../src/reference/detr.js';
import { searchKey } from '../../src/reference/search-key.js';

describe('DETR eligibility (CGCT L2334-33)', () => {
  it.each([
    [0, '74', 'ELIGIBLE'],
    [2_000, '74', 'ELIGIBLE'],
    [2_001, '74', 'TO_CONFIRM'],
    [20_000, '74', 'TO_CONFIRM'],
    [20_001, '74', 'NOT_ELIGIBLE'],
    [3_500, '974', 'ELIGIBLE'],
    [3_501, '974', 'TO_CONFIRM'],
    [35_000, '971', 'TO_CONFIRM'],
    [35_001, '971', 'NOT_ELIGIBLE'],
  ])('a commune of %i inhabitants in %s is %s', (population, dep, status) => {
    expect(communeDetr(population, dep).status).toBe(status);
  });

  it('gives the reason with the figures', () => {
    expect(communeDetr(9_281, '74').reason).toContain('9,281');
  });

  it('an EPCI is eligible up to 75,000 inhabitants with no member above 20,000', () => {
    expect(epciDetr(75_000, 20_000).status).toBe('ELIGIBLE');
    expect(epciDetr(75_001, 1_000).status).toBe('TO_CONFIRM');
    expect(epciDetr(40_000, 20_001).status).toBe('TO_CONFIRM');
  });
});

describe('searchKey', () => {
  it('folds case, accents, hyphens and apostrophes', () => {
    expect(searchKey('Évian-les-Bains')).toBe('evian les bains');
    expect(searchKey('EVIAN LES')).toBe('evian les');
    expect(searchKey("L'Île-d'Yeu")).toBe('l ile d yeu');
    expect(searchKey('  Saint   Étienne ')).toBe('saint etienne');
  });
});
