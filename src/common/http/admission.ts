// How many API requests an instance serves at once; the others wait their turn, in order of
// arrival, up to a bound, then are answered 503 busy. Without it a burst queues on the
// database pool, whose waits are short (a transaction's 2 s, a connection's 3 s) because they
// also detect a database that does not answer: 1,000 simultaneous transitions on the default
// pool of 10 were then partly refused, though all could be served within seconds.

interface Waiter {
  since: number;
  admit(): void;
  refuse(): void;
  gone(): boolean;
}

export class Admission {
  private active = 0;
  private waiting: Waiter[] = [];
  private head = 0;
  private sweeper?: NodeJS.Timeout;

  /** `limit` 0: no limit. */
  constructor(
    private readonly limit: number,
    private readonly maxWaitMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Admits now or later (`admit`), or refuses once the wait passes its bound (`refuse`). An
   * admitted request calls the returned `leave` exactly once, when it is over. `gone`: the
   * caller went away meanwhile (it is then dropped, neither admitted nor refused).
   */
  enter(admit: () => void, refuse: () => void, gone: () => boolean): void {
    if (this.limit <= 0 || (this.active < this.limit && this.head === this.waiting.length)) {
      this.active++;
      admit();
      return;
    }
    this.waiting.push({ since: this.now(), admit, refuse, gone });
    this.sweeper ??= setInterval(() => this.sweep(), Math.max(50, Math.min(1000, this.maxWaitMs / 4))).unref();
  }

  leave(): void {
    this.active--;
    while (this.active < this.limit && this.head < this.waiting.length) {
      const next = this.dequeue();
      if (next.gone()) continue;
      if (this.now() - next.since > this.maxWaitMs) {
        next.refuse();
        continue;
      }
      this.active++;
      next.admit();
    }
  }

  get queued(): number {
    return this.waiting.length - this.head;
  }

  private dequeue(): Waiter {
    const next = this.waiting[this.head++];
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    } else if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    return next;
  }

  /** The oldest first: those past the bound are refused, those gone are dropped. */
  private sweep(): void {
    const limit = this.now() - this.maxWaitMs;
    while (this.head < this.waiting.length) {
      const first = this.waiting[this.head];
      if (!first.gone() && first.since >= limit) break;
      this.dequeue();
      if (!first.gone()) first.refuse();
    }
  }
}
