/**
 * Retry with backoff, one helper for every caller (vendor APIs, alert webhooks, back-channel
 * deliveries). It wraps p-retry, which keeps the loop, the attempt count, the abort signal and the
 * total-time bound, and adds what our callers need on top of it: delays chosen per failure (a
 * list, a doubling, or what a `Retry-After` asked for), a `retryable` test that sees the error the
 * attempt threw (p-retry on its own never retries a plain `TypeError`), and an injectable `sleep` so
 * tests run without waiting. The error a caller finally gets is the one its attempt threw.
 */
import pRetry, { AbortError } from 'p-retry';

/** One failed attempt, as `onFailedAttempt` sees it. */
export interface FailedAttempt {
  error: unknown;
  /** 1 for the first attempt. */
  attempt: number;
  /** Attempts still allowed after this one (before `retryable` is asked). */
  retriesLeft: number;
}

export interface RetryOptions {
  /** Attempts in all, the first included (`Infinity`: until `retryable` says no). */
  attempts: number;
  /** The wait before retry number `retry` (1 for the second attempt) after `error`. */
  delayMs: (retry: number, error: unknown) => number;
  /** Whether `error` may pass on another attempt (default: any error). */
  retryable?: (error: unknown) => boolean;
  /** Give up once this long has passed since the first attempt began. */
  maxTimeMs?: number;
  /** Stops waiting and retrying (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Waits; injected by tests. The default honours `signal`. */
  sleep?: (ms: number) => Promise<void>;
  /** Told of every failed attempt, the last one included. */
  onFailedAttempt?: (failure: FailedAttempt) => void;
}

/** A doubling wait: `baseMs`, `2·baseMs`, `4·baseMs`, … up to `maxMs`, each times [1, 2) when `jitter`. */
export function exponentialDelay(
  baseMs: number,
  maxMs = Number.POSITIVE_INFINITY,
  jitter = false,
): (retry: number) => number {
  return (retry) =>
    Math.min(Math.round((jitter ? 1 + Math.random() : 1) * baseMs * 2 ** Math.max(0, retry - 1)), maxMs);
}

/** Waits from a list: the first for the first retry, …; the last one again past its end. */
export function listedDelays(delaysMs: readonly number[]): (retry: number) => number {
  return (retry) => delaysMs[Math.min(retry, delaysMs.length) - 1] ?? 0;
}

/** Carries an attempt's error through p-retry untouched (p-retry would not retry a TypeError). */
class Failure extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
  }
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `attempt` (given its number, 1 first) until it succeeds, retrying as `options` say. */
export async function retry<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retryable = options.retryable ?? (() => true);
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms, options.signal));
  try {
    return await pRetry(
      async (attemptNumber) => {
        try {
          return await attempt(attemptNumber);
        } catch (error) {
          throw new Failure(error);
        }
      },
      {
        retries: Math.max(0, options.attempts - 1),
        // p-retry waits nothing itself: the wait is ours (per failure, injectable), in shouldRetry.
        minTimeout: 0,
        ...(options.maxTimeMs === undefined ? {} : { maxRetryTime: options.maxTimeMs }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) =>
          options.onFailedAttempt?.({ error: (error as Failure).original, attempt: attemptNumber, retriesLeft }),
        shouldRetry: async ({ error, attemptNumber }) => {
          const original = (error as Failure).original;
          if (!retryable(original)) return false;
          await sleep(options.delayMs(attemptNumber, original));
          return true;
        },
      },
    );
  } catch (error) {
    if (error instanceof Failure) throw error.original;
    if (error instanceof AbortError) throw error.originalError;
    throw error;
  }
}
