/**
 * Sessions and the revocation log: the store interface both implementations (in memory, Redis)
 * fulfil, and the rules about a session's life that do not depend on where it is kept.
 *
 * A session starts at a token exchange and ends when it is revoked or reaches its maximum age.
 * Every revocation gets the next sequence number and is published at once to subscribers (the
 * revocation feed, contract in `@hivematrix/sdk` `auth/revocation.ts`); the log keeps it until
 * the last token of that session has expired, for consumers that catch up after a reconnect.
 */
import type { PermissionLevel } from '@hivematrix/sdk';

/** One login. Times are epoch milliseconds except `tokenExp` (unix seconds, like JWT claims). */
export interface Session {
  /** The session id, also the `jti` of its tokens. */
  id: string;
  sub: string;
  /** `preferred_username`. */
  username: string;
  name: string;
  email: string;
  permissionLevel: PermissionLevel;
  groups: string[];
  /** The identity provider's session id (`sid` of the id token), for back-channel logout. */
  identitySid: string | null;
  createdAt: number;
  /** The absolute end: login + the maximum session age. */
  expiresAt: number;
  lastRefreshAt: number | null;
  /** `exp` of the latest token minted for this session. */
  tokenExp: number;
  revokedAt: number | null;
}

/** What a refresh may re-derive from the identity provider. */
export type SessionClaims = Pick<Session, 'permissionLevel' | 'groups'>;

/** One entry of the revocation log (the feed's wire shape). */
export interface Revocation {
  seq: number;
  jti: string;
  /** Until when consumers must remember it: the session's last token `exp` (unix seconds). */
  exp: number;
}

/** The answer to a catch-up request. */
export interface RevocationPage {
  /** The latest sequence number (0 when nothing was ever revoked). */
  seq: number;
  revocations: Revocation[];
}

/** What `revoke` did. */
export type RevokeOutcome =
  { status: 'revoked'; revocation: Revocation } | { status: 'already_revoked' } | { status: 'not_found' };

/**
 * For a token whose session the store no longer knows (the in-memory store restarted, say): its
 * jti is still revoked, so services reject the token, which is otherwise valid until `tokenExp`.
 */
export interface RevokeFallback {
  sub: string;
  tokenExp: number;
}

/** Health of a store, in the shape of `/health` checks. */
export interface StoreHealth {
  status: 'healthy' | 'unhealthy';
  type: 'memory' | 'redis' | 'postgres';
  error?: string;
}

/** Where sessions and revocations live. All methods are safe to call concurrently. */
export interface SessionStore {
  create(session: Session): Promise<void>;
  /** The session (revoked or not) while it has not reached `expiresAt`; otherwise null. */
  get(id: string): Promise<Session | null>;
  /**
   * Records a refresh: sets `lastRefreshAt` and raises `tokenExp`, and with `claims` replaces the
   * permission level and groups (re-derived from the identity provider). Null when the session is
   * gone or revoked, so a refresh never races a revocation into a token nobody can revoke.
   */
  recordRefresh(id: string, at: number, tokenExp: number, claims?: SessionClaims): Promise<Session | null>;
  /** Sessions of a user that have not reached `expiresAt` (revoked ones included). */
  listByUser(sub: string): Promise<Session[]>;
  /** Sessions that have not reached `expiresAt`, oldest first, at most `limit`. */
  listAll(limit: number): Promise<Session[]>;
  /** Revokes one session, atomically: only the first of two concurrent revocations wins. */
  revoke(id: string, at: number, fallback?: RevokeFallback): Promise<RevokeOutcome>;
  /** Revokes every live session of a user; returns how many were revoked now. */
  revokeUser(sub: string, at: number): Promise<number>;
  /** Revokes every live session of an identity session (back-channel logout); returns the count. */
  revokeByIdentitySid(sid: string, at: number): Promise<number>;
  /** Revocations after `since` whose tokens may still be in use. */
  revocationsSince(since: number): Promise<RevocationPage>;
  /** Calls `listener` for every revocation from now on, in sequence order; returns an unsubscribe. */
  onRevocation(listener: (revocation: Revocation) => void): () => void;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

/**
 * How long a revocation stays in the log after its token expired: verifiers accept a token up to
 * their clock tolerance (30 s) after `exp`, and the SDK consumer keeps entries 60 s after it.
 */
export const REVOCATION_RETAIN_SEC = 60;

/**
 * Whether a session may still be used: not revoked, not past its maximum age, and its latest
 * token not expired beyond the refresh grace (after that nobody can refresh it any more).
 */
export function isLive(session: Session, nowMs: number, refreshGraceSec: number): boolean {
  return session.revokedAt === null && nowMs < session.expiresAt && nowMs < (session.tokenExp + refreshGraceSec) * 1000;
}
