/**
 * What a verifier accepts given the state of the revocation feed, so revocation never fails open
 * (ARCHITECTURE.md, "Revocation feed"):
 *
 * - `starting` (no catch-up has succeeded yet): no user token is accepted (503), since any of
 *   them may have been revoked while this process was not running.
 * - `live`, or `down` for at most the grace (default 30 s): the local set decides.
 * - `down` for longer than the grace (counted from the last time we heard from core): a token
 *   issued before the outage began (its `iat` is older than the moment the outage was noticed,
 *   which is the later and so the stricter bound) is accepted only when core confirms it at
 *   `POST /api/token/validate`; confirmations are cached briefly. Core unreachable too: 503.
 *   Tokens issued after that come from a session core was still willing to refresh, so the local
 *   set decides for them.
 *
 * Entering and leaving that strict mode is logged once each (warn / info); helm sees the state
 * through the `revocation_feed` check of `/health` (`health()`).
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { CheckResult } from '../health.js';
import type { FeedLogger, FeedStatus } from './revocation.js';

/** Core's verdict on one token. */
export type Confirmation = 'valid' | 'revoked' | 'expired' | 'invalid';

/** The subset of a feed the policy reads. */
export interface FeedState {
  isRevoked(jti: string): boolean;
  status(): FeedStatus;
}

/** Options of `createRevocationPolicy`. */
export interface RevocationPolicyOptions {
  feed: FeedState;
  /** How long the feed may be down before old tokens need core's confirmation. Default 30 s. */
  graceMs?: number;
  /** Asks core about one token (default: `confirmWithCore(coreUrl)`). */
  confirm: (token: string) => Promise<Confirmation>;
  /** How long a confirmation is reused. Default 10 s. */
  confirmCacheMs?: number;
  now?: () => number;
  logger?: FeedLogger;
}

/** The claims the policy looks at. */
export interface RevocableClaims {
  jti: string;
  /** Issued at, unix seconds. */
  iat: number;
}

/** Decides, per user token, whether the revocation state lets it through. */
export interface RevocationPolicy {
  /** Throws `token_revoked` (401) or `service_unavailable` (503); resolves when the token may pass. */
  check(claims: RevocableClaims, token: string): Promise<void>;
  /** The `revocation_feed` check of `/health`. */
  health(): CheckResult;
}

const CONFIRM_CACHE_LIMIT = 10_000;

/** Creates the policy over a feed (see the top of this file). */
export function createRevocationPolicy(options: RevocationPolicyOptions): RevocationPolicy {
  const graceMs = options.graceMs ?? 30_000;
  const cacheMs = options.confirmCacheMs ?? 10_000;
  const now = options.now ?? Date.now;
  const { feed, logger } = options;
  const confirmed = new Map<string, { verdict: Confirmation; until: number }>();
  const pending = new Map<string, Promise<Confirmation>>();
  /** The outage (its `downSince`) we already logged as strict, so it is logged once. */
  let strictFor: number | null = null;

  /** When an outage longer than the grace was noticed, or null. Logs the transitions. */
  function strictSince(): number | null {
    const status = feed.status();
    const since = status.state === 'down' && now() - status.downSince > graceMs ? status.noticedAt : null;
    if (since !== null && strictFor !== since) {
      strictFor = since;
      logger?.warn(
        { outage_noticed_at: new Date(since).toISOString(), grace_ms: graceMs },
        "revocation feed down longer than the grace: tokens issued before the outage need core's confirmation",
      );
    } else if (since === null && strictFor !== null) {
      strictFor = null;
      logger?.info({}, 'revocation feed back: tokens are checked locally again');
    }
    return since;
  }

  async function confirmation(token: string): Promise<Confirmation> {
    const cached = confirmed.get(token);
    if (cached !== undefined && now() < cached.until) return cached.verdict;
    let request = pending.get(token);
    if (request === undefined) {
      // Concurrent requests with the same token share one call to core.
      request = options
        .confirm(token)
        .then((verdict) => {
          if (confirmed.size >= CONFIRM_CACHE_LIMIT) confirmed.clear();
          confirmed.set(token, { verdict, until: now() + cacheMs });
          return verdict;
        })
        .finally(() => pending.delete(token));
      pending.set(token, request);
    }
    return request;
  }

  return {
    async check(claims, token) {
      if (feed.isRevoked(claims.jti)) throw new AppError('token_revoked', 'The token has been revoked');
      const status = feed.status();
      if (status.state === 'starting') {
        throw new AppError(
          'service_unavailable',
          'The list of revoked sessions is not loaded yet. Please try again in a moment.',
          { retryAfter: 2 },
        );
      }
      const since = strictSince();
      if (since === null || claims.iat * 1000 >= since) return;
      let verdict: Confirmation;
      try {
        verdict = await confirmation(token);
      } catch (error) {
        throw new AppError(
          'service_unavailable',
          'Revocations cannot be checked right now. Please try again in a moment.',
          { cause: error, retryAfter: 5 },
        );
      }
      if (verdict !== 'valid') throw new AppError('token_revoked', 'The token has been revoked');
    },
    health() {
      const status = feed.status();
      if (status.state === 'live')
        return { status: 'healthy', state: 'live', since: new Date(status.since).toISOString() };
      if (status.state === 'starting') {
        // Not serving users yet: unhealthy, so helm does not count the service ready.
        return {
          status: 'unhealthy',
          state: 'starting',
          ...(status.lastError === null ? {} : { error: status.lastError }),
        };
      }
      const downMs = now() - status.downSince;
      return {
        status: 'degraded',
        state: 'down',
        down_since: new Date(status.downSince).toISOString(),
        noticed_at: new Date(status.noticedAt).toISOString(),
        grace_ms: graceMs,
        // Past the grace, tokens older than the outage are only accepted when core confirms them.
        strict: downMs > graceMs,
        ...(status.lastError === null ? {} : { error: status.lastError }),
      };
    },
  };
}

const ValidateAnswer = z.union([
  z.object({ valid: z.literal(true) }),
  z.object({ valid: z.literal(false), reason: z.enum(['expired', 'revoked', 'invalid']) }),
]);

/**
 * Asks core about a token: `POST {coreUrl}/api/token/validate` with `{token}` answers
 * `{valid: true, claims}` or `{valid: false, reason}`. Throws when core does not answer that.
 */
export function confirmWithCore(
  coreUrl: string,
  options: { fetch?: typeof globalThis.fetch; timeoutMs?: number } = {},
): (token: string) => Promise<Confirmation> {
  const url = `${coreUrl.replace(/\/+$/, '')}/api/token/validate`;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 3_000;
  return async (token) => {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`core's token validation answered HTTP ${response.status}`);
    }
    const answer = ValidateAnswer.parse(await response.json());
    return answer.valid ? 'valid' : answer.reason;
  };
}
