/**
 * A service's rate limit is shared by its instances when it is given Redis: two apps built with
 * `createServiceApp` on one Redis refuse together once the limit is reached, and with Redis
 * unreachable each instance still answers, counting on its own.
 * Listening waits (briefly) for the Redis connection, so every request below is counted there.
 * The shared case needs TEST_REDIS_URL (e.g. redis://127.0.0.1:6379) and is skipped without it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createLogger, createServiceApp, createLocalKeySet, createTokenVerifier, type ServiceApp } from '../../src/index.js';
import { createTestKeys } from '../../src/testing/keys.js';

const redisUrl = process.env.TEST_REDIS_URL;

async function startInstance(max: number, redis: string, nameSpace: string): Promise<{ app: ServiceApp; url: string }> {
  const keys = await createTestKeys();
  const app = await createServiceApp({
    service: 'codex',
    logger: createLogger({ service: 'codex', level: 'silent' }),
    verifier: createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'codex' }),
    trustedProxies: [],
    rateLimit: { max, windowMs: 60_000, redisUrl: redis, nameSpace },
  });
  app.get('/ping', () => ({ ok: true }));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: address };
}

describe('sdk: rate limits shared through Redis', { skip: redisUrl === undefined ? 'TEST_REDIS_URL is not set' : false }, () => {
  const nameSpace = `hm:test:rl:${randomBytes(6).toString('hex')}:`;
  let a: { app: ServiceApp; url: string };
  let b: { app: ServiceApp; url: string };

  before(async () => {
    a = await startInstance(4, redisUrl ?? '', nameSpace);
    b = await startInstance(4, redisUrl ?? '', nameSpace);
  });
  after(async () => {
    await a.app.close();
    await b.app.close();
  });

  it('two instances together allow the limit once, then both refuse with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await fetch(`${(i % 2 === 0 ? a : b).url}/ping`);
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    assert.deepEqual(statuses, [200, 200, 200, 200]);
    for (const instance of [a, b]) {
      const refused = await fetch(`${instance.url}/ping`);
      assert.equal(refused.status, 429);
      assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${refused.headers.get('retry-after')}`);
      const problem = (await refused.json()) as { code: string; status: number };
      assert.equal(problem.code, 'rate_limited');
      assert.equal(problem.status, 429);
    }
  });
});

describe('sdk: rate limits with Redis unreachable', () => {
  let a: { app: ServiceApp; url: string };
  let b: { app: ServiceApp; url: string };

  before(async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    a = await startInstance(2, 'redis://127.0.0.1:1', 'hm:test:rl:down:');
    b = await startInstance(2, 'redis://127.0.0.1:1', 'hm:test:rl:down:');
  });
  after(async () => {
    await a.app.close();
    await b.app.close();
  });

  it('each instance still answers and limits on its own counts', async () => {
    const started = Date.now();
    const first = [await fetch(`${a.url}/ping`), await fetch(`${a.url}/ping`), await fetch(`${a.url}/ping`)];
    assert.deepEqual(first.map((response) => response.status), [200, 200, 429]);
    // The other instance has counted nothing yet: per instance, not shared and not refused.
    const other = await fetch(`${b.url}/ping`);
    assert.equal(other.status, 200);
    assert.deepEqual(await other.json(), { ok: true });
    for (const response of first) await response.arrayBuffer();
    // No request waits on the dead Redis.
    assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
  });
});
