/**
 * The Lua scripts that make the Redis store's state changes atomic (Redis runs a script without
 * interleaving other commands): a revocation checks, marks, numbers, logs and publishes in one
 * step, so two instances revoking the same session never both report success, and the log order
 * equals the publication order.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * KEYS: session hash, seq counter, revocation log (sorted set scored by exp).
 * ARGV: jti, revokedAt (ms), now (s), retain (s), channel, fallback tokenExp ('' for none),
 * tombstone TTL (ms), then the tombstone's hash fields and values.
 * Returns {1, seq, exp} revoked, {2} already revoked, {0} not found.
 */
const REVOKE = `
local exp
if redis.call('EXISTS', KEYS[1]) == 1 then
  if redis.call('HEXISTS', KEYS[1], 'revokedAt') == 1 then return {2} end
  exp = tonumber(redis.call('HGET', KEYS[1], 'tokenExp'))
  local fallback = tonumber(ARGV[6])
  if fallback and fallback > exp then exp = fallback end
  redis.call('HSET', KEYS[1], 'revokedAt', ARGV[2])
else
  if ARGV[6] == '' or tonumber(ARGV[7]) <= 0 then return {0} end
  exp = tonumber(ARGV[6])
  local fields = {}
  for i = 8, #ARGV do fields[#fields + 1] = ARGV[i] end
  redis.call('HSET', KEYS[1], unpack(fields))
  redis.call('PEXPIRE', KEYS[1], ARGV[7])
end
local seq = redis.call('INCR', KEYS[2])
local entry = '{"seq":' .. seq .. ',"jti":' .. cjson.encode(ARGV[1]) .. ',"exp":' .. string.format('%d', exp) .. '}'
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (tonumber(ARGV[3]) - tonumber(ARGV[4])))
redis.call('ZADD', KEYS[3], exp, entry)
redis.call('PUBLISH', ARGV[5], entry)
return {1, seq, exp}
`;

/**
 * KEYS: session hash. ARGV: refreshedAt (ms), tokenExp (s), permission level and groups JSON
 * ('' each to keep them).
 * Returns the session's fields (HGETALL) after the update, or nil when it is gone or revoked.
 */
const REFRESH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
if redis.call('HEXISTS', KEYS[1], 'revokedAt') == 1 then return nil end
local current = tonumber(redis.call('HGET', KEYS[1], 'tokenExp'))
if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], 'tokenExp', ARGV[2]) end
redis.call('HSET', KEYS[1], 'lastRefreshAt', ARGV[1])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'level', ARGV[3], 'groups', ARGV[4]) end
return redis.call('HGETALL', KEYS[1])
`;

/** A script callable by its SHA (EVALSHA), loaded on first use or after a Redis restart. */
export interface LuaScript {
  run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

function script(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        // NOSCRIPT: this Redis has not seen the script yet (or was restarted); EVAL caches it.
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}

/** Revokes one session atomically (see REVOKE above). */
export const revokeScript = script(REVOKE);
/** Records a refresh unless the session is gone or revoked (see REFRESH above). */
export const refreshScript = script(REFRESH);
