import { RateLimiter } from '../../src/common/access/rate-limiter.js';

describe('RateLimiter', () => {
  it('admits a burst of perMinute, then refills at perMinute per minute', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
    now += 1000; // one token back
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
    expect(limiter.take('b')).toBe(0);
  });

  it('says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    limiter.take('k');
    limiter.take('k');
    expect(limiter.take('k')).toBe(30);
    now += 30_000;
    expect(limiter.take('k')).toBe(0);
  });

  it('is off at 0', () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) expect(limiter.take('k')).toBe(0);
  });
});
