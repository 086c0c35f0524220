/**
 * The authorization code + PKCE flow end to end over HTTP: discovery on the public issuer, the
 * login form, the code exchange, the claims in the ID token and at userinfo, refresh, and the
 * protocol errors (wrong secret, missing PKCE, unregistered redirect URI).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { authorize, loginWithPassword, pkcePair, startIdentity, type IdentityHarness } from './harness.js';

describe('identity: OpenID Connect flow', () => {
  let identity: IdentityHarness;
  let redirectUri: string;

  before(async () => {
    identity = await startIdentity();
    redirectUri = identity.gateway.redirectUris[0] ?? '';
  });
  after(async () => identity.close());

  const login = (username: string, password: string) =>
    loginWithPassword({
      identity,
      clientId: identity.gateway.clientId,
      clientSecret: identity.gateway.clientSecret,
      redirectUri,
      username,
      password,
    });

  it('publishes discovery with Keycloak endpoint names on the issuer', async () => {
    const response = await fetch(`${identity.internalIssuer}/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    const discovery = (await response.json()) as Record<string, unknown>;
    assert.equal(discovery.issuer, identity.issuer);
    const endpoint = (name: string) => `${identity.issuer}/protocol/openid-connect/${name}`;
    assert.equal(discovery.authorization_endpoint, endpoint('auth'));
    assert.equal(discovery.token_endpoint, endpoint('token'));
    assert.equal(discovery.userinfo_endpoint, endpoint('userinfo'));
    assert.equal(discovery.jwks_uri, endpoint('certs'));
    assert.equal(discovery.end_session_endpoint, endpoint('logout'));
    assert.equal(discovery.revocation_endpoint, endpoint('revoke'));
    assert.equal(discovery.introspection_endpoint, endpoint('token/introspect'));
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
    assert.equal(discovery.backchannel_logout_supported, true);
    assert.equal(discovery.backchannel_logout_session_supported, true);
  });

  it('logs a user in with code + PKCE and releases the claims core needs', async () => {
    const user = await identity.createUser({
      username: 'Alice.Tech',
      password: 'correct horse battery',
      email: 'Alice@Example.com',
      firstName: 'Alice',
      lastName: 'Tech',
      groups: ['technicians', 'billing'],
    });
    const tokens = await login('alice.tech', 'correct horse battery');
    assert.equal(tokens.tokens.token_type, 'Bearer');

    const jwks = createRemoteJWKSet(new URL(`${identity.internalIssuer}/protocol/openid-connect/certs`));
    const { payload } = await jwtVerify(tokens.id_token, jwks, {
      issuer: identity.issuer,
      audience: identity.gateway.clientId,
    });
    assert.equal(decodeProtectedHeader(tokens.id_token).alg, 'RS256');
    assert.equal(payload.sub, user.id);
    assert.equal(payload.preferred_username, 'alice.tech');
    assert.equal(payload.email, 'alice@example.com');
    assert.equal(payload.name, 'Alice Tech');
    assert.equal(payload.given_name, 'Alice');
    assert.equal(payload.family_name, 'Tech');
    assert.deepEqual(payload.groups, ['billing', 'technicians']);
    assert.equal(typeof payload.sid, 'string', 'the id_token carries sid for back-channel logout');

    const userinfo = await fetch(`${identity.internalIssuer}/protocol/openid-connect/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(userinfo.status, 200);
    const claims = (await userinfo.json()) as Record<string, unknown>;
    assert.equal(claims.sub, user.id);
    assert.equal(claims.preferred_username, 'alice.tech');
    assert.equal(claims.email, 'alice@example.com');
    assert.equal(claims.name, 'Alice Tech');
    assert.deepEqual(claims.groups, ['billing', 'technicians']);
    assert.equal(claims.sid, payload.sid, 'userinfo tells the same sid as the id_token');
  });

  it("releases groups even when only the classic scopes are asked for (as Keycloak's group mapper does)", async () => {
    await identity.createUser({ username: 'bob', password: 'bobs password 123', groups: ['admins'] });
    const tokens = await loginWithPassword({
      identity,
      clientId: identity.gateway.clientId,
      clientSecret: identity.gateway.clientSecret,
      redirectUri,
      username: 'bob',
      password: 'bobs password 123',
      scope: 'openid email profile',
    });
    const userinfo = await fetch(`${identity.internalIssuer}/protocol/openid-connect/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const claims = (await userinfo.json()) as Record<string, unknown>;
    assert.deepEqual(claims.groups, ['admins']);
    assert.equal(claims.name, 'bob');
  });

  it('refreshes tokens with the refresh token', async () => {
    await identity.createUser({ username: 'carol', password: 'carols password 1' });
    const tokens = await login('carol', 'carols password 1');
    const response = await fetch(`${identity.internalIssuer}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: identity.gateway.clientId,
        client_secret: identity.gateway.clientSecret,
      }),
    });
    assert.equal(response.status, 200);
    const refreshed = (await response.json()) as Record<string, unknown>;
    assert.equal(typeof refreshed.access_token, 'string');
    assert.notEqual(refreshed.access_token, tokens.access_token);
  });

  it('introspects and revokes tokens for the client that holds them', async () => {
    const user = await identity.createUser({ username: 'frank', password: 'franks password 1' });
    const tokens = await login('frank', 'franks password 1');
    const basic = `Basic ${Buffer.from(`${identity.gateway.clientId}:${identity.gateway.clientSecret}`).toString('base64')}`;
    const introspect = async (): Promise<{ active: boolean; sub?: string }> => {
      const response = await fetch(`${identity.internalIssuer}/protocol/openid-connect/token/introspect`, {
        method: 'POST',
        headers: { authorization: basic },
        body: new URLSearchParams({ token: tokens.access_token }),
      });
      return (await response.json()) as { active: boolean; sub?: string };
    };
    const active = await introspect();
    assert.equal(active.active, true);
    assert.equal(active.sub, user.id);
    const revoked = await fetch(`${identity.internalIssuer}/protocol/openid-connect/revoke`, {
      method: 'POST',
      headers: { authorization: basic },
      body: new URLSearchParams({ token: tokens.access_token, token_type_hint: 'access_token' }),
    });
    assert.equal(revoked.status, 200);
    assert.equal((await introspect()).active, false);
    const userinfo = await fetch(`${identity.internalIssuer}/protocol/openid-connect/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(userinfo.status, 401);
  });

  it('refuses the code exchange with a wrong client secret', async () => {
    await identity.createUser({ username: 'dave', password: 'daves password 1' });
    await assert.rejects(
      loginWithPassword({
        identity,
        clientId: identity.gateway.clientId,
        clientSecret: 'not-the-secret-but-long-enough-0123456789',
        redirectUri,
        username: 'dave',
        password: 'daves password 1',
      }),
      /token endpoint answered 401: .*invalid_client/,
    );
  });

  it('requires PKCE: an authorization request without code_challenge is sent back with an error', async () => {
    const browser = identity.browser();
    const step = await authorize(identity, browser, { clientId: identity.gateway.clientId, redirectUri });
    const callback = new URL(step.url);
    assert.ok(step.url.startsWith(redirectUri), step.url);
    assert.equal(callback.searchParams.get('error'), 'invalid_request');
    assert.match(callback.searchParams.get('error_description') ?? '', /PKCE/);
    assert.equal(callback.searchParams.get('code'), null);
  });

  it('does not redirect to an unregistered redirect_uri: it shows an error page', async () => {
    const browser = identity.browser();
    const { challenge } = pkcePair();
    const step = await authorize(identity, browser, {
      clientId: identity.gateway.clientId,
      redirectUri: 'https://evil.example/callback',
      challenge,
    });
    assert.equal(step.response.status, 400);
    assert.equal(step.response.headers.get('location'), null);
    const page = await step.response.text();
    assert.match(page, /redirect_uri did not match/);
    assert.doesNotMatch(page, /evil\.example/);
  });

  it('answers a browser that is already signed in without asking again (SSO)', async () => {
    await identity.createUser({ username: 'erin', password: 'erins password 1' });
    const first = await login('erin', 'erins password 1');
    const { challenge } = pkcePair();
    const again = await authorize(identity, first.browser, {
      clientId: identity.gateway.clientId,
      redirectUri,
      challenge,
    });
    assert.ok(new URL(again.url).searchParams.has('code'), again.url);
  });
});

describe('identity: public issuer', () => {
  let identity: IdentityHarness;
  before(async () => {
    identity = await startIdentity({ issuerBase: 'https://gateway.example.test:8443' });
  });
  after(async () => identity.close());

  it('emits the public issuer whatever host and forwarded headers a request carries', async () => {
    const response = await fetch(`${identity.internalIssuer}/.well-known/openid-configuration`, {
      headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' },
    });
    const discovery = (await response.json()) as Record<string, string>;
    assert.equal(discovery.issuer, 'https://gateway.example.test:8443/keycloak/realms/hivematrix');
    assert.equal(
      discovery.authorization_endpoint,
      'https://gateway.example.test:8443/keycloak/realms/hivematrix/protocol/openid-connect/auth',
    );
    assert.equal(
      discovery.token_endpoint,
      'https://gateway.example.test:8443/keycloak/realms/hivematrix/protocol/openid-connect/token',
    );
  });

  it('redirects to the login page on the public origin', async () => {
    const { challenge } = pkcePair();
    const query = new URLSearchParams({
      client_id: identity.gateway.clientId,
      redirect_uri: identity.gateway.redirectUris[0] ?? '',
      response_type: 'code',
      scope: 'openid',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const response = await fetch(`${identity.internalIssuer}/protocol/openid-connect/auth?${query}`, {
      redirect: 'manual',
    });
    assert.equal(response.status, 303);
    assert.match(
      response.headers.get('location') ?? '',
      /^https:\/\/gateway\.example\.test:8443\/keycloak\/realms\/hivematrix\/login-actions\/[\w-]+$/,
    );
    // Secure cookies on an https issuer, scoped to the realm.
    const cookies = response.headers.getSetCookie().join('\n');
    assert.match(cookies, /hm_idp_interaction=[^;]+;.*secure/i);
  });
});

describe('identity: several instances on one database', () => {
  let first: IdentityHarness;
  let second: IdentityHarness;
  before(async () => {
    first = await startIdentity({ issuerBase: 'https://id.example.test' });
    second = await startIdentity({ issuerBase: 'https://id.example.test', sharedWith: first });
  });
  after(async () => {
    await second.close();
    await first.close();
  });

  it('shares sessions, tokens and keys, so the other instance (or a restarted one) serves a login made on one', async () => {
    const user = await first.createUser({ username: 'roamer', password: 'roamers password' });
    const redirectUri = first.gateway.redirectUris[0] ?? '';
    const tokens = await loginWithPassword({
      identity: first,
      clientId: first.gateway.clientId,
      clientSecret: first.gateway.clientSecret,
      redirectUri,
      username: 'roamer',
      password: 'roamers password',
    });

    const userinfo = await fetch(`${second.internalIssuer}/protocol/openid-connect/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(userinfo.status, 200);
    assert.equal(((await userinfo.json()) as { sub: string }).sub, user.id);

    const jwks = createRemoteJWKSet(new URL(`${second.internalIssuer}/protocol/openid-connect/certs`));
    await jwtVerify(tokens.id_token, jwks, { issuer: second.issuer, audience: second.gateway.clientId });

    // The browser's session cookie (signed with the shared cookie keys) is good on the other instance.
    const { challenge } = pkcePair();
    const sso = await authorize(
      second,
      tokens.browser.via((url) => second.toInternal(url)),
      { clientId: second.gateway.clientId, redirectUri, challenge },
    );
    assert.ok(new URL(sso.url).searchParams.has('code'), sso.url);
  });
});
