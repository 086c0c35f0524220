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
import net from 'node:net';
import {
  createLogger,
  createServiceApp,
  createLocalKeySet,
  createTokenVerifier,
  type ServiceApp,
} from '../../src/index.js';
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

describe(
  'sdk: rate limits shared through Redis',
  { skip: redisUrl === undefined ? 'TEST_REDIS_URL is not set' : false },
  () => {
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
  },
);

/** A TCP proxy to Redis that can be cut (every connection dropped, nothing accepted) and restored. */
async function redisProxy(
  target: string,
): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let listenPort = 0;
  const open = async (): Promise<void> => {
    server = net.createServer((client) => {
      const upstream = net.connect(Number(port || 6379), hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server?.listen(listenPort, '127.0.0.1', resolve));
    listenPort = (server.address() as net.AddressInfo).port;
  };
  const cut = async (): Promise<void> => {
    const closed = new Promise((resolve) => server?.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  await open();
  return { url: `redis://127.0.0.1:${listenPort}`, cut, restore: open, close: cut };
}

describe(
  'sdk: rate limits while Redis goes away and comes back',
  { skip: redisUrl === undefined ? 'TEST_REDIS_URL is not set' : false },
  () => {
    const nameSpace = `hm:test:rl:${randomBytes(6).toString('hex')}:`;
    let proxy: Awaited<ReturnType<typeof redisProxy>>;
    let a: { app: ServiceApp; url: string };
    let b: { app: ServiceApp; url: string };

    before(async () => {
      proxy = await redisProxy(redisUrl ?? '');
      a = await startInstance(1000, proxy.url, nameSpace);
      b = await startInstance(1000, proxy.url, nameSpace);
    });
    after(async () => {
      await a.app.close();
      await b.app.close();
      await proxy.close();
    });

    async function remaining(instance: { url: string }): Promise<number> {
      const response = await fetch(`${instance.url}/ping`);
      assert.equal(response.status, 200);
      await response.arrayBuffer();
      return Number(response.headers.get('x-ratelimit-remaining'));
    }

    it('counts per instance during the outage, then shares again once Redis is back', async () => {
      for (let i = 0; i < 50; i += 1) await remaining(a);
      assert.equal(await remaining(b), 949, 'shared before the outage');

      await proxy.cut();
      // Each instance answers and starts its own count: the shared 51 are not seen.
      assert.equal(await remaining(a), 999);
      assert.equal(await remaining(a), 998);
      assert.equal(await remaining(b), 999);

      await proxy.restore();
      // The client reconnects within its retry delay; local counting alone would stay above 950.
      let left = 1000;
      for (let attempt = 0; attempt < 40 && left > 950; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        left = await remaining(a);
      }
      assert.ok(left <= 948, `shared again after the outage (remaining ${left})`);
      assert.equal(await remaining(b), left - 1, 'the other instance counts in the same place');
    });
  },
);

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
    assert.deepEqual(
      first.map((response) => response.status),
      [200, 200, 429],
    );
    // The other instance has counted nothing yet: per instance, not shared and not refused.
    const other = await fetch(`${b.url}/ping`);
    assert.equal(other.status, 200);
    assert.deepEqual(await other.json(), { ok: true });
    for (const response of first) await response.arrayBuffer();
    // No request waits on the dead Redis.
    assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
  });
});
