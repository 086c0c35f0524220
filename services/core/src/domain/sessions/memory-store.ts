/**
 * The default session store: everything in this process. Fine for one core instance; sessions
 * and revocations are lost on restart (the sequence then starts again at 1, which tells consumers
 * to catch up from scratch). A timer (unref'd, so it never keeps the process alive) drops
 * expired sessions and log entries.
 */
import {
  REVOCATION_RETAIN_SEC,
  type Revocation,
  type RevokeFallback,
  type RevokeOutcome,
  type Session,
  type SessionStore,
} from './types.js';
import { createRevocationFanout, tombstone } from './shared.js';

/** Options of `createMemorySessionStore`. */
export interface MemoryStoreOptions {
  /** Clock in milliseconds. */
  now: () => number;
  /** How often expired entries are dropped; 0 disables the timer (tests call `sweep`). */
  cleanupIntervalMs?: number;
}

/** The in-memory store, with its sweep exposed for tests. */
export interface MemorySessionStore extends SessionStore {
  /** Drops sessions past their maximum age and log entries nobody needs any more. */
  sweep(): void;
  /** Number of sessions held (expired ones not yet swept included). */
  size(): number;
}

const copy = (session: Session): Session => ({ ...session, groups: [...session.groups] });

/** Creates the in-memory store. */
export function createMemorySessionStore(options: MemoryStoreOptions): MemorySessionStore {
  const { now } = options;
  const sessions = new Map<string, Session>();
  const byUser = new Map<string, Set<string>>();
  const bySid = new Map<string, Set<string>>();
  const log: Revocation[] = [];
  const fanout = createRevocationFanout();
  let seq = 0;

  function index(map: Map<string, Set<string>>, key: string, id: string): void {
    let ids = map.get(key);
    if (ids === undefined) map.set(key, (ids = new Set()));
    ids.add(id);
  }

  function unindex(map: Map<string, Set<string>>, key: string | null, id: string): void {
    if (key === null) return;
    const ids = map.get(key);
    ids?.delete(id);
    if (ids?.size === 0) map.delete(key);
  }

  function current(id: string): Session | undefined {
    const session = sessions.get(id);
    return session !== undefined && now() < session.expiresAt ? session : undefined;
  }

  function publish(jti: string, exp: number): Revocation {
    seq += 1;
    const revocation = { seq, jti, exp };
    log.push(revocation);
    fanout.emit(revocation);
    return revocation;
  }

  function revokeNow(id: string, at: number, fallback?: RevokeFallback): RevokeOutcome {
    const session = current(id);
    if (session !== undefined) {
      if (session.revokedAt !== null) return { status: 'already_revoked' };
      session.revokedAt = at;
      return { status: 'revoked', revocation: publish(id, Math.max(session.tokenExp, fallback?.tokenExp ?? 0)) };
    }
    if (fallback === undefined || (fallback.tokenExp + REVOCATION_RETAIN_SEC) * 1000 <= now())
      return { status: 'not_found' };
    // Not indexed by user: it is revoked already and only answers a second revocation.
    sessions.set(id, tombstone(id, fallback, at));
    return { status: 'revoked', revocation: publish(id, fallback.tokenExp) };
  }

  function revokeAll(ids: Iterable<string> | undefined, at: number): number {
    let count = 0;
    for (const id of [...(ids ?? [])]) if (revokeNow(id, at).status === 'revoked') count += 1;
    return count;
  }

  function sweep(): void {
    const nowMs = now();
    for (const [id, session] of sessions) {
      if (nowMs < session.expiresAt) continue;
      sessions.delete(id);
      unindex(byUser, session.sub, id);
      unindex(bySid, session.identitySid, id);
    }
    const keepAfter = Math.floor(nowMs / 1000) - REVOCATION_RETAIN_SEC;
    let write = 0;
    for (const entry of log) if (entry.exp > keepAfter) log[write++] = entry;
    log.length = write;
  }

  const interval = options.cleanupIntervalMs ?? 60_000;
  const timer = interval > 0 ? setInterval(sweep, interval) : undefined;
  timer?.unref();

  const list = (ids: Iterable<string> | undefined): Session[] =>
    [...(ids ?? [])]
      .map(current)
      .filter((s): s is Session => s !== undefined)
      .map(copy);

  return {
    async create(session) {
      sessions.set(session.id, copy(session));
      index(byUser, session.sub, session.id);
      if (session.identitySid !== null) index(bySid, session.identitySid, session.id);
    },
    async get(id) {
      const session = current(id);
      return session === undefined ? null : copy(session);
    },
    async recordRefresh(id, at, tokenExp, claims) {
      const session = current(id);
      if (session === undefined || session.revokedAt !== null) return null;
      session.lastRefreshAt = at;
      if (claims !== undefined) {
        session.permissionLevel = claims.permissionLevel;
        session.groups = [...claims.groups];
      }
      session.tokenExp = Math.max(session.tokenExp, tokenExp);
      return copy(session);
    },
    async listByUser(sub) {
      return list(byUser.get(sub)).sort((a, b) => a.createdAt - b.createdAt);
    },
    async listAll(limit) {
      return list(sessions.keys())
        .sort((a, b) => a.createdAt - b.createdAt)
        .slice(0, limit);
    },
    async revoke(id, at, fallback) {
      return revokeNow(id, at, fallback);
    },
    async revokeUser(sub, at) {
      return revokeAll(byUser.get(sub), at);
    },
    async revokeByIdentitySid(sid, at) {
      return revokeAll(bySid.get(sid), at);
    },
    async revocationsSince(since) {
      const keepAfter = Math.floor(now() / 1000) - REVOCATION_RETAIN_SEC;
      return {
        seq,
        revocations: log.filter((entry) => entry.seq > since && entry.exp > keepAfter).map((entry) => ({ ...entry })),
      };
    },
    onRevocation: (listener) => fanout.subscribe(listener),
    async health() {
      return { status: 'healthy', type: 'memory' };
    },
    async close() {
      clearInterval(timer);
    },
    sweep,
    size: () => sessions.size,
  };
}
