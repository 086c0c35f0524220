import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import type { CheckResult } from '../../src/health-check.js';
import { createHealthCheck, type FsStats, type HealthCheckOptions } from '../../src/health.js';
import { installDrain } from '../../src/http/drain.js';
import { HEALTH_PATHS, registerHealthRoute } from '../../src/http/health-routes.js';

const FROZEN = Date.UTC(2026, 0, 2, 3, 4, 5);
const CORE = 'http://core.test';

const roomyDisk = (): Promise<FsStats> => Promise.resolve({ blocks: 1000, bsize: 4096, bfree: 900, bavail: 890 });
/** Core refuses connections, as a killed process does. */
const coreDown: typeof fetch = () =>
  Promise.reject(
    new TypeError('fetch failed', { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) }),
  );
const reachable = { ping: () => Promise.resolve() };
const unreachable = { ping: () => Promise.reject(new Error('connect ECONNREFUSED postgres://svc:hunter2@db:5432')) };

function options(overrides: Partial<HealthCheckOptions> = {}): HealthCheckOptions {
  return {
    service: 'codex',
    statfs: roomyDisk,
    now: () => FROZEN,
    database: reachable,
    dependencies: [{ name: 'core', url: CORE }],
    fetch: coreDown,
    ...overrides,
  };
}

interface Probed {
  status: number;
  cache: string | number | string[] | undefined;
  body: { service: string; status: string; draining?: boolean; checks: Record<string, { status: string } | undefined> };
}

async function probe(app: FastifyInstance, url: string): Promise<Probed> {
  const response = await app.inject({ method: 'GET', url });
  return {
    status: response.statusCode,
    cache: response.headers['cache-control'],
    body: response.json(),
  };
}

async function appWith(overrides: Partial<HealthCheckOptions> = {}): Promise<FastifyInstance> {
  const app = Fastify();
  registerHealthRoute(app, createHealthCheck(options(overrides)));
  await app.ready();
  return app;
}

describe('health endpoints: liveness, readiness and the detailed report', () => {
  it('a dependency down: /health 503 (it lists the dependency), ready and live 200', async () => {
    const app = await appWith();
    const report = await probe(app, HEALTH_PATHS.report);
    assert.equal(report.status, 503);
    assert.equal(report.body.status, 'degraded');
    assert.deepEqual(report.body.checks.dependencies, { core: { status: 'unhealthy', error: 'connection_refused' } });

    const ready = await probe(app, HEALTH_PATHS.ready);
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, 'healthy');
    assert.equal(ready.body.service, 'codex');
    assert.equal(ready.body.checks.database?.status, 'healthy');
    assert.equal(ready.body.checks.dependencies, undefined, 'readiness never asks other services');
    assert.equal(ready.body.checks.disk, undefined);
    assert.equal(ready.cache, 'no-store');

    const live = await probe(app, HEALTH_PATHS.live);
    assert.equal(live.status, 200);
    assert.equal(live.body.status, 'healthy');
    assert.equal(live.body.draining, false);
    assert.equal(live.body.checks.event_loop?.status, 'healthy');
    assert.equal(live.cache, 'no-store');
    await app.close();
  });

  it('its own database unreachable: ready 503 (credentials scrubbed), live still 200', async () => {
    const app = await appWith({ database: unreachable });
    const ready = await probe(app, HEALTH_PATHS.ready);
    assert.equal(ready.status, 503);
    assert.equal(ready.body.status, 'unhealthy');
    const database = ready.body.checks.database as { status: string; error: string } | undefined;
    assert.equal(database?.status, 'unhealthy');
    assert.doesNotMatch(database?.error ?? '', /hunter2/);
    assert.equal((await probe(app, HEALTH_PATHS.live)).status, 200);
    await app.close();
  });

  it('a database that hangs makes ready 503 within the check timeout', async () => {
    const hanging = { ping: () => new Promise<void>(() => undefined) };
    const app = await appWith({ database: hanging, timeoutMs: 30 });
    const ready = await probe(app, HEALTH_PATHS.ready);
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body.checks.database, { status: 'unhealthy', error: 'timeout', type: 'postgresql' });
    await app.close();
  });

  it('draining (SIGTERM received): ready 503 with checks.draining, live 200 saying so', async () => {
    const app = Fastify();
    const drain = installDrain(app);
    registerHealthRoute(app, createHealthCheck(options({ fetch: () => Promise.resolve(new Response('{}')) })));
    await app.ready();
    assert.equal((await probe(app, HEALTH_PATHS.ready)).status, 200);

    drain.begin(new Date(FROZEN));
    const ready = await probe(app, HEALTH_PATHS.ready);
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body.checks.draining, {
      status: 'unhealthy',
      state: 'draining',
      since: new Date(FROZEN).toISOString(),
    });
    assert.equal((await probe(app, HEALTH_PATHS.report)).status, 503);
    const live = await probe(app, HEALTH_PATHS.live);
    assert.equal(live.status, 200);
    assert.equal(live.body.draining, true);
    await app.close();
  });

  it('counts only the extra checks named in `readiness`; a degraded one still answers 200', async () => {
    const extraChecks: Record<string, () => Promise<CheckResult>> = {
      sessions: () => Promise.resolve({ status: 'degraded', latency_ms: 900 }),
      model_provider: () => Promise.reject(new Error('provider unreachable')),
    };
    const app = await appWith({ extraChecks, readiness: ['sessions'] });
    const ready = await probe(app, HEALTH_PATHS.ready);
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, 'degraded');
    assert.equal(ready.body.checks.sessions?.status, 'degraded');
    assert.equal(ready.body.checks.model_provider, undefined);
    await app.close();

    const broken = await appWith({
      extraChecks: { sessions: () => Promise.reject(new Error('redis down')) },
      readiness: ['sessions'],
    });
    assert.equal((await probe(broken, HEALTH_PATHS.ready)).status, 503);
    await broken.close();
  });

  it('a revocation feed that never caught up makes ready 503; one that went down later does not', async () => {
    for (const [feed, expected] of [
      [{ status: 'unhealthy', state: 'starting' }, 503],
      [{ status: 'degraded', state: 'down', down_since: new Date(FROZEN).toISOString() }, 200],
    ] as const) {
      const app = Fastify();
      app.decorate('hivematrixAuth', {
        verifier: {
          verify: () => Promise.reject(new Error('no token is verified here')),
          revocationHealth: (): CheckResult => ({ ...feed }),
        },
        loginRedirect: () => '/login',
      });
      registerHealthRoute(app, createHealthCheck(options()));
      await app.ready();
      const ready = await probe(app, HEALTH_PATHS.ready);
      assert.equal(ready.status, expected, JSON.stringify(ready.body));
      assert.equal(ready.body.checks.revocation_feed?.status, expected === 503 ? 'unhealthy' : undefined);
      await app.close();
    }
  });

  it('a service with no database (the gateway) is ready while its dependencies are down', async () => {
    const { database: _unused, ...gateway } = options({ service: 'nexus' });
    const app = Fastify();
    registerHealthRoute(app, createHealthCheck(gateway));
    const ready = await probe(app, HEALTH_PATHS.ready);
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.checks, {});
    await app.close();
  });
});
