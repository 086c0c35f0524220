/**
 * The proxy: what reaches a service (prefix stripped, forwarded headers, the gateway's bearer, no
 * client Authorization, no session cookie, every method, repeated query parameters), what comes
 * back (composition of full pages only, security headers, no cookie overwriting the gateway's),
 * access rules from the registry, CSRF, escaping, and the styled 502 page.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ADMIN, TECH, startNexus, type NexusHarness } from './harness.js';
import type { Echo } from './helpers/upstream.js';

const JSON_FETCH = { accept: 'application/json', 'sec-fetch-mode': 'cors' };
const NAVIGATE = { accept: 'text/html', 'sec-fetch-mode': 'navigate' };

describe('nexus: proxy', () => {
  let h: NexusHarness;
  let admin: string;
  let tech: string;
  before(async () => {
    h = await startNexus();
    admin = (await h.login(ADMIN)).cookie;
    tech = (await h.login(TECH)).cookie;
  });
  after(() => h.close());

  const echo = async (path: string, init: Parameters<NexusHarness['fetch']>[1] = {}): Promise<Echo> => {
    const res = await h.fetch(path, init);
    const text = await res.body.text();
    assert.equal(res.statusCode, 200, text);
    return JSON.parse(text) as Echo;
  };

  it('strips the prefix and keeps repeated query parameters and encodings as sent', async () => {
    const got = await echo('/echo-svc/echo?a=1&a=2&b=%20x&c=%2F&a=3', { headers: { cookie: tech } });
    assert.equal(got.url, '/echo?a=1&a=2&b=%20x&c=%2F&a=3');
    assert.equal((await echo('/echo-svc', { headers: { cookie: tech } })).url, '/');
    assert.equal((await echo('/echo-svc/', { headers: { cookie: tech } })).url, '/');
  });

  it('passes PATCH, PUT, DELETE and OPTIONS with their bodies', async () => {
    const body = JSON.stringify({ name: 'patched', list: [1, 2, 3] });
    for (const method of ['PATCH', 'PUT', 'DELETE', 'OPTIONS'] as const) {
      const got = await echo('/echo-svc/echo', {
        method,
        headers: { cookie: tech, origin: h.url, 'content-type': 'application/json' },
        body,
      });
      assert.equal(got.method, method);
      assert.equal(got.sha256, createHash('sha256').update(body).digest('hex'));
      assert.equal(got.headers['content-type'], 'application/json');
    }
  });

  it('sets the forwarded headers and the bearer, and never forwards the client Authorization or the session cookie', async () => {
    const got = await echo('/echo-svc/echo', {
      headers: {
        cookie: `${tech}; theme=dark`,
        authorization: 'Bearer forged-by-the-client',
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-prefix': '/evil',
        'x-correlation-id': 'corr-123',
        ...JSON_FETCH,
      },
    });
    assert.match(String(got.headers['authorization']), /^Bearer eyJ/);
    assert.notEqual(got.headers['authorization'], 'Bearer forged-by-the-client');
    assert.equal(got.headers['cookie'], 'theme=dark');
    assert.equal(got.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(got.headers['x-forwarded-proto'], 'https');
    assert.equal(got.headers['x-forwarded-host'], new URL(h.url).host);
    assert.equal(got.headers['x-forwarded-prefix'], '/echo-svc');
    assert.equal(got.headers['x-correlation-id'], 'corr-123');
  });

  it('generates a correlation id and returns it', async () => {
    const res = await h.fetch('/echo-svc/echo', { headers: { cookie: tech } });
    const got = (await res.body.json()) as Echo;
    assert.match(String(got.headers['x-correlation-id']), /^[0-9a-f-]{36}$/);
    assert.equal(res.headers['x-correlation-id'], got.headers['x-correlation-id']);
  });

  it('drops a service cookie that would overwrite the gateway session, keeps the others', async () => {
    const res = await h.fetch('/echo-svc/cookies', { headers: { cookie: tech } });
    await res.body.dump();
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    assert.equal(cookies.length, 1);
    assert.match(cookies[0] ?? '', /^svc_pref=1/);
  });

  it('composes full HTML pages with the side panel, passes fragments unchanged, and sets security headers', async () => {
    const page = await h.fetch('/echo-svc/page', { headers: { cookie: tech, ...NAVIGATE } });
    const html = await page.body.text();
    assert.equal(page.statusCode, 200);
    assert.match(html, /<link rel="stylesheet" href="\/static\/css\/hivematrix\.css\?v=test-v1"/);
    assert.match(html, /hivematrix-side-panel/);
    assert.match(html, /Hello from upstream/);
    assert.match(html, /href="\/echo-svc\/"/);
    assert.doesNotMatch(html, /href="\/adminsvc\/"/, 'a technician does not see admin-only entries');
    assert.doesNotMatch(html, /href="\/hidden\/"/, 'hidden services are not in the menu');
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.match(String(page.headers['strict-transport-security']), /max-age=\d+/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['referrer-policy'], 'same-origin');
    const fragment = await h.fetch('/echo-svc/fragment', { headers: { cookie: tech } });
    assert.equal(await fragment.body.text(), '<div class="card">just a fragment</div>');
  });

  it('enforces admin_only and permission_levels at the proxy; visible does not matter', async () => {
    const refused = await h.fetch('/adminsvc/echo', { headers: { cookie: tech, ...JSON_FETCH } });
    assert.equal(refused.statusCode, 403);
    assert.equal(((await refused.body.json()) as { code: string }).code, 'forbidden');
    const page = await h.fetch('/adminsvc/page', { headers: { cookie: tech, ...NAVIGATE } });
    assert.equal(page.statusCode, 403);
    assert.match(await page.body.text(), /Access denied/);
    await echo('/adminsvc/echo', { headers: { cookie: admin } });
    const billing = await h.fetch('/billingsvc/echo', { headers: { cookie: tech, ...JSON_FETCH } });
    assert.equal(billing.statusCode, 403);
    await billing.body.dump();
    await echo('/billingsvc/echo', { headers: { cookie: admin } });
    await echo('/hidden/echo', { headers: { cookie: tech } });
  });

  it('refuses cross-site unsafe requests (CSRF)', async () => {
    for (const headers of [
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'same-site' },
    ]) {
      const res = await h.fetch('/echo-svc/echo', {
        method: 'POST',
        headers: { cookie: tech, ...JSON_FETCH, ...headers },
        body: '{}',
      });
      assert.equal(res.statusCode, 403);
      assert.equal(((await res.body.json()) as { code: string }).code, 'csrf_rejected');
    }
    const same = await echo('/echo-svc/echo', {
      method: 'POST',
      headers: { cookie: tech, origin: h.url, 'sec-fetch-site': 'same-origin' },
      body: '{}',
    });
    assert.equal(same.method, 'POST');
  });

  it('serves public paths without login, with composition and without any Authorization', async () => {
    const got = await echo('/beacon/display', { headers: { authorization: 'Bearer client-sent' } });
    assert.equal(got.headers['authorization'], undefined);
    const tv = await echo('/beacon/display/tv');
    assert.equal(tv.url, '/display/tv');
    const page = await h.fetch('/beacon/display/page');
    const html = await page.body.text();
    assert.equal(page.statusCode, 200);
    assert.match(html, /hivematrix\.css\?v=test-v1/);
    const signedIn = await echo('/beacon/display', { headers: { cookie: tech } });
    assert.equal(signedIn.headers['authorization'], undefined, 'public pages never act as the viewer');
    const notPublic = await h.fetch('/beacon/displayed', { headers: JSON_FETCH });
    assert.equal(notPublic.statusCode, 401);
    await notPublic.body.dump();
    for (const path of ['/beacon/display/../echo', '/beacon/display/%2e%2e/echo', '/beacon/display%2F..%2Fecho']) {
      const sneaky = await h.fetch(path, { headers: JSON_FETCH });
      assert.equal(sneaky.statusCode, 400, path);
      await sneaky.body.dump();
    }
  });

  it('escapes a script payload in an unknown service name', async () => {
    const res = await h.fetch(`/${encodeURIComponent('<script>alert(1)</script>')}/x`, {
      headers: { cookie: tech, ...NAVIGATE },
    });
    const html = await res.body.text();
    assert.equal(res.statusCode, 404);
    assert.doesNotMatch(html, /<script>alert/);
    assert.match(html, /&lt;script>alert\(1\)&lt;\/script>/);
    const api = await h.fetch('/%3Cimg%20src%3Dx%3E/x', { headers: JSON_FETCH });
    assert.equal(api.statusCode, 404);
    assert.match(String(api.headers['content-type']), /^application\/problem\+json/);
    await api.body.dump();
  });

  it('answers a service that is down with a styled 502 page naming it, or problem+json', async () => {
    const page = await h.fetch('/down/', { headers: { cookie: tech, ...NAVIGATE } });
    const html = await page.body.text();
    assert.equal(page.statusCode, 502);
    assert.match(html, /<code>down<\/code>/);
    assert.match(html, /hivematrix\.css/);
    const api = await h.fetch('/down/api/x', { headers: { cookie: tech, ...JSON_FETCH } });
    assert.equal(api.statusCode, 502);
    const problem = (await api.body.json()) as { code: string; detail: string };
    assert.equal(problem.code, 'bad_gateway');
    assert.match(problem.detail, /"down"/);
  });

  it('shows the platform home at / to a user without a saved home page', async () => {
    const res = await h.fetch('/', { headers: { cookie: tech, ...NAVIGATE } });
    assert.equal(res.statusCode, 200);
    assert.match(await res.body.text(), /<h1 class="page-header__title">Welcome, /);
    const anonymous = await h.fetch('/', { headers: NAVIGATE });
    await anonymous.body.dump();
    assert.equal(anonymous.headers.location, '/login');
  });

  it('stores preferences in the session and composes pages with them', async () => {
    const { cookie } = await h.login(TECH);
    const put = await h.fetch('/api/preferences', {
      method: 'PUT',
      headers: { cookie, origin: h.url, 'content-type': 'application/json' },
      body: JSON.stringify({ theme: 'dark', accent: 'green', sidebarCollapsed: true }),
    });
    assert.equal(put.statusCode, 200);
    assert.deepEqual(await put.body.json(), { theme: 'dark', accent: 'green', sidebarCollapsed: true, homePage: null });
    const page = await h.fetch('/echo-svc/page', { headers: { cookie, ...NAVIGATE } });
    assert.match(
      await page.body.text(),
      /<html lang="en" data-theme="dark" data-color-theme="green" data-sidebar="collapsed">/,
    );
    const bad = await h.fetch('/api/preferences', {
      method: 'PUT',
      headers: { cookie, origin: h.url, 'content-type': 'application/json' },
      body: '{"theme":"<x>"}',
    });
    assert.equal(bad.statusCode, 400);
    await bad.body.dump();
    const anonymous = await h.fetch('/api/preferences', {
      method: 'PUT',
      headers: { origin: h.url, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(anonymous.statusCode, 401);
    await anonymous.body.dump();
    const huge = await h.fetch('/api/preferences', {
      method: 'PUT',
      headers: { cookie, origin: h.url, 'content-type': 'application/json' },
      body: JSON.stringify({ accent: 'x'.repeat(100_000) }),
    });
    assert.equal(huge.statusCode, 413);
    await huge.body.dump();
  });

  it('proxies /keycloak unchanged to the identity provider, with host-only Secure cookies', async () => {
    const res = await h.fetch('/keycloak/realms/hivematrix/login-page');
    const html = await res.body.text();
    assert.equal(res.statusCode, 200);
    assert.match(html, /<form method="post">/);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    assert.equal(cookies.length, 2);
    for (const cookie of cookies) {
      assert.doesNotMatch(cookie, /Domain=/i);
      assert.match(cookie, /; Secure/);
    }
  });
});
