/**
 * Issue 3's end-to-end contract with the real parts, in-process: a user logs in at the real
 * identity provider (authorization code + PKCE, forms posted as a browser would), the gateway's
 * exchange at the real core turns the identity tokens into a platform JWT, a service protected by
 * the SDK accepts it, and after a revoke core says so and the service refuses within a second.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loginWithPassword, startIdentity, type IdentityHarness } from '../../identity/test/harness.js';
import { startCore, type CoreHarness } from './harness.js';
import { startProtectedService, type ProtectedService } from './protected-service.js';

describe('identity + core + an SDK service, for real', () => {
  let identity: IdentityHarness;
  let core: CoreHarness;
  let service: ProtectedService;

  before(async () => {
    identity = await startIdentity();
    core = await startCore({
      env: {
        IDENTITY_INTERNAL_URL: identity.internalIssuer,
        IDENTITY_ISSUER: identity.issuer,
        IDENTITY_CLIENT_ID: identity.gateway.clientId,
      },
    });
    service = await startProtectedService(core.url, 'template', core.secrets.template ?? '');
  });
  after(async () => {
    await service.close();
    await core.close();
    await identity.close();
  });

  it('logs in, exchanges, is accepted, and is refused within a second after revoke', async () => {
    await identity.createUser({
      username: 'tess',
      password: 'correct horse battery staple',
      groups: ['technicians'],
      email: 'tess@example.test',
    });
    const login = await loginWithPassword({
      identity,
      clientId: identity.gateway.clientId,
      clientSecret: identity.gateway.clientSecret,
      redirectUri: identity.gateway.redirectUris[0] ?? '',
      username: 'tess',
      password: 'correct horse battery staple',
    });

    const nexusToken = await core.serviceToken('nexus');
    const exchanged = await core.post(
      '/api/token/exchange',
      { access_token: login.access_token, id_token: login.id_token },
      nexusToken,
    );
    assert.equal(exchanged.statusCode, 200, exchanged.body);
    const { token, session_id } = JSON.parse(exchanged.body) as { token: string; session_id: string };

    const validated = await core.post('/api/token/validate', { token });
    const validation = JSON.parse(validated.body) as { valid: boolean; claims: Record<string, unknown> };
    assert.equal(validation.valid, true);
    assert.equal(validation.claims.preferred_username, 'tess');
    assert.equal(validation.claims.permission_level, 'technician');
    assert.deepEqual(validation.claims.groups, ['technicians']);
    assert.equal(validation.claims.jti, session_id);

    const accepted = await service.call(token);
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.level, 'technician');

    const revoked = await core.post('/api/token/revoke', { token }, nexusToken);
    assert.equal(revoked.statusCode, 200, revoked.body);
    const afterRevoke = JSON.parse((await core.post('/api/token/validate', { token })).body) as {
      valid: boolean;
      reason: string;
    };
    assert.deepEqual(afterRevoke, { valid: false, reason: 'revoked' });

    const elapsed = await service.revokedWithin(session_id, 1000);
    assert.ok(elapsed < 1000, `revocation reached the service after ${elapsed} ms`);
    assert.equal((await service.call(token)).status, 401);
  });

  it('refuses to exchange an identity token that is not genuine', async () => {
    const nexusToken = await core.serviceToken('nexus');
    const res = await core.post('/api/token/exchange', { access_token: 'not-a-real-access-token' }, nexusToken);
    assert.equal(res.statusCode, 401, res.body);
  });
});
