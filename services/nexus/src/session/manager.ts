/**
 * Turns a request's session cookie into a signed-in user, on every request, without calling core:
 * the platform JWT is verified locally (signature once per token, expiry and the revocation set
 * every time), refreshed at core shortly before it expires (once per token, shared by concurrent
 * requests), and the session is dropped as soon as it is revoked, expired or refused by core.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AppError, type RevocationPolicy, type TokenVerifier, type UserClaims } from '@hivematrix/sdk';
import type { CoreApi } from '../auth/index.js';
import { SESSION_COOKIE, isOpaqueId, newOpaqueId, parseCookies, storeKey } from './cookies.js';
import { DEFAULT_PREFERENCES, type Preferences, type Session, type SessionStore } from './types.js';

/** The subset of a logger the manager uses. */
interface ManagerLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/** Anything with request headers (a Fastify request or a raw upgrade request). */
export type RequestLike = { headers: IncomingHttpHeaders };

/** A request's live session. */
export interface ActiveSession {
  /** The store key (hash of the cookie id). */
  key: string;
  session: Session;
  user: UserClaims;
}

/** Options of `createSessionManager`. */
export interface SessionManagerOptions {
  store: SessionStore;
  verifier: TokenVerifier;
  core: CoreApi;
  isRevoked: (jti: string) => boolean;
  /**
   * The revocation feed's policy (as every service's verifier applies it): with it, a cached token
   * is checked by the policy instead of `isRevoked`, so the gateway refuses tokens while the feed
   * has not caught up and asks core about old ones while the feed is down past its grace.
   */
  revocationPolicy?: RevocationPolicy | undefined;
  now: () => number;
  idleTimeoutMs: number;
  maxAgeMs: number;
  refreshBeforeMs: number;
  logger: ManagerLogger;
  random?: (size: number) => Buffer;
}

/** The session operations the routes use. */
export interface SessionManager {
  /** The request's session, or null (no cookie, unknown, expired, revoked). Memoised per request. */
  resolve(request: RequestLike): Promise<ActiveSession | null>;
  /** Stores a new session for a freshly exchanged token; returns the cookie id. */
  create(input: {
    token: string;
    idToken: string;
    idpSid: string | null;
    idpSub: string;
  }): Promise<{ id: string; user: UserClaims }>;
  destroy(key: string): Promise<void>;
  /** Stores new preferences; `checkedAt` records when they were read from codex (default: unchanged). */
  savePrefs(active: ActiveSession, prefs: Preferences, checkedAt?: number): Promise<void>;
  /** Drops every local session of an identity session (or of a user); returns them. */
  dropMatching(match: { sid?: string | undefined; sub?: string | undefined }): Promise<Session[]>;
}

const VERIFIED_CACHE_LIMIT = 10_000;
const TOUCH_INTERVAL_MS = 60_000;

