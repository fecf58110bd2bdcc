// A fixed-window request counter per principal. Pure (the clock is passed in).
// It counts per instance: behind a load balancer with N instances a principal may reach
// N × the limit; the login limiter, which matters for security, is in the database.
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request; returns 0 when admitted, else the seconds until the window resets. */
  take(key: string): number {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    const start = now - (now % 60_000);
    let w = this.windows.get(key);
    if (!w || w.start !== start) {
      if (this.windows.size > 50_000) this.sweep(start);
      w = { start, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return w.count > this.perMinute ? Math.ceil((start + 60_000 - now) / 1000) : 0;
  }

  private sweep(current: number): void {
    for (const [key, w] of this.windows) if (w.start !== current) this.windows.delete(key);
  }
}
