/**
 * Login to revocation, end to end: an identity access token (and id token) is exchanged by the
 * gateway, the platform JWT validates and a service protected by the SDK accepts it; after the
 * revocation, validate says so and that service rejects the token within a second.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair } from 'jose';
import { createTokenIssuer } from '../src/domain/tokens.js';
import { startCore, peekClaims, peekHeader, type CoreHarness } from './harness.js';
import { startProtectedService, type ProtectedService } from './protected-service.js';

const json = (body: string): Record<string, unknown> => JSON.parse(body) as Record<string, unknown>;

describe('core: token exchange, validation and revocation end to end', () => {
  let core: CoreHarness;
  let service: ProtectedService;
  before(async () => {
    core = await startCore();
    service = await startProtectedService(core.url, 'template', core.secrets['template'] ?? '');
  });
  after(async () => {
    await service.close();
    await core.close();
  });

  it('exchanges an identity login for a platform token a protected service accepts, then revokes it everywhere', async () => {
    const sub = 'user-admin-1';
    const accessToken = core.identity.issueAccessToken({
      sub,
      preferred_username: 'ada',
      name: 'Ada L',
      email: 'ada@example.test',
      groups: ['/admins', '/billing'],
    });
    const idToken = await core.identity.mintIdToken({ sub, sid: 'idp-session-1' });
    const res = await core.post(
      '/api/token/exchange',
      { access_token: accessToken, id_token: idToken },
      await core.serviceToken('nexus'),
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    const body = json(res.body) as { token: string; expires_in: number; session_id: string };
    assert.equal(body.expires_in, 3600);

    const header = peekHeader(body.token);
    assert.equal(header['alg'], 'RS256');
    assert.equal(header['kid'], core.keys.signer().kid);
    const claims = peekClaims(body.token);
    assert.equal(claims['iss'], 'hivematrix-core');
    assert.equal(claims['aud'], 'hivematrix');
    assert.equal(claims['sub'], sub);
    assert.equal(claims['jti'], body.session_id);
    assert.equal(claims['permission_level'], 'admin');
    assert.deepEqual(claims['groups'], ['admins', 'billing']);
    assert.equal(claims['preferred_username'], 'ada');
    assert.equal(Number(claims['exp']) - Number(claims['iat']), 3600);
    const session = await core.store.get(body.session_id);
    assert.equal(session?.identitySid, 'idp-session-1', 'the identity session id is kept for back-channel logout');

    const validated = json((await core.post('/api/token/validate', { token: body.token })).body);
    assert.equal(validated['valid'], true);
    assert.equal((validated['claims'] as { sub: string }).sub, sub);

    const accepted = await service.call(body.token);
    assert.equal(accepted.status, 200);
    assert.deepEqual(accepted.body, { sub, level: 'admin' });

    const rejection = service.revokedWithin(body.session_id, 1000);
    const revoked = await core.post('/api/token/revoke', { token: body.token });
    assert.equal(revoked.statusCode, 200);
    assert.deepEqual(json(revoked.body), { revoked: true });
    const latencyMs = await rejection;
    assert.ok(latencyMs < 1000);

    assert.deepEqual(json((await core.post('/api/token/validate', { token: body.token })).body), {
      valid: false,
      reason: 'revoked',
    });
    const refused = await service.call(body.token);
    assert.equal(refused.status, 401);
    assert.equal(refused.body['code'], 'token_revoked');

    const again = await core.post('/api/token/revoke', { token: body.token });
    assert.deepEqual(json(again.body), { revoked: false, reason: 'already_revoked' });
  });

  it('maps groups to permission levels, first match wins, with or without the leading slash', async () => {
    const cases: [string[], string][] = [
      [['/technicians', '/admins'], 'admin'],
      [['technicians', 'billing'], 'technician'],
      [['/billing'], 'billing'],
      [['/client'], 'client'],
      [[], 'client'],
    ];
    for (const [groups, level] of cases) {
      const { token } = await core.login({ groups });
      assert.equal(peekClaims(token)['permission_level'], level, groups.join(','));
    }
  });

  it('accepts an exchange without an id token (no identity session kept)', async () => {
    const { session_id } = await core.login({}, { withIdToken: false });
    assert.equal((await core.store.get(session_id))?.identitySid, null);
  });

  it('answers 401 token_invalid when identity refuses the access token', async () => {
    const res = await core.post(
      '/api/token/exchange',
      { access_token: 'not-a-token-identity-issued' },
      await core.serviceToken('nexus'),
    );
    assert.equal(res.statusCode, 401);
    assert.equal(json(res.body)['code'], 'token_invalid');
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  });

  it('refuses an id token that is forged, for another client, from another issuer, expired or for another user', async () => {
    const sub = 'user-idt';
    const nexus = await core.serviceToken('nexus');
    const { privateKey: foreign } = await generateKeyPair('RS256');
    const bad = [
      await core.identity.mintIdToken({ sub, signWith: foreign }),
      await core.identity.mintIdToken({ sub, aud: 'another-client' }),
      await core.identity.mintIdToken({ sub, aud: ['another-client', 'core-client'] }),
      await core.identity.mintIdToken({ sub, iss: 'https://evil.example/realms/hivematrix' }),
      await core.identity.mintIdToken({ sub, expiresIn: -600 }),
      await core.identity.mintIdToken({ sub: 'someone-else' }),
    ];
    for (const idToken of bad) {
      const accessToken = core.identity.issueAccessToken({ sub });
      const res = await core.post('/api/token/exchange', { access_token: accessToken, id_token: idToken }, nexus);
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(json(res.body)['code'], 'token_invalid');
    }
  });

  it('lets only the gateway exchange: no token 401, another service 403, a user 403', async () => {
    const accessToken = core.identity.issueAccessToken({ sub: 'u' });
    assert.equal((await core.post('/api/token/exchange', { access_token: accessToken })).statusCode, 401);
    const codex = await core.post(
      '/api/token/exchange',
      { access_token: accessToken },
      await core.serviceToken('codex'),
    );
    assert.equal(codex.statusCode, 403);
    assert.equal(json(codex.body)['code'], 'service_not_allowed');
    const { token } = await core.login({ groups: ['/admins'] });
    assert.equal((await core.post('/api/token/exchange', { access_token: accessToken }, token)).statusCode, 403);
  });

  it('rejects a missing access token with 400 naming the field', async () => {
    const res = await core.post('/api/token/exchange', {}, await core.serviceToken('nexus'));
    assert.equal(res.statusCode, 400);
    assert.equal(json(res.body)['code'], 'validation_failed');
  });

  it('still revokes the session of an expired but genuine token', async () => {
    const { token, session_id } = await core.login();
    const session = await core.store.get(session_id);
    assert.ok(session);
    // The same session, minted as if an hour and a half ago: genuine, expired.
    const issuer = createTokenIssuer({ keys: core.keys, now: () => Date.now() - 5400_000, newId: () => 'x' });
    const expired = await issuer.mintUserToken(session, Math.floor(Date.now() / 1000) - 1800);
    assert.deepEqual(json((await core.post('/api/token/validate', { token: expired.token })).body), {
      valid: false,
      reason: 'expired',
    });
    assert.deepEqual(json((await core.post('/api/token/revoke', { token: expired.token })).body), { revoked: true });
    assert.deepEqual(json((await core.post('/api/token/validate', { token })).body), {
      valid: false,
      reason: 'revoked',
    });
  });

  it('answers 401 to a revoke with an invalid signature', async () => {
    const { token } = await core.login();
    const [h, p, s] = token.split('.');
    const tampered = `${h}.${p}.${(s ?? '').slice(0, -4)}AAAA`;
    const res = await core.post('/api/token/revoke', { token: tampered });
    assert.equal(res.statusCode, 401);
    assert.equal(json(res.body)['code'], 'token_invalid');
  });
});

describe('core: identity outages', () => {
  it('answers 503 when identity fails or is down, never blaming the user', async () => {
    const core = await startCore();
    try {
      const nexus = await core.serviceToken('nexus');
      const accessToken = core.identity.issueAccessToken({ sub: 'u' });
      core.identity.failWith(500);
      const failing = await core.post('/api/token/exchange', { access_token: accessToken }, nexus);
      assert.equal(failing.statusCode, 503);
      assert.equal(json(failing.body)['code'], 'service_unavailable');
      assert.ok(Number(failing.headers['retry-after']) >= 1);
      core.identity.failWith(null);
      await core.identity.close();
      const down = await core.post('/api/token/exchange', { access_token: accessToken }, nexus);
      assert.equal(down.statusCode, 503);
    } finally {
      await core.close();
    }
  });
});
