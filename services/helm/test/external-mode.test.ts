/**
 * Helm in external mode (HELM_MODE=external, as Kubernetes runs it), in process, listening on a
 * real port: two fake services on port 0 answer /health as the SDK's health route does (one
 * healthy, one 503 unhealthy) and a third is gone (nothing on its port); the console and the
 * status API show what their probes found, the
 * process controls answer 409 "managed by Kubernetes" and act on nothing, logs shipped by the
 * SDK's own shipper are stored, and an alert opens for the failing service once it has been
 * unhealthy longer than ALERT_DOWN_AFTER_S.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  ConfigError,
  createLocalKeySet,
  createLogDestination,
  createLogger,
  createLogShipper,
  createTokenVerifier,
  loadServicesFile,
} from '@hivematrix/sdk';
import { createTestDatabase, createTestKeys, type TestDatabase, type TestKeys } from '@hivematrix/sdk/testing';
import { helmMode, loadExternalHelmConfig } from '../src/config.js';
import { buildExternalHelm, externalAlertSettings, type ExternalHelm } from '../src/daemon/external-helm.js';
import { watchedServices } from '../src/external/poller.js';
import { platformStatusSchema } from '../src/status.js';
import { json, startFakeHttp, type FakeHttp } from './fake-http.js';

describe('helm in external mode (services run by Kubernetes)', () => {
  let testDb: TestDatabase;
  let keys: TestKeys;
  let alpha: FakeHttp;
  let beta: FakeHttp;
  let dir: string;
  let helm: ExternalHelm;
  let base: string;
  let admin: string;
  let gonePort: number;
  // The monitor's clock: moved forward by hand so "down for longer than 60 s" takes no minute.
  let clock = Date.now();

  before(async () => {
    testDb = await createTestDatabase('helm_external');
    keys = await createTestKeys();
    // What the SDK's health route answers: 200 healthy, 503 with the same JSON shape when not.
    alpha = await startFakeHttp((request, res) => {
      if (request.url === '/health') json(res, 200, { service: 'alpha', status: 'healthy', checks: {} });
      else json(res, 404, { code: 'not_found' });
    });
    beta = await startFakeHttp((request, res) => {
      if (request.url === '/health')
        json(res, 503, {
          service: 'beta',
          status: 'unhealthy',
          checks: { database: { status: 'unhealthy', error: 'connection_refused' } },
        });
      else json(res, 404, { code: 'not_found' });
    });
    // A pod that is gone: a port nothing listens on any more.
    const gone = await startFakeHttp((_request, res) => json(res, 200, {}));
    gonePort = gone.port;
    await gone.close();
    dir = await mkdtemp(path.join(tmpdir(), 'hm-helm-external-'));
    const servicesFile = path.join(dir, 'services.json');
    const entry = (url: string, port: number, name: string) => ({
      url,
      port,
      display_name: name,
      kind: 'app',
      visible: true,
      admin_only: false,
      public_paths: [],
      strip_prefix: true,
    });
    await writeFile(
      servicesFile,
      JSON.stringify({
        alpha: entry(alpha.url, alpha.port, 'Alpha'),
        beta: entry(beta.url, beta.port, 'Beta'),
        gamma: entry(`http://127.0.0.1:${gonePort}`, gonePort, 'Gamma'),
      }),
    );
    const env = {
      HELM_MODE: 'external',
      DATABASE_URL: testDb.url,
      SERVICES_FILE: servicesFile,
      NEXUS_URL: 'https://hive.example',
      HELM_POLL_INTERVAL: '50ms',
      ALERT_DOWN_AFTER_S: '60',
      LOG_LEVEL: 'fatal',
    };
    assert.equal(helmMode(env), 'external');
    const config = loadExternalHelmConfig(env);
    helm = await buildExternalHelm({
      config,
      services: watchedServices(await loadServicesFile(config.SERVICES_FILE)),
      logger: createLogger({ service: 'helm', level: 'silent' }),
      verifier: createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'helm' }),
      now: () => new Date(clock),
      // Long enough that only this test's explicit rounds judge the services.
      alertIntervalMs: 3_600_000,
    });
    await helm.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(helm.app.server.address() as AddressInfo).port}`;
    admin = await keys.mintUserToken({ permission_level: 'admin', preferred_username: 'alice' });
  });

  after(async () => {
    await helm.close();
    await alpha.close();
    await beta.close();
    await testDb.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (url: string) => fetch(`${base}${url}`, { headers: { authorization: `Bearer ${admin}` } });

  it("reads each service's state from its /health probe, not from a process", async () => {
    const res = await get('/api/services');
    assert.equal(res.status, 200);
    const status = platformStatusSchema.parse(await res.json());
    assert.equal(status.daemon.managed_by, 'Kubernetes');
    const byName = new Map(status.services.map((service) => [service.name, service]));
    assert.deepEqual([...byName.keys()], ['alpha', 'beta', 'gamma']);
    assert.equal(byName.get('alpha')?.state, 'running');
    assert.equal(byName.get('alpha')?.health, 'healthy');
    assert.equal(byName.get('alpha')?.pid, null, 'helm runs no process, so it knows no pid');
    assert.equal(byName.get('beta')?.state, 'running');
    assert.equal(byName.get('beta')?.health, 'unhealthy');
    assert.match(byName.get('beta')?.message ?? '', /HTTP 503/);
    assert.equal(byName.get('gamma')?.state, 'unreachable');
    assert.equal(byName.get('gamma')?.health, 'down');
    assert.match(byName.get('gamma')?.message ?? '', /did not answer: ECONNREFUSED/);
    assert.ok(
      alpha.requests.some((request) => request.url === '/health') &&
        beta.requests.some((request) => request.url === '/health'),
    );
  });

  it('keeps polling every HELM_POLL_INTERVAL', async () => {
    const polled = alpha.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(alpha.requests.length > polled, `${alpha.requests.length} requests, ${polled} before`);
  });

  it('shows the services on the console with their health and no start/stop buttons', async () => {
    const res = await get('/services');
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /Managed by Kubernetes/);
    assert.match(html, /alpha/);
    assert.match(html, /unhealthy/);
    assert.doesNotMatch(
      html,
      /action="[^"]*\/services\/(alpha|beta)\/(start|stop|restart|disable)"/,
      'no process controls',
    );
    const detail = await (await get('/services/beta')).text();
    assert.match(detail, /HTTP 503/);
    assert.doesNotMatch(detail, /\/services\/beta\/restart/);
  });

  it('answers every process action with 409 problem+json saying Kubernetes manages it, and records the refusal', async () => {
    for (const action of ['start', 'stop', 'restart', 'enable', 'disable']) {
      const res = await fetch(`${base}/api/services/alpha/${action}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
      });
      assert.equal(res.status, 409, action);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
      const problem = (await res.json()) as { code: string; detail: string };
      assert.equal(problem.code, 'conflict');
      assert.match(problem.detail, /alpha is managed by Kubernetes/);
    }
    const trail = (await (await get('/api/audit-trail')).json()) as {
      entries: { action: string; result: string; actor: string }[];
    };
    assert.equal(trail.entries.filter((entry) => entry.result === 'failure' && entry.actor === 'alice').length, 5);
    // The fake still answers as before: nothing was done to it.
    assert.equal((await fetch(`${alpha.url}/health`)).status, 200);
  });

  it("answers what needs one machine or the operator's configuration with a reason, not a broken page", async () => {
    const audit = await get('/api/security/audit');
    assert.equal(audit.status, 409);
    assert.match(((await audit.json()) as { detail: string }).detail, /managed by Kubernetes/);
    assert.equal((await get('/users')).status, 503, 'users: no identity admin client in this mode');
    assert.equal((await get('/settings')).status, 503);
    assert.equal(
      (await get('/backups')).status,
      404,
      "no backups pages: the cluster's PostgreSQL is backed up by its operator",
    );
  });

  it("stores logs shipped by a service through the SDK's shipper", async () => {
    const shipper = createLogShipper({
      service: 'alpha',
      helmUrl: base,
      getToken: () => keys.mintServiceToken('alpha', 'helm'),
      flushIntervalMs: 60_000,
    });
    const logger = createLogger({ service: 'alpha', level: 'info', destination: createLogDestination(shipper) });
    logger.warn({ order: 7 }, 'payment provider slow');
    await shipper.close();
    assert.equal(shipper.stats().shipped, 1, JSON.stringify(shipper.stats()));
    const res = await get('/api/logs?service=alpha');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { entries: { service: string; level: string; message: string }[] };
    assert.ok(
      body.entries.some(
        (entry) => entry.service === 'alpha' && entry.level === 'WARNING' && entry.message === 'payment provider slow',
      ),
      JSON.stringify(body),
    );
  });

  it('opens an alert for the failing service from the polled health, and none for the healthy one', async () => {
    await helm.monitor.serviceRound();
    clock += 61_000;
    await helm.monitor.serviceRound();
    const alerts = (await (await get('/api/alerts')).json()) as { open: { key: string; title: string }[] };
    assert.deepEqual(alerts.open.map((alert) => alert.key).sort(), ['service:beta:down', 'service:gamma:down']);
    assert.ok(
      alerts.open.some((alert) => alert.title === 'beta is down'),
      JSON.stringify(alerts.open),
    );
  });
});

describe('HELM_MODE and the external-mode configuration', () => {
  it('is local unless external is asked for, and refuses an unknown mode instead of guessing', () => {
    assert.equal(helmMode({}), 'local');
    assert.equal(helmMode({ HELM_MODE: '' }), 'local');
    assert.equal(helmMode({ HELM_MODE: ' External ' }), 'external');
    assert.throws(
      () => helmMode({ HELM_MODE: 'k8s' }),
      (error: unknown) => error instanceof ConfigError && /HELM_MODE: one of local, external/.test(error.message),
    );
  });

  it('needs a database and a services file, and names a bad alert channel by its variable', () => {
    assert.throws(
      () => loadExternalHelmConfig({ HELM_MODE: 'external' }),
      (error: unknown) =>
        error instanceof ConfigError && /DATABASE_URL/.test(error.message) && /SERVICES_FILE/.test(error.message),
    );
    const config = loadExternalHelmConfig({
      DATABASE_URL: 'postgres://helm@db/helm',
      SERVICES_FILE: '/etc/hivematrix/services.json',
      ALERT_SMTP_URL: 'http://mail.example',
    });
    assert.equal(config.HELM_MANAGED_BY, 'Kubernetes');
    assert.equal(config.HELM_POLL_INTERVAL, 10_000);
    assert.throws(
      () => externalAlertSettings(config),
      (error: unknown) => error instanceof ConfigError && /ALERT_SMTP_URL/.test(error.message),
    );
  });
});
