/**
 * HTTP to vendor APIs with the patience they ask for: a 429 waits as long as `Retry-After` says
 * (RFC 9110 §10.2.3: seconds or an HTTP date), transient failures (network errors, 5xx, 408) are
 * retried with exponential backoff, and everything else fails at once. Clocks, sleeping and
 * `fetch` are injected, so tests run without waiting.
 *
 * Credentials travel only in headers, never in URLs, so no error message or log line holds one.
 */
import { retry } from '@hivematrix/sdk';

/** What the client needs from the outside world. */
export interface VendorHttpDeps {
  fetch: typeof globalThis.fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface RetryPolicy {
  /** Attempts for transient failures (network, 5xx), the first included. */
  maxAttempts: number;
  /** First backoff; doubled on each retry. */
  baseDelayMs: number;
  /** How many 429s one request may wait through. */
  maxRateLimitWaits: number;
  /** Longest wait a Retry-After may impose; longer ones fail the request. */
  maxRetryAfterMs: number;
  /** Timeout of one attempt. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxRateLimitWaits: 6,
  maxRetryAfterMs: 120_000,
  timeoutMs: 30_000,
};

/**
 * A vendor request that failed for good. `status` is absent for network failures; `retryAfterMs`
 * is what the vendor's last 429 asked for, so a caller that does not wait can pass it on.
 */
export class VendorError extends Error {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, status?: number, options?: ErrorOptions & { retryAfterMs?: number | undefined }) {
    super(message, options);
    this.name = 'VendorError';
    this.status = status;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** Milliseconds a `Retry-After` value asks for (delay-seconds or HTTP-date), or undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The URL without its query string, for messages (vendor ids may be in the path, never secrets). */
function describe(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** A response body as JSON, or a VendorError naming the request. */
async function readJson(response: Response, label: string): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? null : (JSON.parse(text) as unknown);
  } catch (error) {
    throw new VendorError(`${label}: the response is not JSON`, response.status, { cause: error });
  }
}

/**
 * Sends a request and returns its JSON body and headers, retrying as described above. `init` is
 * rebuilt for every attempt (a body may only be sent once), so it is a function.
 */
export async function vendorJson(
  deps: VendorHttpDeps,
  policy: RetryPolicy,
  url: string,
  init: () => RequestInit,
  signal?: AbortSignal,
): Promise<{ body: unknown; headers: Headers }> {
  const label = `${init().method ?? 'GET'} ${describe(url)}`;
  // Transient failures and 429s are counted apart: each has its own limit and its own wait.
  let failures = 0;
  let rateLimited = 0;
  const transient = (failure: VendorError): RetryLater => {
    failures += 1;
    if (failures >= policy.maxAttempts) throw failure;
    return new RetryLater(policy.baseDelayMs * 2 ** (failures - 1));
  };
  return retry(
    async () => {
      let response: Response;
      try {
        const timeout = AbortSignal.timeout(policy.timeoutMs);
        response = await deps.fetch(url, {
          ...init(),
          signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
        });
      } catch (error) {
        if (signal?.aborted === true) throw new VendorError(`${label}: cancelled`, undefined, { cause: error });
        throw transient(
          new VendorError(`${label}: ${failures + 1} attempts failed (${errorText(error)})`, undefined, {
            cause: error,
          }),
        );
      }
      if (response.ok) return { body: await readJson(response, label), headers: response.headers };
      await response.body?.cancel();
      if (response.status === 429) {
        rateLimited += 1;
        const wait =
          retryAfterMs(response.headers.get('retry-after'), deps.now()) ?? policy.baseDelayMs * 2 ** (rateLimited - 1);
        if (rateLimited > policy.maxRateLimitWaits || wait > policy.maxRetryAfterMs) {
          throw new VendorError(`${label}: still rate limited after ${rateLimited - 1} waits`, 429, {
            retryAfterMs: wait,
          });
        }
        throw new RetryLater(wait);
      }
      if (response.status >= 500 || response.status === 408) {
        throw transient(
          new VendorError(`${label}: answered ${response.status} ${failures + 1} times`, response.status),
        );
      }
      throw new VendorError(`${label}: answered ${response.status}`, response.status);
    },
    {
      attempts: Number.POSITIVE_INFINITY,
      retryable: (error) => error instanceof RetryLater,
      delayMs: (_, error) => (error as RetryLater).waitMs,
      sleep: deps.sleep,
    },
  );
}

/** An attempt that may pass after `waitMs` (the limits are checked before one is thrown). */
class RetryLater extends Error {
  constructor(readonly waitMs: number) {
    super(`retry in ${waitMs} ms`);
  }
}

function errorText(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}

/**
 * The `rel="next"` target of an RFC 8288 `Link` header, resolved against `base`, or undefined.
 * A link to another origin is refused: the credentials of this vendor must never travel elsewhere.
 */
export function nextLink(header: string | null, base: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (match?.[1] === undefined || !/\brel\s*=\s*"?next"?/i.test(match[2] ?? '')) continue;
    return sameOrigin(match[1], base);
  }
  return undefined;
}

/** `target` resolved against `base` when it stays on the same origin; a VendorError otherwise. */
export function sameOrigin(target: string, base: string): string {
  const resolved = new URL(target, base);
  if (resolved.origin !== new URL(base).origin)
    throw new VendorError(`refusing to follow a pagination link to another origin (${resolved.origin})`);
  return resolved.toString();
}

/**
 * A vendor's API root from the address an operator configured: the origin (and any path prefix)
 * without a trailing slash and without the API path the adapter adds itself. Vendors print their
 * base both ways (Datto documents `https://<platform>-api.centrastage.net/api`, the settings page
 * shows the bare origin), so `https://x`, `https://x/`, `https://x/api`, `https://x/api/` and
 * `https://x/api/v2/` all give `https://x`.
 */
export function apiRoot(configured: string): string {
  const url = new URL(configured);
  const path = url.pathname
    .replace(/\/{2,}/g, '/')
    .replace(/\/+$/, '')
    .replace(/\/api(?:\/v2)?$/i, '');
  return `${url.origin}${path}`;
}
