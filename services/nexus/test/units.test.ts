/**
 * The gateway's smaller parts: TLS material on first start, the HTTP→HTTPS redirect, static
 * assets, services.json reloading, routing and access rules, and the session stores (Redis when
 * TEST_REDIS_URL is set).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { X509Certificate, randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { servicesFileSchema } from '@hivematrix/sdk';
import { createLogger } from '@hivematrix/sdk';
import { createRedirectServer } from '../src/http-redirect.js';
import { homeFor, isPublicPath, mayOpen, navFor } from '../src/registry/access.js';
import { watchServicesFile } from '../src/registry/live-registry.js';
import { routeFor } from '../src/proxy/route.js';
import { loadStaticAssets, staticRoutes } from '../src/routes/static.js';
import { createMemoryStore } from '../src/session/memory-store.js';
import { createRedisStore } from '../src/session/redis-store.js';
import type { Session, SessionStore } from '../src/session/types.js';
import { withoutGatewayCookies } from '../src/session/cookies.js';
import { loadTlsMaterial } from '../src/tls.js';
import { isLogoutState, logoutState } from '../src/auth/logout-state.js';

describe('nexus: TLS material', () => {
  it('generates a self-signed certificate once, key mode 0600, then reuses it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'nexus-certs-'));
    try {
      const certsDir = path.join(dir, 'certs');
      const first = await loadTlsMaterial({ certsDir, hosts: ['localhost', '127.0.0.1'] });
      assert.equal(first.generated, true);
      assert.equal((await stat(first.keyFile)).mode & 0o777, 0o600);
      const x509 = new X509Certificate(first.cert);
      assert.match(x509.subjectAltName ?? '', /DNS:localhost/);
      assert.match(x509.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
      assert.equal(x509.checkPrivateKey((await import('node:crypto')).createPrivateKey(first.key)), true);
      const second = await loadTlsMaterial({ certsDir });
      assert.equal(second.generated, false);
      assert.equal(second.cert, first.cert);
      const configured = await loadTlsMaterial({
        certFile: first.certFile,
        keyFile: first.keyFile,
        certsDir: path.join(dir, 'unused'),
      });
      assert.equal(configured.key, first.key);
      await assert.rejects(loadTlsMaterial({ certFile: first.certFile, certsDir }));

      // Made again when it would expire within 30 days, or when the hostname it must name changed.
      const late = await loadTlsMaterial({
        certsDir,
        hosts: ['localhost', '127.0.0.1'],
        now: new Date(Date.now() + 340 * 86_400_000),
      });
      assert.equal(late.generated, true);
      assert.match(late.renewed ?? '', /^it expires on /);
      assert.ok(Date.parse(new X509Certificate(late.cert).validTo) > Date.now() + 700 * 86_400_000);
      const renamed = await loadTlsMaterial({ certsDir, hosts: ['localhost', '127.0.0.1', 'hive.example'] });
      assert.equal(renamed.renewed, 'it does not name hive.example');
      assert.match(new X509Certificate(renamed.cert).subjectAltName ?? '', /DNS:hive\.example/);
      assert.equal((await loadTlsMaterial({ certsDir, hosts: ['localhost', 'hive.example'] })).generated, false);
      assert.equal((await stat(renamed.keyFile)).mode & 0o777, 0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('nexus: HTTP redirect port', () => {
  it('redirects to the configured HTTPS URL, never to another host', async () => {
    const server = createRedirectServer('https://hive.example:8443');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const ask = (method: string, pathname: string) =>
      new Promise<{ status: number; location: string }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, method, path: pathname, headers: { host: 'evil.example' } },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, location: String(res.headers.location) });
          },
        );
        req.on('error', reject);
        req.end();
      });
    try {
      assert.deepEqual(await ask('GET', '/codex/x?a=1'), {
        status: 301,
        location: 'https://hive.example:8443/codex/x?a=1',
      });
      assert.deepEqual(await ask('POST', '/api'), { status: 308, location: 'https://hive.example:8443/api' });
      assert.deepEqual(await ask('GET', '//evil.example/x'), { status: 301, location: 'https://hive.example:8443/' });
    } finally {
      server.close();
    }
  });
});

describe('nexus: static assets', () => {
  it('serves files with their types, versioned URLs immutable, others revalidated', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'nexus-static-'));
    try {
      await mkdir(path.join(dir, 'css'));
      await writeFile(path.join(dir, 'css', 'hivematrix.css'), 'body{color:red}');
      await writeFile(path.join(dir, 'theme.js'), 'void 0;');
      await writeFile(path.join(dir, 'notes.secret'), 'not served');
      const assets = await loadStaticAssets(dir);
      assert.match(assets.version, /^[0-9a-f]{12}$/);
      const app = Fastify();
      await app.register(staticRoutes, { assets });
      const css = await app.inject(`/static/css/hivematrix.css?v=${assets.version}`);
      assert.equal(css.statusCode, 200);
      assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
      assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable');
      const js = await app.inject('/static/theme.js');
      assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
      assert.match(String(js.headers['cache-control']), /max-age=300/);
      const again = await app.inject({
        url: '/static/theme.js',
        headers: { 'if-none-match': String(js.headers.etag) },
      });
      assert.equal(again.statusCode, 304);
      assert.equal((await app.inject('/static/notes.secret')).statusCode, 404);
      assert.equal((await app.inject('/static/../package.json')).statusCode, 404);
      assert.equal((await loadStaticAssets(path.join(dir, 'missing'))).version, 'dev');
      await app.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('nexus: registry and routing', () => {
  const services = servicesFileSchema.parse({
    codex: { url: 'http://127.0.0.1:5010', port: 5010, display_name: 'Codex' },
    helm: { url: 'http://127.0.0.1:5004', port: 5004, display_name: 'Helm', kind: 'core', admin_only: true },
    ledger: {
      url: 'http://127.0.0.1:5030/base',
      port: 5030,
      display_name: 'Ledger',
      permission_levels: ['admin', 'billing'],
    },
    beacon: {
      url: 'http://127.0.0.1:5001',
      port: 5001,
      display_name: 'Beacon',
      public_paths: ['/display', '/api/tickets/'],
    },
    nexus: { url: 'https://127.0.0.1:8443', port: 8443, display_name: 'Nexus', visible: false },
    raw: { url: 'http://127.0.0.1:5999', port: 5999, display_name: 'Raw', strip_prefix: false, visible: false },
  });

  it('routes by first segment, strips the prefix, keeps the query', () => {
    assert.deepEqual(
      (({ kind, upstreamPath, prefix }) => ({ kind, upstreamPath, prefix }))(
        routeFor('/codex/companies?a=1&a=2', services) as { kind: string; upstreamPath: string; prefix: string },
      ),
      { kind: 'service', upstreamPath: '/companies?a=1&a=2', prefix: '/codex' },
    );
    assert.equal((routeFor('/ledger/x', services) as { upstreamPath: string }).upstreamPath, '/base/x');
    assert.equal((routeFor('/raw/x', services) as { upstreamPath: string }).upstreamPath, '/raw/x');
    assert.deepEqual(routeFor('/keycloak/realms/hivematrix/x?y', services), {
      kind: 'identity',
      upstreamPath: '/keycloak/realms/hivematrix/x?y',
    });
    assert.equal(routeFor('/nexus/x', services).kind, 'unknown', 'the gateway never proxies to itself');
    assert.equal(routeFor('/constructor/x', services).kind, 'unknown');
    assert.equal(routeFor('/codex/a/../b', services).kind, 'invalid');
    assert.equal(routeFor('/codex/a\\b', services).kind, 'invalid');
  });

  it('decides access, public paths, the menu and the home service', () => {
    const entry = (name: string) => services[name] ?? assert.fail(name);
    assert.equal(mayOpen(entry('helm'), 'technician'), false);
    assert.equal(mayOpen(entry('helm'), 'admin'), true);
    assert.equal(mayOpen(entry('ledger'), 'technician'), false);
    assert.equal(mayOpen(entry('ledger'), 'billing'), true);
    assert.equal(isPublicPath(entry('beacon'), '/display'), true);
    assert.equal(isPublicPath(entry('beacon'), '/display/tv'), true);
    assert.equal(isPublicPath(entry('beacon'), '/displayed'), false);
    assert.equal(isPublicPath(entry('beacon'), '/api/tickets/5'), true);
    assert.equal(isPublicPath(entry('beacon'), '/api/ticketsx'), false);
    assert.deepEqual(
      navFor(services, 'technician', 'codex').map((item) => [item.name, item.active]),
      [
        ['codex', true],
        ['beacon', false],
      ],
    );
    assert.deepEqual(
      navFor(services, 'admin', null).map((item) => item.name),
      ['codex', 'helm', 'ledger', 'beacon'],
    );
    assert.equal(homeFor(services, 'client'), 'codex');
    assert.equal(homeFor(servicesFileSchema.parse({}), 'admin'), null);
  });

  it('reloads services.json when it changes and keeps the last good table on a bad file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'nexus-registry-'));
    const file = path.join(dir, 'services.json');
    try {
      const registry = await watchServicesFile(file, {
        logger: createLogger({ service: 'nexus', level: 'silent' }),
        watch: false,
      });
      assert.deepEqual(registry.current(), {});
      await writeFile(
        file,
        JSON.stringify({ codex: { url: 'http://127.0.0.1:5010', port: 5010, display_name: 'Codex' } }),
      );
      await registry.refresh();
      assert.deepEqual(Object.keys(registry.current()), ['codex']);
      await writeFile(file, '{"codex": {"url": "ftp://x"}, "padding": 1}');
      await registry.refresh();
      assert.deepEqual(Object.keys(registry.current()), ['codex'], 'a bad file keeps the previous table');
      registry.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('strips only the gateway cookies from a Cookie header', () => {
    assert.equal(withoutGatewayCookies('a=1; __Host-hm_session=x; b=2; __Host-hm_login=y'), 'a=1; b=2');
    assert.equal(withoutGatewayCookies('__Host-hm_session=x'), undefined);
  });

  it('signs and checks the logout state', () => {
    const state = logoutState('k', 1_000_000);
    assert.equal(isLogoutState('k', state, 1_000_500), true);
    assert.equal(isLogoutState('other', state, 1_000_500), false);
    assert.equal(isLogoutState('k', state, 1_000_000 + 11 * 60_000), false);
    assert.equal(isLogoutState('k', `${state}x`, 1_000_500), false);
  });
});

function sampleSession(sub: string, sid: string | null): Session {
  return {
    token: 'token',
    user: {
      sub,
      name: 'N',
      email: 'e',
      preferred_username: 'u',
      permission_level: 'technician',
      groups: [],
      jti: randomUUID(),
      iat: 1,
      exp: 2,
      aud: 'hivematrix',
      iss: 'hivematrix-core',
    },
    idToken: 'id',
    idpSid: sid,
    idpSub: sub,
    createdAt: 1,
    lastSeenAt: 1,
    prefs: { theme: 'dark', accent: 'blue', sidebarCollapsed: true, homePage: 'codex' },
    prefsCheckedAt: 5,
  };
}

async function exerciseStore(store: SessionStore): Promise<void> {
  const a = sampleSession('user-a', 'sid-1');
  await store.setSession('k1', a, 60_000);
  await store.setSession('k2', sampleSession('user-a', 'sid-2'), 60_000);
  assert.deepEqual(await store.getSession('k1'), a);
  assert.deepEqual((await store.keysByIdpSid('sid-1')).sort(), ['k1']);
  assert.deepEqual((await store.keysBySub('user-a')).sort(), ['k1', 'k2']);
  await store.deleteSession('k1');
  assert.equal(await store.getSession('k1'), null);
  assert.deepEqual(await store.keysByIdpSid('sid-1'), []);
  await store.putLogin('t1', { state: 's', nonce: 'n', codeVerifier: 'v', next: '/', createdAt: 1 }, 60_000);
  assert.equal((await store.takeLogin('t1'))?.state, 's');
  assert.equal(await store.takeLogin('t1'), null, 'a login transaction is used once');
  assert.equal(await store.rememberLogoutJti('j1', 60_000), true);
  assert.equal(await store.rememberLogoutJti('j1', 60_000), false);
  await store.ping();
}

describe('nexus: session stores', () => {
  it('memory store: sessions, indexes, one-use logins, expiry', async () => {
    let now = 0;
    const store = createMemoryStore({ now: () => now });
    await exerciseStore(store);
    await store.setSession('k3', sampleSession('user-b', null), 1_000);
    now = 1_001;
    assert.equal(await store.getSession('k3'), null, 'expired by its TTL');
    await store.close();
  });

  it('Redis store: the same contract', async (t) => {
    const url = process.env['TEST_REDIS_URL'];
    if (url === undefined || url === '') {
      t.skip('TEST_REDIS_URL is not set: no Redis to test against');
      return;
    }
    const store = createRedisStore({ url, prefix: `hm:test:${randomUUID()}:` });
    try {
      await exerciseStore(store);
    } finally {
      await store.close();
    }
  });
});