/** Creates the session manager. */
export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { store, verifier, core, now, logger } = options;
  const resolved = new WeakMap<RequestLike, Promise<ActiveSession | null>>();
  const refreshing = new Map<string, Promise<Session | null>>();
  // Signature checks are the expensive part; a token string verified once stays verified
  // (expiry and revocation are still checked on every request below).
  const verified = new Map<string, UserClaims>();
  // The store key of a cookie id is a SHA-256 (see `storeKey`): computed once per id, not on
  // every request. Only a lookup aid: the store still decides whether the session exists.
  const storeKeys = new Map<string, string>();
  function keyOf(id: string): string {
    let key = storeKeys.get(id);
    if (key === undefined) {
      key = storeKey(id);
      if (storeKeys.size >= VERIFIED_CACHE_LIMIT) storeKeys.clear();
      storeKeys.set(id, key);
    }
    return key;
  }

  async function claimsOf(token: string): Promise<UserClaims> {
    const cached = verified.get(token);
    if (cached !== undefined) {
      if (cached.exp * 1000 <= now()) throw new AppError('token_expired', 'The token has expired');
      if (options.revocationPolicy !== undefined) await options.revocationPolicy.check(cached, token);
      else if (options.isRevoked(cached.jti)) throw new AppError('token_revoked', 'The token has been revoked');
      return cached;
    }
    const principal = await verifier.verify(token);
    if (principal.kind !== 'user') throw new AppError('token_invalid', 'Not a user token');
    if (verified.size >= VERIFIED_CACHE_LIMIT) verified.clear();
    verified.set(token, principal.user);
    return principal.user;
  }

  function ttlFor(session: Session): number {
    return Math.max(1, Math.min(options.idleTimeoutMs, session.createdAt + options.maxAgeMs - now()));
  }

  async function refresh(key: string, session: Session): Promise<Session | null> {
    let pending = refreshing.get(key);
    if (pending === undefined) {
      pending = (async () => {
        const answer = await core.refresh(session.token);
        if (answer === null) return null;
        const user = await claimsOf(answer.token);
        const next: Session = { ...session, token: answer.token, user, lastSeenAt: now() };
        await store.setSession(key, next, ttlFor(next));
        return next;
      })().finally(() => refreshing.delete(key));
      refreshing.set(key, pending);
    }
    return pending;
  }

  async function load(request: RequestLike): Promise<ActiveSession | null> {
    const id = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
    if (!isOpaqueId(id)) return null;
    const key = keyOf(id);
    let session = await store.getSession(key);
    if (session === null) return null;
    if (session.createdAt + options.maxAgeMs <= now()) {
      await store.deleteSession(key);
      return null;
    }
    let user: UserClaims;
    try {
      user = await claimsOf(session.token);
    } catch (error) {
      // Core's keys being unreachable is not the user's fault: answer 503, keep the session.
      if (error instanceof AppError && error.code === 'service_unavailable') throw error;
      if (!(error instanceof AppError && error.code === 'token_expired')) {
        await store.deleteSession(key);
        return null;
      }
      user = session.user; // expired: the refresh below decides
    }
    const expiresInMs = user.exp * 1000 - now();
    if (expiresInMs < options.refreshBeforeMs) {
      try {
        const next = await refresh(key, session);
        if (next === null) {
          logger.info({ jti: user.jti }, 'core ended the session; dropping it');
          await store.deleteSession(key);
          return null;
        }
        session = next;
        user = next.user;
      } catch (error) {
        // Core unreachable: keep using the token while it is still valid.
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'token refresh failed');
        if (expiresInMs <= 0) return null;
      }
    } else if (now() - session.lastSeenAt > TOUCH_INTERVAL_MS) {
      session = { ...session, lastSeenAt: now() };
      await store.setSession(key, session, ttlFor(session));
    }
    return { key, session, user };
  }

  return {
    resolve(request) {
      let pending = resolved.get(request);
      if (pending === undefined) {
        pending = load(request);
        resolved.set(request, pending);
      }
      return pending;
    },
    async create({ token, idToken, idpSid, idpSub }) {
      const user = await claimsOf(token);
      const id = newOpaqueId(options.random);
      const at = now();
      const session: Session = {
        token,
        user,
        idToken,
        idpSid,
        idpSub,
        createdAt: at,
        lastSeenAt: at,
        prefs: { ...DEFAULT_PREFERENCES },
        prefsCheckedAt: 0,
      };
      await store.setSession(storeKey(id), session, ttlFor(session));
      return { id, user };
    },
    destroy: (key) => store.deleteSession(key),
    async savePrefs(active, prefs, checkedAt = active.session.prefsCheckedAt) {
      active.session = { ...active.session, prefs, prefsCheckedAt: checkedAt };
      await store.setSession(active.key, active.session, ttlFor(active.session));
    },
    async dropMatching({ sid, sub }) {
      const keys =
        sid !== undefined ? await store.keysByIdpSid(sid) : sub !== undefined ? await store.keysBySub(sub) : [];
      const dropped: Session[] = [];
      for (const key of keys) {
        const session = await store.getSession(key);
        // With both given, both must match (OIDC Back-Channel Logout §2.7).
        if (session === null || (sub !== undefined && session.idpSub !== sub)) continue;
        await store.deleteSession(key);
        dropped.push(session);
      }
      return dropped;
    },
  };
}
