/**
 * Sessions in Redis, so several gateway instances behind a load balancer share them. Each record
 * expires by itself (PX), login transactions are taken with GETDEL (one use), and two sets index
 * sessions by identity session id and by user for back-channel logout. Records are parsed on the
 * way back in: Redis is outside this process.
 */
import { Redis } from 'ioredis';
import { z } from 'zod';
import { UserClaimsSchema } from '@hivematrix/sdk';
import type { LoginTransaction, Session, SessionStore } from './types.js';

const SessionSchema = z.object({
  token: z.string().min(1),
  user: UserClaimsSchema,
  idToken: z.string(),
  idpSid: z.string().nullable(),
  idpSub: z.string(),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  prefs: z.object({
    theme: z.enum(['light', 'dark']),
    accent: z.string(),
    sidebarCollapsed: z.boolean(),
    homePage: z.string().nullable().default(null),
  }),
  // Sessions stored before these fields existed read as "never checked".
  prefsCheckedAt: z.number().default(0),
});

const LoginSchema = z.object({
  state: z.string(),
  nonce: z.string(),
  codeVerifier: z.string(),
  next: z.string(),
  createdAt: z.number(),
});

/** Options of `createRedisStore`. */
export interface RedisStoreOptions {
  url: string;
  /** Prefix of every key (tests use a unique one). Default `hm:nexus:`. */
  prefix?: string;
}

/** Connects to Redis and returns the store; `close()` disconnects. */
export function createRedisStore(options: RedisStoreOptions): SessionStore {
  const redis = new Redis(options.url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
  // Connection errors surface on the commands that fail; the event itself must not crash the process.
  redis.on('error', () => undefined);
  const p = options.prefix ?? 'hm:nexus:';
  const sessionKey = (key: string): string => `${p}s:${key}`;
  const sidKey = (sid: string): string => `${p}sid:${sid}`;
  const subKey = (sub: string): string => `${p}sub:${sub}`;

  function parseSession(text: string | null): Session | null {
    if (text === null) return null;
    try {
      const parsed = SessionSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  /** The members of an index set that still have a session, pruning the others. */
  async function liveMembers(setKey: string): Promise<string[]> {
    const keys = await redis.smembers(setKey);
    if (keys.length === 0) return [];
    const exists = await Promise.all(keys.map((key) => redis.exists(sessionKey(key))));
    const stale = keys.filter((_key, index) => exists[index] === 0);
    if (stale.length > 0) await redis.srem(setKey, ...stale);
    return keys.filter((_key, index) => exists[index] === 1);
  }

  return {
    async getSession(key) {
      return parseSession(await redis.get(sessionKey(key)));
    },
    async setSession(key, session, ttlMs) {
      const ttl = Math.max(1, Math.ceil(ttlMs));
      const multi = redis.multi().set(sessionKey(key), JSON.stringify(session), 'PX', ttl);
      // The index sets live at least as long as their longest member.
      if (session.idpSid !== null)
        multi
          .sadd(sidKey(session.idpSid), key)
          .pexpire(sidKey(session.idpSid), ttl, 'GT')
          .pexpire(sidKey(session.idpSid), ttl, 'NX');
      multi
        .sadd(subKey(session.idpSub), key)
        .pexpire(subKey(session.idpSub), ttl, 'GT')
        .pexpire(subKey(session.idpSub), ttl, 'NX');
      await multi.exec();
    },
    async deleteSession(key) {
      await redis.del(sessionKey(key));
    },
    keysByIdpSid: (sid) => liveMembers(sidKey(sid)),
    keysBySub: (sub) => liveMembers(subKey(sub)),
    async putLogin(key, tx, ttlMs) {
      await redis.set(`${p}login:${key}`, JSON.stringify(tx), 'PX', Math.max(1, Math.ceil(ttlMs)));
    },
    async takeLogin(key): Promise<LoginTransaction | null> {
      const text = await redis.getdel(`${p}login:${key}`);
      if (text === null) return null;
      try {
        const parsed = LoginSchema.safeParse(JSON.parse(text));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    async rememberLogoutJti(jti, ttlMs) {
      const result = await redis.set(`${p}bcl:${jti}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
      return result === 'OK';
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
