/**
 * Revocation never fails open: a service built from the SDK, with the feed and policy that
 * `connectPlatform` gives every service, against a fake core over real HTTP. Before this policy a
 * service accepted every user token while its feed was not loaded or was down indefinitely.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createServiceApp, type ServiceApp } from '../../src/http/create-app.js';
import { createHealthCheck } from '../../src/health.js';
import { registerHealthRoute } from '../../src/http/health-routes.js';
import { requireUser } from '../../src/auth/guards.js';
import { createCoreKeySet } from '../../src/auth/key-set.js';
import { createTokenVerifier } from '../../src/auth/verify.js';
import { createRevocationFeed, type RevocationFeed } from '../../src/auth/revocation.js';
import { confirmWithCore, createRevocationPolicy } from '../../src/auth/revocation-policy.js';
import { createServiceClient } from '../../src/service-client.js';
import { createTestKeys, type TestKeys } from '../../src/testing/keys.js';
import { startFakeCore, type FakeCore } from '../../src/testing/fake-core.js';

const SECRET = 'codex-secret-for-tests-0123456789abcdef';

interface Rig {
  app: ServiceApp;
  core: FakeCore;
  feed: RevocationFeed;
  logs: { level: number; msg: string }[];
  close(): Promise<void>;
}

/** A service (codex) with a feed against a fake core; the grace is short so tests need not wait 30 s. */
async function rig(keys: TestKeys, options: { feedDownAtStart?: boolean; graceMs?: number } = {}): Promise<Rig> {
  const core = await startFakeCore({ keys, serviceSecrets: { codex: SECRET }, heartbeatMs: 50 });
  if (options.feedDownAtStart === true) core.setFeedDown(true);
  const logs: { level: number; msg: string }[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }) },
  );
  const client = createServiceClient({ serviceName: 'codex', secret: SECRET, coreUrl: core.url, services: {} });
  const feed = createRevocationFeed({
    coreUrl: core.url,
    getToken: () => client.getServiceToken('core'),
    reconnectDelayMs: 10,
    maxReconnectDelayMs: 20,
    heartbeatTimeoutMs: 500,
  });
  const revocationPolicy = createRevocationPolicy({
    feed,
    graceMs: options.graceMs ?? 150,
    confirm: confirmWithCore(core.url),
    confirmCacheMs: 50,
    logger,
  });
  const verifier = createTokenVerifier({
    keySet: createCoreKeySet({ jwksUrl: `${core.url}/.well-known/jwks.json` }),
    serviceName: 'codex',
    revocationPolicy,
  });
  feed.start();
  const app = await createServiceApp({ service: 'codex', logger, verifier, trustedProxies: [], rateLimit: false });
  registerHealthRoute(
    app,
    createHealthCheck({
      service: 'codex',
      statfs: () => Promise.resolve({ blocks: 100, bsize: 4096, bfree: 90, bavail: 90 }),
    }),
  );
  app.get('/me', { preHandler: requireUser() }, (request) => ({ sub: request.user?.sub }));
  await app.ready();
  return {
    app,
    core,
    feed,
    logs,
    async close() {
      await feed.stop();
      await app.close();
      await core.close();
    },
  };
}

