import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { createHealthCheck, scrubError, type FsStats, type HealthCheckOptions } from '../../src/health.js';
import { registerHealthRoute } from '../../src/http/health-routes.js';

const FROZEN = Date.UTC(2026, 0, 2, 3, 4, 5);

/** A disk of 100 GiB with `usedPercent` used; `bavail` a little below `bfree` as on ext4. */
function disk(usedPercent: number): (path: string) => Promise<FsStats> {
  const blocks = 100 * 1024 * 256; // 4 KiB blocks → 100 GiB
  const bfree = Math.round(blocks * (1 - usedPercent / 100));
  return () => Promise.resolve({ blocks, bsize: 4096, bfree, bavail: Math.max(0, bfree - 1024) });
}

/** A clock the fakes move forward, so latencies are predictable. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let current = FROZEN;
  return { now: () => current, advance: (ms) => void (current += ms) };
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A fake fetch answering per URL, recording what was asked. */
function fakeFetch(answers: Record<string, () => Promise<Response>>, calls: string[] = []): typeof fetch {
  return (input) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push(url);
    const answer = answers[url];
    return answer === undefined ? Promise.reject(new TypeError(`no fake for ${url}`)) : answer();
  };
}

/** A fetch that never answers but gives up when its signal aborts, like the real one. */
const hangingFetch: typeof fetch = (_input, init) =>
  new Promise((_resolve, reject) => {
    init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error));
  });

function options(overrides: Partial<HealthCheckOptions> = {}): HealthCheckOptions {
  return { service: 'codex', statfs: disk(40), now: () => FROZEN, ...overrides };
}

