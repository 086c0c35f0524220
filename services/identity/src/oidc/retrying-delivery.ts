/**
 * Retries for what identity must deliver to the platform when access is taken away: OIDC
 * back-channel logout requests to the gateway and "end this user's sessions" calls to core.
 *
 * The first attempt is made at once and its outcome returned to the caller, so a logout page or
 * an admin call never waits for a peer that is down. When it fails for a reason that may pass
 * (network error, timeout, 408/429/5xx), the same request is repeated in the background with
 * exponential backoff (the SDK's `retry`), bounded in count and total time. A delivery still failing after
 * that is logged as an error with `event` set, which helm turns into an alert for the operator.
 */
import { exponentialDelay, retry } from '@hivematrix/sdk';

/** Backoff of the background retries. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Delay before the first retry; doubled each time up to `maxTimeoutMs`. */
  minTimeoutMs: number;
  maxTimeoutMs: number;
  /** Give up once this much time has passed since the first retry began. */
  maxRetryTimeMs: number;
}

/**
 * Six retries over about a minute (1, 2, 4, 8, 16, 30 s, randomised): well within the gateway's
 * ten-minute acceptance window for a logout token's `iat`.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 6,
  minTimeoutMs: 1_000,
  maxTimeoutMs: 30_000,
  maxRetryTimeMs: 5 * 60_000,
};

/** An answer worth retrying: a timeout, too many requests, or a server-side failure. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A failed attempt, with whether another one could succeed. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

export interface DeliveryLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Options of `createRetryingDelivery`. */
export interface RetryingDeliveryOptions {
  policy?: RetryPolicy;
  logger: DeliveryLogger;
  /** Aborted when identity shuts down: pending retries stop. */
  signal?: AbortSignal;
}

/** Runs deliveries with background retries. */
export interface RetryingDelivery {
  /**
   * Runs `attempt` once and returns its outcome; on a transient failure, keeps retrying in the
   * background. `what` names the delivery in the log (`event` and fields such as the target).
   */
  run<T>(what: Delivery, attempt: () => Promise<T>): Promise<T>;
  /** Resolves when every background retry started so far has ended (tests). */
  idle(): Promise<void>;
}

/** What a delivery is, for the log. */
export interface Delivery {
  event: string;
  message: string;
  fields: Record<string, unknown>;
}

const transient = (error: unknown): boolean => !(error instanceof DeliveryError) || error.transient;

/** Creates the delivery runner. */
export function createRetryingDelivery(options: RetryingDeliveryOptions): RetryingDelivery {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const pending = new Set<Promise<void>>();
  const { logger } = options;

  const log = (what: Delivery, error: unknown, message: string): void =>
    logger.error(
      { ...what.fields, event: `${what.event}_failed`, err: error instanceof Error ? error.message : String(error) },
      `${what.message}: ${message}`,
    );

  function run<T>(what: Delivery, attempt: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // The caller hears the first attempt's outcome; later ones only reach the log.
      let waiting = true;
      const retrying = retry(attempt, {
        attempts: policy.retries + 1,
        delayMs: exponentialDelay(policy.minTimeoutMs, policy.maxTimeoutMs, true),
        maxTimeMs: policy.maxRetryTimeMs,
        // A permanent refusal (the peer says the request itself is wrong) is not repeated.
        retryable: transient,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onFailedAttempt: ({ error, attempt: attemptNumber, retriesLeft }) => {
          if (!transient(error)) return;
          if (waiting) {
            waiting = false;
            reject(error instanceof Error ? error : new Error(String(error)));
          }
          logger.warn(
            {
              ...what.fields,
              event: what.event,
              attempt: attemptNumber,
              retriesLeft,
              err: error instanceof Error ? error.message : String(error),
            },
            `${what.message}: attempt failed`,
          );
        },
      }).then(
        (value) => {
          if (waiting) {
            waiting = false;
            resolve(value);
          } else {
            logger.info({ ...what.fields, event: what.event }, `${what.message}: delivered on a retry`);
          }
        },
        (error: unknown) => {
          const permanent = error instanceof DeliveryError && !error.transient;
          if (waiting) {
            waiting = false;
            reject(error instanceof Error ? error : new Error(String(error)));
          }
          if (options.signal?.aborted === true) return;
          // The operator must hear of this: helm raises an alert for it.
          log(what, error, permanent ? 'refused' : 'undeliverable');
        },
      );
      pending.add(retrying);
      void retrying.finally(() => pending.delete(retrying));
    });
  }

  return {
    run,
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