async function me(app: ServiceApp, token: string): Promise<{ status: number; code: unknown }> {
  const response = await app.inject({
    method: 'GET',
    url: '/me',
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  return { status: response.statusCode, code: response.json<{ code?: unknown }>().code };
}

async function feedCheck(
  app: ServiceApp,
): Promise<{ httpStatus: number; status: string; check: Record<string, unknown> }> {
  const response = await app.inject({ method: 'GET', url: '/health' });
  const body = response.json<{ status: string; checks: { revocation_feed: Record<string, unknown> } }>();
  return { httpStatus: response.statusCode, status: body.status, check: body.checks.revocation_feed };
}

/** Polls until `condition` holds (the feed works in the background over real HTTP). */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('revocation never fails open', () => {
  let keys: TestKeys;
  before(async () => {
    keys = await createTestKeys();
  });

  it('accepts no user token until the feed has caught up once, and /health says so', { timeout: 10_000 }, async () => {
    const r = await rig(keys, { feedDownAtStart: true });
    try {
      const token = await keys.mintUserToken();
      const refused = await me(r.app, token);
      assert.equal(refused.status, 503);
      assert.equal(refused.code, 'service_unavailable');
      const starting = await feedCheck(r.app);
      assert.equal(starting.httpStatus, 503);
      assert.equal(starting.status, 'unhealthy');
      assert.equal(starting.check['state'], 'starting');

      r.core.setFeedDown(false);
      await r.feed.ready();
      assert.equal((await me(r.app, token)).status, 200);
      await until(async () => (await feedCheck(r.app)).status === 'healthy');
      assert.equal((await feedCheck(r.app)).check['state'], 'live');
    } finally {
      await r.close();
    }
  });

  it(
    'trusts the local set within the grace, then asks core about tokens older than the outage',
    { timeout: 10_000 },
    async () => {
      const r = await rig(keys, { graceMs: 300 });
      try {
        await r.feed.ready();
        await r.core.waitForStreams(1);
        const kept = await keys.mintUserToken({ iat: Math.floor(Date.now() / 1000) - 5 });
        const revokedJti = 'session-revoked-during-the-outage';
        const revoked = await keys.mintUserToken({ jti: revokedJti, iat: Math.floor(Date.now() / 1000) - 5 });
        assert.equal((await me(r.app, revoked)).status, 200);

        r.core.setFeedDown(true);
        r.core.revoke(revokedJti); // the feed cannot hear of it
        await until(() => r.feed.status().state === 'down');
        const down = await feedCheck(r.app);
        assert.equal(down.status, 'degraded');
        assert.equal(down.check['state'], 'down');
        assert.equal(down.check['strict'], false);
        // Within the grace the local set decides (a short blip must not log everybody out).
        assert.equal((await me(r.app, revoked)).status, 200);
        assert.equal(r.core.validateRequests, 0);

        await new Promise((resolve) => setTimeout(resolve, 350));
        const refused = await me(r.app, revoked);
        assert.equal(refused.status, 401);
        assert.equal(refused.code, 'token_revoked');
        assert.equal((await me(r.app, kept)).status, 200);
        const requestsSoFar = r.core.validateRequests;
        assert.equal(requestsSoFar, 2);
        // A confirmation is reused briefly rather than asked again on every request.
        assert.equal((await me(r.app, kept)).status, 200);
        assert.equal(r.core.validateRequests, requestsSoFar);
        assert.equal((await feedCheck(r.app)).check['strict'], true);
        assert.ok(
          r.logs.some((line) => line.level === 40 && /longer than the grace/.test(line.msg)),
          'the strict mode is logged',
        );

        // A token issued after the outage was noticed comes from a session core still refreshed.
        const fresh = await keys.mintUserToken({ iat: Math.floor(Date.now() / 1000) + 1 });
        assert.equal((await me(r.app, fresh)).status, 200);
        assert.equal(r.core.validateRequests, requestsSoFar);

        // Core unreachable as well: fail closed with 503, never open.
        r.core.setValidateDown(true);
        await new Promise((resolve) => setTimeout(resolve, 60)); // past the confirmation cache
        const unavailable = await me(r.app, kept);
        assert.equal(unavailable.status, 503);
        assert.equal(unavailable.code, 'service_unavailable');

        // The feed comes back: it replays the revocation, and old tokens pass locally again.
        r.core.setValidateDown(false);
        r.core.setFeedDown(false);
        await until(() => r.feed.status().state === 'live');
        assert.equal(r.feed.isRevoked(revokedJti), true);
        const before = r.core.validateRequests;
        assert.equal((await me(r.app, kept)).status, 200);
        assert.equal(r.core.validateRequests, before);
        assert.equal((await feedCheck(r.app)).status, 'healthy');
      } finally {
        await r.close();
      }
    },
  );
});
