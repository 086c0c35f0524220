/**
 * Signing in and out through the gateway: the OIDC flow with state, nonce and PKCE against a fake
 * provider, the session cookie's attributes, `next` kept only on site, escaped error text, logout
 * with RP-initiated logout, back-channel logout, and revocation through core's feed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, TECH, cookieFrom, localPath, startNexus, type NexusHarness } from './harness.js';

describe('nexus: login', () => {
  let h: NexusHarness;
  before(async () => {
    h = await startNexus();
  });
  after(() => h.close());

  it('sends /login to the provider with state, nonce and PKCE S256 through the /keycloak path', async () => {
    const res = await h.fetch('/login?next=%2Fecho-svc%2Fpage');
    await res.body.dump();
    assert.equal(res.statusCode, 302);
    const target = new URL(String(res.headers.location));
    assert.equal(target.origin + target.pathname, `${h.identity.issuer}/protocol/openid-connect/auth`);
    assert.equal(target.searchParams.get('code_challenge_method'), 'S256');
    assert.match(target.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok((target.searchParams.get('state') ?? '').length >= 20);
    assert.ok((target.searchParams.get('nonce') ?? '').length >= 20);
    assert.equal(target.searchParams.get('redirect_uri'), 'https://nexus.test/keycloak-callback');
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /^__Host-hm_login=[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax/);
  });

  it('signs in, sets an opaque __Host- session cookie and returns to next', async () => {
    const { cookie, location } = await h.login(ADMIN, '/echo-svc/page?x=1');
    assert.equal(location, '/echo-svc/page?x=1');
    assert.match(cookie, /^__Host-hm_session=[A-Za-z0-9_-]{43}$/);
    const res = await h.fetch('/echo-svc/echo', { headers: { cookie } });
    assert.equal(res.statusCode, 200);
    const echo = (await res.body.json()) as { headers: Record<string, string> };
    assert.match(echo.headers['authorization'] ?? '', /^Bearer eyJ/);
  });

  it('sets the session cookie Secure, HttpOnly, SameSite=Lax, Path=/', async () => {
    h.identity.loginAs(TECH);
    const start = await h.fetch('/login');
    await start.body.dump();
    const authorize = await h.fetch(localPath(String(start.headers.location)));
    await authorize.body.dump();
    const callback = await h.fetch(localPath(String(authorize.headers.location)), {
      headers: { cookie: cookieFrom(start.headers, '__Host-hm_login') ?? '' },
    });
    await callback.body.dump();
    const all = ([] as string[]).concat(callback.headers['set-cookie'] ?? []);
    const session = all.find((value) => value.startsWith('__Host-hm_session='));
    assert.ok(session);
    assert.match(session, /; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
    assert.doesNotMatch(session, /Domain=/i);
  });

  for (const next of [
    '//evil.example/x',
    '/\\evil.example',
    'https://evil.example/',
    '/%2F%2Fevil.example',
    '/%5Cevil.example',
    'javascript:alert(1)',
    '/%09/evil.example',
    '/%252F%252Fevil.example',
  ]) {
    it(`keeps next=${next} on site`, async () => {
      const { location } = await h.login(ADMIN, next);
      assert.equal(location, '/');
    });
  }

  it('refuses a callback without the browser that started the login', async () => {
    const start = await h.fetch('/login');
    await start.body.dump();
    const authorize = await h.fetch(localPath(String(start.headers.location)));
    await authorize.body.dump();
    const res = await h.fetch(localPath(String(authorize.headers.location)), {
      headers: { accept: 'application/json' },
    });
    assert.equal(res.statusCode, 400);
    assert.equal(((await res.body.json()) as { code: string }).code, 'bad_request');
  });

  it('refuses a callback whose state was tampered with', async () => {
    const start = await h.fetch('/login');
    await start.body.dump();
    const authorize = await h.fetch(localPath(String(start.headers.location)));
    await authorize.body.dump();
    const back = new URL(String(authorize.headers.location));
    back.searchParams.set('state', 'forged');
    const res = await h.fetch(back.pathname + back.search, {
      headers: { cookie: cookieFrom(start.headers, '__Host-hm_login') ?? '', accept: 'application/json' },
    });
    assert.equal(res.statusCode, 400);
    await res.body.dump();
  });

  it('escapes a script payload in the callback error', async () => {
    const payload = '<script>alert(1)</script>';
    const res = await h.fetch(
      `/keycloak-callback?error=${encodeURIComponent(payload)}&error_description=${encodeURIComponent('<img src=x onerror=alert(2)>')}`,
      {
        headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' },
      },
    );
    const html = await res.body.text();
    assert.equal(res.statusCode, 401);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.doesNotMatch(html, /<script>alert|<img src=x/);
    assert.match(html, /&lt;script>alert\(1\)&lt;\/script>/);
    assert.match(html, /hivematrix\.css\?v=test-v1/, 'the error page is composed with the stylesheet');
    assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
  });
});