describe('createHealthCheck', () => {
  it('is healthy with 200 when the database, disk and dependencies are fine', async () => {
    const calls: string[] = [];
    const check = createHealthCheck(
      options({
        database: { ping: () => Promise.resolve() },
        dependencies: [{ name: 'core', url: 'http://core.test/' }],
        fetch: fakeFetch(
          { 'http://core.test/health': () => Promise.resolve(jsonResponse(200, { status: 'healthy' })) },
          calls,
        ),
      }),
    );
    const { statusCode, body } = await check.run();
    assert.equal(statusCode, 200);
    assert.equal(body.service, 'codex');
    assert.equal(body.status, 'healthy');
    assert.match(body.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(calls, ['http://core.test/health'], 'trailing slash of the url is not doubled');
    assert.deepEqual(body.checks.database, { status: 'healthy', latency_ms: 0, type: 'postgresql' });
    assert.deepEqual(body.checks.dependencies, { core: { status: 'healthy', response_time_ms: 0 } });
    assert.deepEqual(body.checks.disk, { status: 'healthy', usage_percent: 40, free_gb: 60, total_gb: 100 });
  });

  it('measures database latency and dependency response time with the injected clock', async () => {
    const clock = manualClock();
    const database = await createHealthCheck(
      options({
        now: clock.now,
        database: { ping: () => Promise.resolve().then(() => clock.advance(12)) },
      }),
    ).run();
    assert.deepEqual(database.body.checks.database, { status: 'healthy', latency_ms: 12, type: 'postgresql' });
    assert.equal(database.body.timestamp, new Date(FROZEN + 12).toISOString(), 'stamped when the checks are done');

    const dependency = await createHealthCheck(
      options({
        now: clock.now,
        dependencies: [{ name: 'core', url: 'http://core.test' }],
        fetch: fakeFetch({
          'http://core.test/health': () => Promise.resolve().then(() => (clock.advance(30), jsonResponse(200, {}))),
        }),
      }),
    ).run();
    assert.deepEqual(dependency.body.checks.dependencies, { core: { status: 'healthy', response_time_ms: 30 } });
  });

  it('leaves out database and dependencies when not configured, and stamps the injected clock', async () => {
    const { statusCode, body } = await createHealthCheck(options()).run();
    assert.equal(statusCode, 200);
    assert.equal(body.timestamp, '2026-01-02T03:04:05.000Z');
    assert.deepEqual(Object.keys(body.checks), ['disk']);
  });

  it('grades disk usage: below 85 % healthy, from 85 % degraded, from 95 % unhealthy', async () => {
    const cases: [number, string, number][] = [
      [84.9, 'healthy', 200],
      [85, 'degraded', 503],
      [94.9, 'degraded', 503],
      [95, 'unhealthy', 503],
      [100, 'unhealthy', 503],
    ];
    for (const [used, expected, code] of cases) {
      const { statusCode, body } = await createHealthCheck(options({ statfs: disk(used) })).run();
      assert.equal(body.checks.disk.status, expected, `${used} %`);
      assert.equal(body.status, expected, `${used} %`);
      assert.equal(statusCode, code, `${used} %`);
      assert.ok('usage_percent' in body.checks.disk && body.checks.disk.usage_percent === used);
    }
  });

  it('reports free space as available to users (bavail), rounded to two decimals', async () => {
    const statfs = (): Promise<FsStats> => Promise.resolve({ blocks: 1000, bsize: 1024 ** 2, bfree: 300, bavail: 250 });
    const { body } = await createHealthCheck(options({ statfs })).run();
    assert.deepEqual(body.checks.disk, { status: 'healthy', usage_percent: 70, free_gb: 0.24, total_gb: 0.98 });
  });

  it('is degraded when the disk cannot be read, and says why', async () => {
    const statfs = (): Promise<FsStats> => Promise.reject(new Error('ENOENT: no such file or directory'));
    const { statusCode, body } = await createHealthCheck(options({ statfs })).run();
    assert.equal(statusCode, 503);
    assert.equal(body.status, 'degraded');
    assert.deepEqual(body.checks.disk, { status: 'unknown', error: 'ENOENT: no such file or directory' });
  });

  it('is unhealthy when the database fails, without leaking its connection string', async () => {
    const database = {
      ping: () =>
        Promise.reject(
          new Error('connect failed for postgres://codex:s3cr3t@db.internal:5432/codex (password=s3cr3t)'),
        ),
    };
    const { statusCode, body } = await createHealthCheck(options({ database })).run();
    assert.equal(statusCode, 503);
    assert.equal(body.status, 'unhealthy');
    const check = body.checks.database;
    assert.ok(check !== undefined && check.status === 'unhealthy');
    assert.equal(check.type, 'postgresql');
    assert.ok(!check.error.includes('s3cr3t'), check.error);
    assert.ok(!check.error.includes('codex:'), check.error);
    assert.match(check.error, /postgres:\/\/\*\*\*@db\.internal:5432/);
  });

  it('gives up on a hung database after the timeout', async () => {
    const database = { ping: () => new Promise<void>(() => undefined) };
    const { body } = await createHealthCheck(options({ database, timeoutMs: 20 })).run();
    assert.deepEqual(body.checks.database, { status: 'unhealthy', error: 'timeout', type: 'postgresql' });
    assert.equal(body.status, 'unhealthy');
  });

  it('is degraded, not unhealthy, when a dependency is down, and reports each failure kind', async () => {
    const check = createHealthCheck(
      options({
        dependencies: [
          { name: 'core', url: 'http://core.test' },
          { name: 'helm', url: 'http://helm.test' },
          { name: 'ledger', url: 'http://ledger.test' },
          { name: 'beacon', url: 'http://beacon.test' },
        ],
        fetch: fakeFetch({
          'http://core.test/health': () => Promise.resolve(jsonResponse(200, { status: 'healthy' })),
          'http://helm.test/health': () => Promise.resolve(jsonResponse(500, { oops: true })),
          'http://ledger.test/health': () => Promise.resolve(jsonResponse(503, { status: 'unhealthy' })),
          'http://beacon.test/health': () =>
            Promise.reject(
              new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND https://u:pw@beacon.test') }),
            ),
        }),
      }),
    );
    const { statusCode, body } = await check.run();
    assert.equal(statusCode, 503);
    assert.equal(body.status, 'degraded');
    assert.deepEqual(body.checks.dependencies, {
      core: { status: 'healthy', response_time_ms: 0 },
      helm: { status: 'unhealthy', http_status: 500 },
      ledger: { status: 'unhealthy', http_status: 503 },
      beacon: { status: 'unhealthy', error: 'getaddrinfo ENOTFOUND https://***@beacon.test' },
    });
  });

  it('counts a dependency answering 503 "degraded" as degraded, without cascading', async () => {
    const check = createHealthCheck(
      options({
        dependencies: [{ name: 'core', url: 'http://core.test' }],
        fetch: fakeFetch({
          'http://core.test/health': () => Promise.resolve(jsonResponse(503, { status: 'degraded' })),
        }),
      }),
    );
    const { statusCode, body } = await check.run();
    assert.deepEqual(body.checks.dependencies, { core: { status: 'degraded', http_status: 503, response_time_ms: 0 } });
    assert.equal(body.status, 'degraded');
    assert.equal(statusCode, 503);
  });

  it('reports a dependency that does not answer in time as a timeout', async () => {
    const check = createHealthCheck(
      options({ dependencies: [{ name: 'core', url: 'http://core.test' }], fetch: hangingFetch, timeoutMs: 20 }),
    );
    const { body } = await check.run();
    assert.deepEqual(body.checks.dependencies, { core: { status: 'unhealthy', error: 'timeout' } });
    assert.equal(body.status, 'degraded');
  });

  it('runs every check at once rather than one after the other', async () => {
    const started: string[] = [];
    const release: (() => void)[] = [];
    const pending = <T>(name: string, value: T): Promise<T> =>
      new Promise((resolve) => {
        started.push(name);
        release.push(() => resolve(value));
      });
    const check = createHealthCheck(
      options({
        database: { ping: () => pending('database', undefined) },
        statfs: () => pending('disk', { blocks: 10, bsize: 1, bfree: 9, bavail: 9 }),
        dependencies: [
          { name: 'core', url: 'http://core.test' },
          { name: 'helm', url: 'http://helm.test' },
        ],
        fetch: (input) => pending(typeof input === 'string' ? input : 'unexpected', jsonResponse(200, {})),
        extraChecks: { redis: () => pending('redis', { status: 'healthy' as const }) },
      }),
    );
    const running = check.run();
    // Every check has started before any of them has been allowed to finish.
    assert.deepEqual(started.sort(), [
      'database',
      'disk',
      'http://core.test/health',
      'http://helm.test/health',
      'redis',
    ]);
    for (const done of release.reverse()) done();
    const { statusCode, body } = await running;
    assert.equal(statusCode, 200);
    assert.deepEqual(body.checks['redis'], { status: 'healthy' });
  });

  it('folds extra checks in: degraded degrades, a throwing check is unhealthy and scrubbed', async () => {
    const degraded = await createHealthCheck(
      options({ extraChecks: { redis: () => Promise.resolve({ status: 'degraded', connected_clients: 3 }) } }),
    ).run();
    assert.equal(degraded.body.status, 'degraded');
    assert.deepEqual(degraded.body.checks['redis'], { status: 'degraded', connected_clients: 3 });

    const failing = await createHealthCheck(
      options({ extraChecks: { redis: () => Promise.reject(new Error('NOAUTH redis://:hunter2@cache:6379')) } }),
    ).run();
    assert.equal(failing.body.status, 'unhealthy');
    assert.deepEqual(failing.body.checks['redis'], { status: 'unhealthy', error: 'NOAUTH redis://***@cache:6379' });
  });

  it('talks to a real dependency over HTTP and recognises a refused connection', async () => {
    const healthy = createServer((request, response) => {
      response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'healthy' }));
    });
    const closed = createServer();
    const listen = (server: Server): Promise<number> =>
      new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
    const close = (server: Server): Promise<void> =>
      new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    const healthyPort = await listen(healthy);
    const closedPort = await listen(closed);
    await close(closed); // nothing listens there any more
    try {
      const { statusCode, body } = await createHealthCheck({
        service: 'codex',
        statfs: disk(10),
        dependencies: [
          { name: 'core', url: `http://127.0.0.1:${healthyPort}` },
          { name: 'gone', url: `http://127.0.0.1:${closedPort}` },
        ],
      }).run();
      assert.equal(statusCode, 503);
      assert.equal(body.status, 'degraded');
      assert.equal(body.checks.dependencies?.['core']?.status, 'healthy');
      assert.deepEqual(body.checks.dependencies?.['gone'], { status: 'unhealthy', error: 'connection_refused' });
    } finally {
      healthy.closeAllConnections();
      await close(healthy);
    }
  });

  it('checks the real root filesystem by default', async () => {
    const { body } = await createHealthCheck({ service: 'codex' }).run();
    assert.ok('total_gb' in body.checks.disk && body.checks.disk.total_gb > 0);
  });
});

