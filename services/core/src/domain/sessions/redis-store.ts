/**
 * The Redis session store, for several core instances: they share sessions, the revocation
 * sequence and log, and every revocation is published on a pub/sub channel that each instance
 * relays to its own revocation-stream subscribers.
 *
 * Keys (all under the configured prefix): `session:<id>` (hash, expiring with the session),
 * `user:<sub>` and `sid:<identity sid>` (sets of session ids), `sessions` (sorted set of ids by
 * expiry, for the admin list), `revocations:seq` (INCR counter), `revocations:log` (sorted set of
 * entries scored by their `exp`, pruned as they expire) and the channel `revocations`.
 */
import { Redis } from 'ioredis';
import { AppError } from '@hivematrix/sdk';
import { refreshScript, revokeScript } from './redis-scripts.js';
import { decodeSession, encodeSession, parseRevocation } from './redis-codec.js';
import { createRevocationFanout, tombstone } from './shared.js';
import {
  REVOCATION_RETAIN_SEC,
  type Revocation,
  type RevokeOutcome,
  type Session,
  type SessionStore,
} from './types.js';

/** Options of `createRedisSessionStore`. */
export interface RedisStoreOptions {
  url: string;
  /** Prefix of every key and of the channel (tests use a unique one each). */
  prefix: string;
  /** Clock in milliseconds. */
  now: () => number;
  logger?: { warn(obj: object, msg?: string): void };
}

/** Seqs remembered to drop duplicates when a reconnect catch-up overlaps live messages. */
const RECENT_SEQS = 10_000;

