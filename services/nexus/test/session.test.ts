/**
 * Sessions after login: checked locally on every request (no call to core), refused once core's
 * feed revokes them, refreshed silently before they expire, ended by logout (with RP-initiated
 * logout and Clear-Site-Data) and by the identity provider's back-channel logout.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, generateKeyPair } from 'jose';
import { ADMIN, TECH, localPath, startNexus, type NexusHarness } from './harness.js';

const JSON_FETCH = { accept: 'application/json', 'sec-fetch-mode': 'cors' };
const NAVIGATE = { accept: 'text/html', 'sec-fetch-mode': 'navigate' };

async function echoToken(h: NexusHarness, cookie: string): Promise<string> {
  const res = await h.fetch('/echo-svc/echo', { headers: { cookie, ...JSON_FETCH } });
  assert.equal(res.statusCode, 200);
  const echo = (await res.body.json()) as { headers: Record<string, string> };
  return (echo.headers['authorization'] ?? '').replace(/^Bearer /, '');
}

describe('nexus: sessions', () => {
  let h: NexusHarness;
  before(async () => {
    h = await startNexus();
  });
  after(() => h.close());

  it('answers a fetch without session with 401 JSON and a navigation with a redirect to the login', async () => {
    const api = await h.fetch('/echo-svc/api/things?x=1', { headers: JSON_FETCH });
    assert.equal(api.statusCode, 401);
    assert.match(String(api.headers['content-type']), /^application\/problem\+json/);
    assert.equal(((await api.body.json()) as { code: string }).code, 'unauthorized');
    const page = await h.fetch('/echo-svc/page?x=1', { headers: NAVIGATE });
    await page.body.dump();
    assert.equal(page.statusCode, 302);
    assert.equal(page.headers.location, `/login?next=${encodeURIComponent('/echo-svc/page?x=1')}`);
  });

  it('ignores a forged or unknown session cookie', async () => {
    const res = await h.fetch('/echo-svc/echo', {
      headers: { cookie: '__Host-hm_session=' + 'A'.repeat(43), ...JSON_FETCH },
    });
    assert.equal(res.statusCode, 401);
    await res.body.dump();
  });

  it('makes no call to core per request', async () => {
    const { cookie } = await h.login(TECH);
    await echoToken(h, cookie);
    const before = {
      calls: [...h.core.calls.values()].reduce((a, b) => a + b, 0),
      jwks: h.core.core.jwksRequests,
      tokens: h.core.core.tokenRequests,
    };
    for (let i = 0; i < 20; i += 1) await echoToken(h, cookie);
    assert.deepEqual(
      {
        calls: [...h.core.calls.values()].reduce((a, b) => a + b, 0),
        jwks: h.core.core.jwksRequests,
        tokens: h.core.core.tokenRequests,
      },
      before,
    );
  });

  it('refuses a session on the next request once core revokes it (feed event)', async () => {
    const { cookie } = await h.login(TECH);
    const token = await echoToken(h, cookie);
    const jti = String(decodeJwt(token).jti);
    const revoked = new Promise<void>((resolve) => {
      const stop = h.feed.on('revoked', (id) => {
        if (id === jti) {
          stop();
          resolve();
        }
      });
    });
    h.core.core.revoke(jti); // published on the feed only: the gateway learns it from there
    await revoked;
    const res = await h.fetch('/echo-svc/echo', { headers: { cookie, ...JSON_FETCH } });
    assert.equal(res.statusCode, 401);
    await res.body.dump();
    const page = await h.fetch('/echo-svc/page', { headers: { cookie, ...NAVIGATE } });
    await page.body.dump();
    assert.equal(page.statusCode, 302);
    assert.match(String(page.headers.location), /^\/login\?next=/);
  });

  it('logs out: revokes at core, clears the cookie and site data, ends the identity session', async () => {
    const { cookie } = await h.login(ADMIN);
    const token = await echoToken(h, cookie);
    const jti = String(decodeJwt(token).jti);
    const res = await h.fetch('/logout', {
      method: 'POST',
      headers: { cookie, origin: h.url, 'sec-fetch-site': 'same-origin' },
    });
    await res.body.dump();
    assert.equal(res.statusCode, 303);
    const end = new URL(String(res.headers.location));
    assert.equal(end.origin + end.pathname, `${h.identity.issuer}/protocol/openid-connect/logout`);
    assert.ok(end.searchParams.get('id_token_hint'));
    assert.equal(end.searchParams.get('post_logout_redirect_uri'), 'https://nexus.test/');
    assert.equal(res.headers['clear-site-data'], '"cache", "storage"');
    assert.match(
      String(res.headers['set-cookie']),
      /__Host-hm_session=; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=0/,
    );
    assert.equal(h.core.sessions.get(jti)?.revoked, true);
    const old = await h.fetch('/echo-svc/echo', { headers: { cookie, ...JSON_FETCH } });
    assert.equal(old.statusCode, 401, 'the old cookie is rejected');
    await old.body.dump();

    // The provider ends its session and sends the browser back to / with our state.
    const back = await h.fetch(localPath(String(res.headers.location)));
    await back.body.dump();
    const landing = await h.fetch(localPath(String(back.headers.location)), { headers: NAVIGATE });
    await landing.body.dump();
    assert.equal(landing.statusCode, 302);
    assert.equal(landing.headers.location, '/login');
    assert.equal(landing.headers['clear-site-data'], '"cache", "cookies", "storage"');
  });

  it('asks before a cross-site GET /logout ends the session', async () => {
    const { cookie } = await h.login(TECH);
    const res = await h.fetch('/logout', { headers: { cookie, ...NAVIGATE, 'sec-fetch-site': 'cross-site' } });
    const html = await res.body.text();
    assert.equal(res.statusCode, 200);
    assert.match(html, /<form method="post" action="\/logout">/);
    await echoToken(h, cookie); // still signed in
  });

  it('ends the matching sessions on a valid back-channel logout token', async () => {
    const { cookie } = await h.login(TECH);
    const jti = String(decodeJwt(await echoToken(h, cookie)).jti);
    const sid = h.core.sessions.get(jti)?.sid;
    assert.ok(sid);
    const post = (token: string) =>
      h.fetch('/backchannel-logout', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: token }).toString(),
      });

    const foreign = await generateKeyPair('RS256');
    for (const bad of [
      await h.identity.logoutToken({ sid, nonce: 'n' }),
      await h.identity.logoutToken({ sid, aud: 'someone-else' }),
      await h.identity.logoutToken({ sid, events: undefined }),
      await h.identity.logoutToken({ sid: undefined, sub: undefined }),
      await h.identity.logoutToken({ sid }, { key: foreign.privateKey }),
      'not-a-jwt',
    ]) {
      const res = await post(bad);
      assert.equal(res.statusCode, 400);
      assert.equal(((await res.body.json()) as { error: string }).error, 'invalid_request');
    }
    await echoToken(h, cookie); // none of those ended anything

    const valid = await h.identity.logoutToken({ sid, sub: TECH.sub });
    const ok = await post(valid);
    await ok.body.dump();
    assert.equal(ok.statusCode, 200);
    assert.equal(h.core.sessions.get(jti)?.revoked, true, 'core revoked the identity session');
    const res = await h.fetch('/echo-svc/echo', { headers: { cookie, ...JSON_FETCH } });
    assert.equal(res.statusCode, 401);
    await res.body.dump();
    const replay = await post(valid);
    assert.equal(replay.statusCode, 400, 'a replayed logout token is refused');
    await replay.body.dump();
  });
});

describe('nexus: silent refresh', () => {
  let h: NexusHarness;
  let offsetMs = 0;
  before(async () => {
    h = await startNexus({ now: () => Date.now() + offsetMs });
  });
  after(() => h.close());

  it('refreshes the platform token at core shortly before it expires, once', async () => {
    const { cookie } = await h.login(TECH);
    const first = await echoToken(h, cookie);
    offsetMs = 3_500_000; // 100 s before the token expires (refresh window: 5 min)
    const second = await echoToken(h, cookie);
    assert.notEqual(second, first);
    assert.equal(decodeJwt(second).jti, decodeJwt(first).jti, 'same core session');
    assert.equal(h.core.calls.get('/api/token/refresh'), 1);
    await echoToken(h, cookie);
    assert.equal(h.core.calls.get('/api/token/refresh'), 1, 'the fresh token needs no refresh');
  });

  it('drops the session when core refuses the refresh', async () => {
    offsetMs = 0;
    const { cookie } = await h.login(TECH);
    const jti = String(decodeJwt(await echoToken(h, cookie)).jti);
    const session = h.core.sessions.get(jti);
    assert.ok(session);
    session.revoked = true; // ended at core, not (yet) on the feed
    offsetMs = 3_500_000;
    const res = await h.fetch('/echo-svc/echo', { headers: { cookie, ...JSON_FETCH } });
    assert.equal(res.statusCode, 401);
    await res.body.dump();
  });
});