describe('scrubError', () => {
  it('masks credentials in URLs and password pairs and keeps the rest', () => {
    assert.equal(
      scrubError(new Error('no route to postgresql://app:pa55@10.0.0.1/app')),
      'no route to postgresql://***@10.0.0.1/app',
    );
    assert.equal(scrubError('host=db user=app password=pa55 dbname=app'), 'host=db user=app password=*** dbname=app');
    assert.equal(scrubError(new Error('plain message')), 'plain message');
  });

  it('cuts very long messages', () => {
    assert.ok(scrubError(new Error('x'.repeat(5000))).length <= 201);
  });
});

describe('registerHealthRoute', () => {
  it('answers GET /health with the JSON, the status code and no caching', async () => {
    const app = Fastify();
    registerHealthRoute(app, createHealthCheck(options({ statfs: disk(90) })));
    const response = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.match(String(response.headers['content-type']), /^application\/json/);
    const body = response.json<{ service: string; status: string; checks: { disk: { status: string } } }>();
    assert.equal(body.service, 'codex');
    assert.equal(body.status, 'degraded');
    assert.equal(body.checks.disk.status, 'degraded');
    await app.close();
  });

  it('answers 200 when healthy', async () => {
    const app = Fastify();
    registerHealthRoute(app, createHealthCheck(options()));
    const response = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json<{ status: string }>().status, 'healthy');
    await app.close();
  });
});
