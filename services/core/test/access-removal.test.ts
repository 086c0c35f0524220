/**
 * Issue 12, "taking access away", with the real parts in-process: identity (its admin API tells
 * core of every access change with its service token), core (checking users at identity's admin
 * API on refresh, sessions in PostgreSQL) and an SDK-protected service following the revocation
 * feed. Before this, a disabled or demoted user kept their platform session, at their old level,
 * until the core session's 12 h were up.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { createServiceClient, type ServiceClient } from '@hivematrix/sdk';
import { addMembership, findGroupsByName, removeMembership } from '../../identity/src/db/groups.js';
import { oidcPayloads } from '../../identity/src/db/schema.js';
import { updateUser } from '../../identity/src/db/users.js';
import { loginWithPassword, startIdentity, type IdentityHarness } from '../../identity/test/harness.js';
import { createLogger } from '@hivematrix/sdk';
import { recheckSessions } from '../src/domain/user-recheck.js';
import { createUserStatusClient } from '../src/domain/user-status.js';
import { openCoreTestDatabase, type CoreTestDatabase } from './database.js';
import { peekClaims, startCore, type CoreHarness } from './harness.js';
import { startProtectedService, type ProtectedService } from './protected-service.js';

const PASSWORD = 'correct horse battery staple';

describe('taking access away reaches platform sessions', () => {
  let identity: IdentityHarness;
  let core: CoreHarness;
  let database: CoreTestDatabase;
  let service: ProtectedService;
  let coreClient: ServiceClient | undefined;
  let adminToken: string;
  let counter = 0;

  before(async () => {
    database = await openCoreTestDatabase('access');
    // Identity is built before core exists (core needs identity's URL); its client binds later.
    identity = await startIdentity({
      coreClient: {
        call: (...args: Parameters<ServiceClient['call']>) => {
          if (coreClient === undefined) throw new Error('core is not started yet');
          return coreClient.call(...args);
        },
      },
    });
    core = await startCore({
      database,
      env: {
        IDENTITY_INTERNAL_URL: identity.internalIssuer,
        IDENTITY_ISSUER: identity.issuer,
        IDENTITY_CLIENT_ID: identity.gateway.clientId,
        IDENTITY_ADMIN_CLIENT_ID: identity.admin.clientId,
        IDENTITY_ADMIN_CLIENT_SECRET: identity.admin.clientSecret,
        // Rounds are run by hand below, so none races a test's own steps.
        IDENTITY_RECHECK_MS: '0',
      },
    });
    coreClient = createServiceClient({
      serviceName: 'identity',
      secret: core.secrets.identity ?? '',
      coreUrl: core.url,
      services: {},
    });
    service = await startProtectedService(core.url, 'template', core.secrets.template ?? '');
    const tokenResponse = await fetch(`${identity.internalIssuer}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: identity.admin.clientId,
        client_secret: identity.admin.clientSecret,
      }),
    });
    adminToken = ((await tokenResponse.json()) as { access_token: string }).access_token;
  });
  after(async () => {
    await service.close();
    await core.close();
    await identity.close();
    await database.drop();
  });

  /** A new user in `groups`, signed in through the gateway's exchange. */
  async function signedIn(groups: string[]): Promise<{ id: string; token: string; session: string }> {
    counter += 1;
    const username = `user${counter}-${Date.now()}`;
    const user = await identity.createUser({ username, password: PASSWORD, groups });
    const login = await loginWithPassword({
      identity,
      clientId: identity.gateway.clientId,
      clientSecret: identity.gateway.clientSecret,
      redirectUri: identity.gateway.redirectUris[0] ?? '',
      username,
      password: PASSWORD,
    });
    const exchanged = await core.post(
      '/api/token/exchange',
      { access_token: login.access_token, id_token: login.id_token },
      await core.serviceToken('nexus'),
    );
    assert.equal(exchanged.statusCode, 200, exchanged.body);
    const { token, session_id } = JSON.parse(exchanged.body) as { token: string; session_id: string };
    assert.equal((await service.call(token)).status, 200);
    return { id: user.id, token, session: session_id };
  }

  async function admin(method: string, path: string, body?: unknown): Promise<number> {
    const response = await fetch(`${identity.baseUrl}/admin/realms/hivematrix${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    await response.body?.cancel();
    return response.status;
  }

  async function refresh(token: string) {
    return core.post('/api/token/refresh', { token }, await core.serviceToken('nexus'));
  }

  async function groupId(name: string): Promise<string> {
    const [group] = await findGroupsByName(identity.db, [name]);
    assert.ok(group);
    return group.id;
  }

  it("disabling a user at identity's admin API ends their platform session within a second", async () => {
    const user = await signedIn(['technicians']);
    assert.equal(await admin('PUT', `/users/${user.id}`, { enabled: false }), 204);
    const elapsed = await service.revokedWithin(user.session, 1000);
    assert.ok(elapsed < 1000);
    assert.equal((await service.call(user.token)).status, 401);
    assert.equal((await refresh(user.token)).statusCode, 401);
  });

  it('deleting a user and resetting a password end their platform sessions within a second', async () => {
    const deleted = await signedIn(['technicians']);
    assert.equal(await admin('DELETE', `/users/${deleted.id}`), 204);
    assert.ok((await service.revokedWithin(deleted.session, 1000)) < 1000);
    const reset = await signedIn(['billing']);
    assert.equal(
      await admin('PUT', `/users/${reset.id}/reset-password`, {
        type: 'password',
        value: 'another long password',
        temporary: false,
      }),
      204,
    );
    assert.ok((await service.revokedWithin(reset.session, 1000)) < 1000);
  });

  it('removing an admin from admins at the admin API revokes their admin token within a second', async () => {
    const user = await signedIn(['admins']);
    assert.equal(peekClaims(user.token).permission_level, 'admin');
    assert.equal(await admin('DELETE', `/users/${user.id}/groups/${await groupId('admins')}`), 204);
    assert.ok((await service.revokedWithin(user.session, 1000)) < 1000);
    assert.equal((await service.call(user.token)).status, 401);
  });

  it("a refresh re-derives the level from identity's groups even when no one told core", async () => {
    const user = await signedIn(['admins']);
    // Straight in identity's database: no admin API, so no notification (as a change core missed).
    await removeMembership(identity.db, user.id, await groupId('admins'));
    await addMembership(identity.db, user.id, await groupId('technicians'));
    const refreshed = await refresh(user.token);
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    const claims = peekClaims((JSON.parse(refreshed.body) as { token: string }).token);
    assert.equal(claims.permission_level, 'technician');
    assert.deepEqual(claims.groups, ['technicians']);
    assert.equal(claims.jti, user.session, 'the session goes on at the new level');
  });

  it("a refresh refuses a user disabled behind core's back, and revokes the session", async () => {
    const user = await signedIn(['technicians']);
    await updateUser(identity.db, user.id, { enabled: false });
    const refused = await refresh(user.token);
    assert.equal(refused.statusCode, 401, refused.body);
    assert.ok((await service.revokedWithin(user.session, 1000)) < 1000);
  });

  it("a re-check round ends the sessions of users changed behind core's back (a real Keycloak's console)", async () => {
    const demoted = await signedIn(['admins']);
    const regrouped = await signedIn(['technicians']);
    const unchanged = await signedIn(['technicians']);
    const disabled = await signedIn(['billing']);
    await removeMembership(identity.db, demoted.id, await groupId('admins'));
    // A group that grants no other level leaves the token as it is.
    await addMembership(identity.db, regrouped.id, await groupId('billing'));
    await updateUser(identity.db, disabled.id, { enabled: false });
    const revoked = await recheckSessions({
      store: core.store,
      userStatus: createUserStatusClient({
        internalUrl: identity.internalIssuer,
        clientId: identity.admin.clientId,
        clientSecret: identity.admin.clientSecret,
        timeoutMs: 2000,
        now: Date.now,
      }),
      now: Date.now,
      refreshGraceSec: 300,
      logger: createLogger({ service: 'core', level: 'silent' }),
    });
    assert.ok(revoked >= 2);
    assert.ok((await service.revokedWithin(demoted.session, 1000)) < 1000);
    assert.ok((await service.revokedWithin(disabled.session, 1000)) < 1000);
    assert.equal((await service.call(regrouped.token)).status, 200);
    assert.equal((await service.call(unchanged.token)).status, 200);
  });

  it('a refresh refuses a session whose identity session has ended', async () => {
    const user = await signedIn(['technicians']);
    // The identity session ends without any message (as an expiry or a missed logout).
    await identity.db.delete(oidcPayloads).where(eq(oidcPayloads.kind, 'Session'));
    const refused = await refresh(user.token);
    assert.equal(refused.statusCode, 401, refused.body);
    assert.ok((await service.revokedWithin(user.session, 1000)) < 1000);
  });
});