/** Connects to Redis (failing fast when it cannot) and subscribes to the revocation channel. */
export async function createRedisSessionStore(options: RedisStoreOptions): Promise<SessionStore> {
  const { prefix, now, logger } = options;
  const key = {
    session: (id: string) => `${prefix}session:${id}`,
    user: (sub: string) => `${prefix}user:${sub}`,
    sid: (sid: string) => `${prefix}sid:${sid}`,
    sessions: `${prefix}sessions`,
    seq: `${prefix}revocations:seq`,
    log: `${prefix}revocations:log`,
    channel: `${prefix}revocations`,
  };
  const connect = (): Redis =>
    new Redis(options.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      connectTimeout: 5_000,
      enableAutoPipelining: true,
    });
  const redis = connect();
  const subscriber = connect();
  let lastWarning = 0;
  const warn = (error: unknown): void => {
    if (now() - lastWarning < 10_000) return;
    lastWarning = now();
    logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'redis error');
  };
  redis.on('error', warn);
  subscriber.on('error', warn);
  await redis.connect();
  await subscriber.connect();

  const fanout = createRevocationFanout((error) => logger?.warn({ err: error }, 'revocation listener failed'));
  const recent = new Set<number>();
  function deliver(revocation: Revocation): void {
    if (recent.has(revocation.seq)) return;
    recent.add(revocation.seq);
    if (recent.size > RECENT_SEQS) recent.delete(recent.values().next().value ?? 0);
    fanout.emit(revocation);
  }

  async function revocationsSince(since: number): Promise<{ seq: number; revocations: Revocation[] }> {
    const oldest = Math.floor(now() / 1000) - REVOCATION_RETAIN_SEC;
    const [seqText, entries] = await Promise.all([
      redis.get(key.seq),
      redis.zrangebyscore(key.log, `(${oldest}`, '+inf'),
    ]);
    const revocations = entries
      .map(parseRevocation)
      .filter((entry): entry is Revocation => entry !== null && entry.seq > since)
      .sort((a, b) => a.seq - b.seq);
    return { seq: Number(seqText ?? 0), revocations };
  }

  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== key.channel) return;
    const revocation = parseRevocation(message);
    if (revocation !== null) deliver(revocation);
  });
  // Messages published while the subscriber was disconnected are lost by pub/sub; read them
  // from the log when it is back (ioredis resubscribes by itself).
  let lastSeen = Number((await redis.get(key.seq)) ?? 0);
  fanout.subscribe((revocation) => (lastSeen = Math.max(lastSeen, revocation.seq)));
  let firstReady = true;
  subscriber.on('ready', () => {
    if (firstReady) return;
    revocationsSince(lastSeen)
      .then((page) => page.revocations.forEach(deliver))
      .catch(warn);
  });
  await subscriber.subscribe(key.channel);
  firstReady = false;

  /** Redis trouble is an outage of core (503), never a client error. */
  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      warn(error);
      throw new AppError('service_unavailable', 'The session store is unavailable', { cause: error, retryAfter: 5 });
    }
  }

  async function load(ids: string[]): Promise<(Session | null)[]> {
    const nowMs = now();
    const hashes = await Promise.all(ids.map((id) => redis.hgetall(key.session(id))));
    return hashes.map((hash) => {
      const session = decodeSession(hash);
      return session !== null && nowMs < session.expiresAt ? session : null;
    });
  }

  async function loadIndexed(indexKey: string): Promise<Session[]> {
    const ids = await redis.smembers(indexKey);
    const sessions = await load(ids);
    const gone = ids.filter((_id, i) => sessions[i] === null);
    if (gone.length > 0) await redis.srem(indexKey, ...gone);
    return sessions.filter((s): s is Session => s !== null).sort((a, b) => a.createdAt - b.createdAt);
  }

  async function revokeOne(
    id: string,
    at: number,
    fallback?: { sub: string; tokenExp: number },
  ): Promise<RevokeOutcome> {
    const nowMs = now();
    const record = fallback === undefined ? undefined : tombstone(id, fallback, at);
    const ttl = record === undefined ? 0 : record.expiresAt - nowMs;
    const args: (string | number)[] = [
      id,
      at,
      Math.floor(nowMs / 1000),
      REVOCATION_RETAIN_SEC,
      key.channel,
      fallback === undefined ? '' : fallback.tokenExp,
      ttl,
      ...(record === undefined ? [] : encodeSession(record)),
    ];
    const result = (await revokeScript.run(redis, [key.session(id), key.seq, key.log], args)) as number[];
    if (result[0] === 2) return { status: 'already_revoked' };
    if (result[0] !== 1) return { status: 'not_found' };
    const revocation = { seq: Number(result[1]), jti: id, exp: Number(result[2]) };
    return { status: 'revoked', revocation };
  }

  async function revokeAll(indexKey: string, at: number): Promise<number> {
    const ids = await redis.smembers(indexKey);
    const outcomes = await Promise.all(ids.map((id) => revokeOne(id, at)));
    const gone = ids.filter((_id, i) => outcomes[i]?.status === 'not_found');
    if (gone.length > 0) await redis.srem(indexKey, ...gone);
    return outcomes.filter((outcome) => outcome.status === 'revoked').length;
  }

  return {
    create: (session) =>
      guarded(async () => {
        const ttl = Math.max(1, session.expiresAt - now());
        const multi = redis
          .multi()
          .hset(key.session(session.id), ...encodeSession(session))
          .pexpire(key.session(session.id), ttl)
          .sadd(key.user(session.sub), session.id)
          // Every session lives as long after its creation, so the newest sets the index's end.
          .pexpire(key.user(session.sub), ttl)
          .zadd(key.sessions, session.expiresAt, session.id);
        if (session.identitySid !== null)
          multi.sadd(key.sid(session.identitySid), session.id).pexpire(key.sid(session.identitySid), ttl);
        await multi.exec();
      }),
    get: (id) => guarded(async () => (await load([id]))[0] ?? null),
    recordRefresh: (id, at, tokenExp, claims) =>
      guarded(async () => {
        const args = [
          at,
          tokenExp,
          claims?.permissionLevel ?? '',
          claims === undefined ? '' : JSON.stringify(claims.groups),
        ];
        const fields = (await refreshScript.run(redis, [key.session(id)], args)) as string[] | null;
        if (fields === null) return null;
        const hash: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) hash[fields[i] ?? ''] = fields[i + 1] ?? '';
        return decodeSession(hash);
      }),
    listByUser: (sub) => guarded(() => loadIndexed(key.user(sub))),
    listAll: (limit) =>
      guarded(async () => {
        await redis.zremrangebyscore(key.sessions, '-inf', now());
        const ids = await redis.zrange(key.sessions, '0', String(Math.max(0, limit - 1)));
        return (await load(ids)).filter((s): s is Session => s !== null).sort((a, b) => a.createdAt - b.createdAt);
      }),
    revoke: (id, at, fallback) => guarded(() => revokeOne(id, at, fallback)),
    revokeUser: (sub, at) => guarded(() => revokeAll(key.user(sub), at)),
    revokeByIdentitySid: (sid, at) => guarded(() => revokeAll(key.sid(sid), at)),
    revocationsSince: (since) => guarded(() => revocationsSince(since)),
    onRevocation: (listener) => fanout.subscribe(listener),
    async health() {
      try {
        await redis.ping();
        return { status: 'healthy', type: 'redis' };
      } catch (error) {
        return { status: 'unhealthy', type: 'redis', error: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {
      subscriber.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
