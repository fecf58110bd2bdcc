// A token bucket per principal: up to `perMinute` requests at once, refilled at
// `perMinute` per minute. Pure (the clock is passed in).
// It counts per instance: behind a load balancer with N instances a principal may reach
// N × the limit; the login limiter, which matters for security, is in the database.
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes one token; returns 0 when admitted, else the seconds to wait for the next one. */
  take(key: string): number {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(this.perMinute, b.tokens + (now - b.at) * this.perMs) : this.perMinute;
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000));
    }
    if (!b && this.buckets.size > 50_000) this.sweep(now);
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return 0;
  }

  /** Buckets that have refilled completely carry no information: forget them. */
  private sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.perMs >= this.perMinute) this.buckets.delete(key);
    }
  }
}
