/**
 * Per-caller rate limits at the gateway: a fixed one-minute window per key, `user:<sub>` after the
 * session is resolved or `ip:<address>` without one (the original keyed everything by address,
 * before authentication). Counters live in this process; with Redis, instances share them
 * (shared-rate-limit.ts).
 */

/** A rate limiter's verdict. */
export interface RateVerdict {
  allowed: boolean;
  /** Seconds until the window resets (for `Retry-After`). */
  retryAfterSec: number;
}

/** A fixed-window limiter. */
export interface RateLimiter {
  hit(key: string, limit: number): RateVerdict;
}

/** Creates a limiter with `windowMs` windows; `now` is the clock. */
export function createRateLimiter(options: { windowMs?: number; now?: () => number } = {}): RateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const counters = new Map<string, { count: number; resetAt: number }>();
  let nextSweep = now() + windowMs;

  return {
    hit(key, limit) {
      const at = now();
      if (at >= nextSweep) {
        for (const [k, counter] of counters) if (counter.resetAt <= at) counters.delete(k);
        nextSweep = at + windowMs;
      }
      let counter = counters.get(key);
      if (counter === undefined || counter.resetAt <= at) {
        counter = { count: 0, resetAt: at + windowMs };
        counters.set(key, counter);
      }
      counter.count += 1;
      return { allowed: counter.count <= limit, retryAfterSec: Math.max(1, Math.ceil((counter.resetAt - at) / 1000)) };
    },
  };
}
