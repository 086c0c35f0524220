/**
 * The default session store: one process's memory. Entries expire by their TTL (checked on read
 * and swept every minute), so an abandoned session does not stay forever. Several gateway
 * instances need the Redis store instead.
 */
import type { LoginTransaction, Session, SessionStore } from './types.js';

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** Creates an in-memory store; `now` is the clock in milliseconds. */
export function createMemoryStore(options: { now?: () => number; sweepIntervalMs?: number } = {}): SessionStore {
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Entry<Session>>();
  const logins = new Map<string, Entry<LoginTransaction>>();
  const seenJtis = new Map<string, Entry<true>>();

  function live<T>(map: Map<string, Entry<T>>, key: string): T | null {
    const entry = map.get(key);
    if (entry === undefined) return null;
    if (entry.expiresAt <= now()) {
      map.delete(key);
      return null;
    }
    return entry.value;
  }

  function sweep(): void {
    const at = now();
    for (const map of [sessions, logins, seenJtis] as Map<string, Entry<unknown>>[]) {
      for (const [key, entry] of map) if (entry.expiresAt <= at) map.delete(key);
    }
  }
  const timer = setInterval(sweep, options.sweepIntervalMs ?? 60_000);
  timer.unref();

  function keysWhere(test: (session: Session) => boolean): string[] {
    const keys: string[] = [];
    for (const key of sessions.keys()) {
      const session = live(sessions, key);
      if (session !== null && test(session)) keys.push(key);
    }
    return keys;
  }

  return {
    async getSession(key) {
      return live(sessions, key);
    },
    async setSession(key, session, ttlMs) {
      sessions.set(key, { value: session, expiresAt: now() + ttlMs });
    },
    async deleteSession(key) {
      sessions.delete(key);
    },
    async keysByIdpSid(sid) {
      return keysWhere((session) => session.idpSid === sid);
    },
    async keysBySub(sub) {
      return keysWhere((session) => session.idpSub === sub);
    },
    async putLogin(key, tx, ttlMs) {
      logins.set(key, { value: tx, expiresAt: now() + ttlMs });
    },
    async takeLogin(key) {
      const tx = live(logins, key);
      logins.delete(key);
      return tx;
    },
    async rememberLogoutJti(jti, ttlMs) {
      if (live(seenJtis, jti) !== null) return false;
      seenJtis.set(jti, { value: true, expiresAt: now() + ttlMs });
      return true;
    },
    async ping() {
      return undefined;
    },
    async close() {
      clearInterval(timer);
    },
  };
}
