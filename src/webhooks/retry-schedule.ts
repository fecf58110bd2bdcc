// When a failed delivery is tried again. Pure.

/** No wait between two attempts grows beyond this. */
export const MAX_RETRY_DELAY_MS = 6 * 3_600_000;

/**
 * The wait after the `attempt`-th failed attempt (1-based): `baseMs` doubled each time, capped
 * at 6 h, plus up to 25 % jitter (`random` in [0, 1)) so that receivers coming back are not
 * hit by every sender at once.
 */
export function retryDelayMs(attempt: number, baseMs: number, random: number = Math.random()): number {
  const nominal = Math.min(baseMs * 2 ** Math.min(attempt - 1, 30), MAX_RETRY_DELAY_MS);
  return Math.round(nominal * (1 + 0.25 * random));
}

/** The shortest time from the first attempt to the last, jitter at its least: more than 72 h with the defaults (30 s, 22 attempts). */
export function shortestRetrySpanMs(maxAttempts: number, baseMs: number): number {
  let total = 0;
  for (let attempt = 1; attempt < maxAttempts; attempt++) total += retryDelayMs(attempt, baseMs, 0);
  return total;
}
