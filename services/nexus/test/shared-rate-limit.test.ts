/**
 * Rate limits shared by gateway instances through Redis (run against TEST_REDIS_URL; skipped
 * without it): two instances spend one budget; each keeps counting on its own when Redis fails;
 * windows are aligned to the clock.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  connectSharedRateLimiter,
  createSharedRateLimiter,
  type SharedRateLimiter,
} from '../src/http/shared-rate-limit.js';

const url = process.env['TEST_REDIS_URL'];

describe(
  'nexus: rate limits shared through Redis',
  { skip: url === undefined ? 'TEST_REDIS_URL is not set: no Redis to test against' : false },
  () => {
    let redis: Redis;
    const clock = { at: 1_800_000_000_000 };
    const limiters: SharedRateLimiter[] = [];
    const instance = (prefix: string): SharedRateLimiter => {
      const limiter = createSharedRateLimiter({ redis, prefix, now: () => clock.at, flushMs: 60_000 });
      limiters.push(limiter);
      return limiter;
    };
    before(() => {
      redis = new Redis(url ?? '');
    });
    after(async () => {
      for (const limiter of limiters) await limiter.close();
      redis.disconnect();
    });

    it('lets two instances spend one budget between them', async () => {
      const prefix = `hm:test:rl:${randomUUID()}:`;
      const a = instance(prefix);
      const b = instance(prefix);
      for (let i = 0; i < 6; i += 1) assert.equal(a.hit('user:u1', 10).allowed, true);
      await a.flush();
      assert.equal(b.hit('user:u1', 10).allowed, true);
      await b.flush(); // b learns that the others spent 6
      const verdicts = Array.from({ length: 4 }, () => b.hit('user:u1', 10).allowed);
      assert.deepEqual(verdicts, [true, true, true, false], '6 on a + 1 + 3 on b = 10, the 11th refused');
      await b.flush();
      await a.flush();
      assert.equal(a.hit('user:u1', 10).allowed, false, "a learns of b's hits at its next flush");
      assert.equal(Number(await redis.get(`${prefix}${Math.floor(clock.at / 60_000) * 60_000}:user:u1`)), 11);
      assert.equal(a.hit('user:other', 10).allowed, true, 'another user has their own budget');
    });

    it('starts a new budget when the clock-aligned window turns', async () => {
      const prefix = `hm:test:rl:${randomUUID()}:`;
      const a = instance(prefix);
      for (let i = 0; i < 3; i += 1) a.hit('ip:1.2.3.4', 3);
      const refused = a.hit('ip:1.2.3.4', 3);
      assert.equal(refused.allowed, false);
      const windowEnd = Math.floor(clock.at / 60_000) * 60_000 + 60_000;
      assert.equal(refused.retryAfterSec, Math.ceil((windowEnd - clock.at) / 1000));
      clock.at = windowEnd;
      assert.equal(a.hit('ip:1.2.3.4', 3).allowed, true);
      await a.flush();
    });

    it('keeps limiting on its own counts when Redis fails', async () => {
      const broken = {
        multi: () => ({
          incrby() {
            return this;
          },
          pexpire() {
            return this;
          },
          exec: () => Promise.reject(new Error('connection lost')),
        }),
      };
      const errors: unknown[] = [];
      const alone = createSharedRateLimiter({
        redis: broken as unknown as Redis,
        now: () => clock.at,
        flushMs: 60_000,
        onError: (error) => errors.push(error),
      });
      limiters.push(alone);
      assert.equal(alone.hit('user:u2', 2).allowed, true);
      await alone.flush();
      assert.equal(errors.length, 1);
      assert.equal(alone.hit('user:u2', 2).allowed, true);
      assert.equal(alone.hit('user:u2', 2).allowed, false);
    });

    it('connects with its own Redis client, and says once when Redis cannot be reached', async () => {
      const warnings: string[] = [];
      const logger = { warn: (_obj: object, msg?: string) => void warnings.push(msg ?? '') };
      const live = connectSharedRateLimiter(url ?? '', logger);
      assert.equal(live.hit(`user:${randomUUID()}`, 1).allowed, true);
      await live.flush();
      await live.close();
      assert.deepEqual(warnings, []);
      const away = connectSharedRateLimiter('redis://127.0.0.1:1', logger);
      assert.equal(away.hit('user:u3', 1).allowed, true);
      await away.flush();
      await away.flush();
      assert.equal(away.hit('user:u3', 1).allowed, false, 'still limited on its own counts');
      await away.close();
      assert.equal(warnings.length, 1, warnings.join('; '));
    });
  },
);
