/**
 * Logout: RP-initiated logout ends the identity session and its tokens, and every session end
 * (RP-initiated or by an admin) reaches the gateway as an OIDC Back-Channel Logout request whose
 * logout_token verifies against the realm's published keys.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import {
  authorize,
  formAction,
  hiddenValue,
  loginWithPassword,
  pkcePair,
  redirectTarget,
  startIdentity,
  type IdentityHarness,
} from './harness.js';

/** A relying party's back-channel logout endpoint: records every logout_token it is sent. */
interface FakeRp {
  url: string;
  tokens: string[];
  /** Resolves with the next logout_token received. */
  next(): Promise<string>;
  close(): Promise<void>;
}

async function startFakeRp(): Promise<FakeRp> {
  const tokens: string[] = [];
  let waiters: ((token: string) => void)[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (request.method !== 'POST' || token === null) {
        response.writeHead(400).end();
        return;
      }
      tokens.push(token);
      const current = waiters;
      waiters = [];
      for (const resolve of current) resolve(token);
      response.writeHead(200, { 'cache-control': 'no-store' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/backchannel-logout`,
    tokens,
    next: () => new Promise((resolve) => waiters.push(resolve)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('identity: logout', () => {
  let identity: IdentityHarness;
  let rp: FakeRp;
  let redirectUri: string;
  let postLogoutUri: string;

  before(async () => {
    rp = await startFakeRp();
    identity = await startIdentity({ clients: { gateway: { backchannelLogoutUri: rp.url } } });
    redirectUri = identity.gateway.redirectUris[0] ?? '';
    postLogoutUri = identity.gateway.postLogoutRedirectUris[0] ?? '';
  });
  after(async () => {
    await identity.close();
    await rp.close();
  });

  const login = (username: string, password: string) =>
    loginWithPassword({
      identity,
      clientId: identity.gateway.clientId,
      clientSecret: identity.gateway.clientSecret,
      redirectUri,
      username,
      password,
    });

  /** Verifies a logout_token as OIDC Back-Channel Logout 1.0 §2.6 says a relying party must. */
  async function verifyLogoutToken(token: string): Promise<JWTPayload> {
    const jwks = createRemoteJWKSet(new URL(`${identity.internalIssuer}/protocol/openid-connect/certs`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: identity.issuer,
      audience: identity.gateway.clientId,
      algorithms: ['RS256'],
      typ: 'logout+jwt',
    });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.deepEqual(payload.events, { 'http://schemas.openid.net/event/backchannel-logout': {} });
    assert.equal(payload.nonce, undefined, 'a logout token must not carry a nonce');
    assert.equal(typeof payload.jti, 'string');
    return payload;
  }

  async function userinfoStatus(accessToken: string): Promise<number> {
    const response = await fetch(`${identity.internalIssuer}/protocol/openid-connect/userinfo`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    await response.body?.cancel();
    return response.status;
  }

  it('ends the session on RP-initiated logout and tells the gateway over the back channel', async () => {
    const user = await identity.createUser({ username: 'leaver', password: 'leavers password 1' });
    const tokens = await login('leaver', 'leavers password 1');
    const idClaims = decodeJwt(tokens.id_token);

    const query = new URLSearchParams({
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: postLogoutUri,
      state: 'bye-123',
    });
    const logoutUrl = `${identity.issuer}/protocol/openid-connect/logout?${query}`;
    const page = await tokens.browser.get(logoutUrl);
    assert.equal(page.status, 200);
    const html = await page.text();
    // The gateway's own logout (proven by its id_token_hint) needs no confirmation.
    assert.match(html, /data-auto-submit="true"/);
    assert.match(html, /<script src="[^"]*\/keycloak\/resources\/hivematrix\/auto-submit\.js"><\/script>/);
    assert.doesNotMatch(html, /<style|style=/);

    const received = rp.next();
    const action = formAction(html, logoutUrl, 'xsrf');
    const confirmed = await tokens.browser.postForm(action, {
      xsrf: hiddenValue(html, 'xsrf'),
      logout: hiddenValue(html, 'logout'),
    });
    assert.equal(await redirectTarget(confirmed, action), `${postLogoutUri}?state=bye-123`);

    const logoutToken = await verifyLogoutToken(await received);
    assert.equal(logoutToken.sub, user.id);
    assert.equal(logoutToken.sid, idClaims.sid);

    // The session and everything issued in it are gone.
    assert.equal(await userinfoStatus(tokens.access_token), 401);
    const refresh = await fetch(`${identity.internalIssuer}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: identity.gateway.clientId,
        client_secret: identity.gateway.clientSecret,
      }),
    });
    assert.equal(refresh.status, 400);
    assert.equal(((await refresh.json()) as { error?: string }).error, 'invalid_grant');

    const { challenge } = pkcePair();
    const again = await authorize(identity, tokens.browser, {
      clientId: identity.gateway.clientId,
      redirectUri,
      challenge,
    });
    assert.equal(again.response.status, 200, 'a new authorization request asks for the password again');
    assert.match(await again.response.text(), /name="password"/);
  });

  it('asks for confirmation when the logout request does not prove which client sent it', async () => {
    await identity.createUser({ username: 'unsure', password: 'unsures password 1' });
    const tokens = await login('unsure', 'unsures password 1');
    const page = await tokens.browser.get(`${identity.issuer}/protocol/openid-connect/logout`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.doesNotMatch(html, /data-auto-submit/);
    assert.doesNotMatch(html, /<script/);
    assert.match(html, /name="logout" value="yes"/);
    assert.match(html, /No, stay signed in/);
  });

  it('refuses a post-logout redirect URI that is not registered', async () => {
    await identity.createUser({ username: 'wanderer', password: 'wanderers password' });
    const tokens = await login('wanderer', 'wanderers password');
    const query = new URLSearchParams({
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: 'https://evil.example/',
    });
    const response = await tokens.browser.get(`${identity.issuer}/protocol/openid-connect/logout?${query}`);
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    assert.match(await response.text(), /post_logout_redirect_uri not registered/);
  });

  it("ends every session of a user on the admin API's logout, with back-channel logout", async () => {
    const user = await identity.createUser({ username: 'kicked', password: 'kicked password 1' });
    const first = await login('kicked', 'kicked password 1');
    const second = await login('kicked', 'kicked password 1');

    const tokenResponse = await fetch(`${identity.internalIssuer}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${identity.admin.clientId}:${identity.admin.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    const { access_token: adminToken } = (await tokenResponse.json()) as { access_token: string };

    const before = rp.tokens.length;
    const response = await fetch(`${identity.baseUrl}/admin/realms/hivematrix/users/${user.id}/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(response.status, 204);
    // Both sessions were announced before the admin call returned.
    const delivered = rp.tokens.slice(before);
    assert.equal(delivered.length, 2);
    const sids = new Set<unknown>();
    for (const token of delivered) {
      const payload = await verifyLogoutToken(token);
      assert.equal(payload.sub, user.id);
      sids.add(payload.sid);
    }
    assert.deepEqual(sids, new Set([decodeJwt(first.id_token).sid, decodeJwt(second.id_token).sid]));
    assert.equal(await userinfoStatus(first.access_token), 401);
    assert.equal(await userinfoStatus(second.access_token), 401);
  });
});
