/**
 * Rate limits shared by every gateway instance through Redis, without a Redis call on the request
 * path. Windows are aligned to the clock (every instance agrees on when a minute starts); each
 * instance counts its own hits in memory and, every `flushMs`, adds them to the window's counter
 * in Redis (INCRBY), learning the total of the other instances from the answer. A request is
 * allowed while this instance's count plus the others' last known count is within the limit.
 * The others' count is at most one flush old, so a user spread over N instances can exceed the
 * limit by what they send in one flush interval; with counters per instance they could exceed
 * it N times over. If Redis is unreachable, each instance keeps limiting on its own counts.
 */
import { Redis } from 'ioredis';
import type { RateLimiter } from './rate-limit.js';

/** One key's counts in the current window. */
interface Counter {
  window: number;
  /** Hits not yet added to Redis. */
  pending: number;
  /** Hits already added to Redis by this instance. */
  flushed: number;
  /** The other instances' hits, as of the last flush. */
  others: number;
}

/** Options of `createSharedRateLimiter`. */
export interface SharedRateLimiterOptions {
  redis: Pick<Redis, 'multi'>;
  windowMs?: number;
  /** How often local counts are added to Redis. Default 250 ms. */
  flushMs?: number;
  now?: () => number;
  /** Key prefix in Redis. Default `hm:nexus:rl:`. */
  prefix?: string;
  onError?: (error: unknown) => void;
}

/** A limiter whose counts are shared; `flush()` is exposed for tests, `close()` stops the timer. */
export interface SharedRateLimiter extends RateLimiter {
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Creates the shared limiter and starts its flush timer. */
export function createSharedRateLimiter(options: SharedRateLimiterOptions): SharedRateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const prefix = options.prefix ?? 'hm:nexus:rl:';
  const counters = new Map<string, Counter>();
  let flushing: Promise<void> | undefined;

  const windowOf = (at: number): number => Math.floor(at / windowMs) * windowMs;

  async function flushOnce(): Promise<void> {
    const current = windowOf(now());
    const batch: { key: string; counter: Counter; added: number }[] = [];
    // Every key seen in this window is sent, an idle one as INCRBY 0: that reads the others' count.
    for (const [key, counter] of counters) {
      if (counter.window !== current) counters.delete(key);
      else batch.push({ key, counter, added: counter.pending });
    }
    if (batch.length === 0) return;
    const multi = options.redis.multi();
    for (const { key, added } of batch) {
      const redisKey = `${prefix}${current}:${key}`;
      multi.incrby(redisKey, added).pexpire(redisKey, windowMs * 2);
    }
    // Counted as flushed before the answer, so hits arriving meanwhile stay pending.
    for (const entry of batch) {
      entry.counter.pending -= entry.added;
      entry.counter.flushed += entry.added;
    }
    try {
      const results = (await multi.exec()) ?? [];
      batch.forEach(({ counter }, index) => {
        const [error, total] = results[index * 2] ?? [null, null];
        if (error === null && typeof total === 'number') counter.others = Math.max(0, total - counter.flushed);
      });
    } catch (error) {
      options.onError?.(error);
    }
  }

  function flush(): Promise<void> {
    flushing ??= flushOnce().finally(() => {
      flushing = undefined;
    });
    return flushing;
  }

  const timer = setInterval(() => void flush(), options.flushMs ?? 250);
  timer.unref();

  return {
    hit(key, limit) {
      const at = now();
      const window = windowOf(at);
      let counter = counters.get(key);
      if (counter === undefined || counter.window !== window) {
        counter = { window, pending: 0, flushed: 0, others: 0 };
        counters.set(key, counter);
      }
      counter.pending += 1;
      const total = counter.pending + counter.flushed + counter.others;
      return { allowed: total <= limit, retryAfterSec: Math.max(1, Math.ceil((window + windowMs - at) / 1000)) };
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}

/** The shared limiter over its own Redis connection (closed with it); Redis errors are logged once a minute. */
export function connectSharedRateLimiter(
  url: string,
  logger: { warn(obj: object, msg?: string): void },
): SharedRateLimiter {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  // Connection errors surface on the flushes that fail; the event itself must not crash the process.
  redis.on('error', () => undefined);
  let lastWarning = 0;
  const limiter = createSharedRateLimiter({
    redis,
    // Flushes run four times a second: say it once a minute while Redis is away.
    onError: (error) => {
      if (Date.now() - lastWarning < 60_000) return;
      lastWarning = Date.now();
      logger.warn({ err: error }, 'rate limit counters not shared (Redis unreachable); counting in this instance');
    },
  });
  return {
    ...limiter,
    async close() {
      await limiter.close();
      redis.disconnect();
    },
  };
}
