/**
 * The admin REST API, driven with Keycloak's official client (`@keycloak/keycloak-admin-client`)
 * exactly as helm drives a real Keycloak: authenticate with client_credentials, create a user, set
 * the password, manage groups, list and search, log in with the new password, delete.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import KcAdminClient from '@keycloak/keycloak-admin-client';
import { loginWithPassword, startIdentity, type IdentityHarness } from './harness.js';

/** The HTTP status and body of a failed admin-client call. */
function failure(error: unknown): { status: number; data: unknown } {
  const shaped = error as { response?: { status?: number }; responseData?: unknown };
  return { status: shaped.response?.status ?? 0, data: shaped.responseData };
}

describe('identity: Keycloak admin API', () => {
  let identity: IdentityHarness;
  let kc: KcAdminClient;

  before(async () => {
    identity = await startIdentity();
    kc = new KcAdminClient({ baseUrl: identity.baseUrl, realmName: 'hivematrix' });
    await kc.auth({
      grantType: 'client_credentials',
      clientId: identity.admin.clientId,
      clientSecret: identity.admin.clientSecret,
    });
  });
  after(async () => identity.close());

  const loginAs = (username: string, password: string) =>
    loginWithPassword({
      identity,
      clientId: identity.gateway.clientId,
      clientSecret: identity.gateway.clientSecret,
      redirectUri: identity.gateway.redirectUris[0] ?? '',
      username,
      password,
    });

  it('lists the seeded groups as Keycloak GroupRepresentations', async () => {
    const groups = await kc.groups.find();
    assert.deepEqual(
      groups.map((group) => [group.name, group.path]),
      [
        ['admins', '/admins'],
        ['billing', '/billing'],
        ['client', '/client'],
        ['technicians', '/technicians'],
      ],
    );
    const admins = groups.find((group) => group.name === 'admins');
    assert.ok(admins?.id);
    const one = await kc.groups.findOne({ id: admins.id });
    assert.equal(one?.path, '/admins');
    const members = await kc.groups.listMembers({ id: admins.id });
    assert.deepEqual(
      members.map((user) => user.username),
      ['admin'],
    );
  });

  it('creates a user, sets the password, adds it to admins, lists, searches, logs in, removes it from the group and deletes it', async () => {
    const { id } = await kc.users.create({
      username: 'New.Tech',
      email: 'New.Tech@Example.com',
      firstName: 'New',
      lastName: 'Tech',
      enabled: true,
    });
    assert.match(id, /^[0-9a-f-]{36}$/);
    const created = await kc.users.findOne({ id });
    assert.equal(created?.username, 'new.tech', 'usernames are lower-cased, as Keycloak does');
    assert.equal(created?.email, 'new.tech@example.com');
    assert.equal(created?.enabled, true);
    assert.deepEqual(created?.requiredActions, []);

    await kc.users.resetPassword({
      id,
      credential: { type: 'password', value: 'a long new password', temporary: false },
    });

    const admins = (await kc.groups.find({ search: 'admins', exact: true }))[0];
    assert.ok(admins?.id);
    await kc.users.addToGroup({ id, groupId: admins.id });
    assert.deepEqual(
      (await kc.users.listGroups({ id })).map((group) => group.path),
      ['/admins'],
    );

    const all = await kc.users.find();
    assert.ok(all.some((user) => user.id === id));
    assert.deepEqual(
      (await kc.users.find({ search: 'new.t' })).map((user) => user.id),
      [id],
      'prefix search',
    );
    assert.deepEqual(
      (await kc.users.find({ search: '*tech@example*' })).map((user) => user.id),
      [id],
      'infix search',
    );
    assert.deepEqual(
      (await kc.users.find({ search: '"new"' })).map((user) => user.id),
      [id],
      'exact search on the first name',
    );
    assert.deepEqual(
      (await kc.users.find({ username: 'New.Tech', exact: true })).map((user) => user.id),
      [id],
    );
    assert.deepEqual(await kc.users.find({ username: 'new.te', exact: true }), []);
    assert.equal(await kc.users.count(), 2);
    assert.equal(await kc.users.count({ search: 'new' }), 1);

    const tokens = await loginAs('new.tech', 'a long new password');
    const userinfo = (await (
      await fetch(`${identity.internalIssuer}/protocol/openid-connect/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      })
    ).json()) as Record<string, unknown>;
    assert.equal(userinfo.sub, id);
    assert.deepEqual(userinfo.groups, ['admins']);

    await kc.users.delFromGroup({ id, groupId: admins.id });
    assert.deepEqual(await kc.users.listGroups({ id }), []);

    await kc.users.del({ id });
    assert.equal(await kc.users.findOne({ id }), null);
    assert.equal(
      (
        await fetch(`${identity.internalIssuer}/protocol/openid-connect/userinfo`, {
          headers: { authorization: `Bearer ${tokens.access_token}` },
        })
      ).status,
      401,
      "a deleted user's tokens stop working",
    );
  });

  it('creates a user with a temporary password and groups in one request', async () => {
    const { id } = await kc.users.create({
      username: 'starter',
      enabled: true,
      credentials: [{ type: 'password', value: 'first temporary pw', temporary: true }],
      groups: ['/technicians'],
    });
    const user = await kc.users.findOne({ id });
    assert.deepEqual(user?.requiredActions, ['UPDATE_PASSWORD']);
    assert.deepEqual(
      (await kc.users.listGroups({ id })).map((group) => group.name),
      ['technicians'],
    );
    const tokens = await loginWithPassword({
      identity,
      clientId: identity.gateway.clientId,
      clientSecret: identity.gateway.clientSecret,
      redirectUri: identity.gateway.redirectUris[0] ?? '',
      username: 'starter',
      password: 'first temporary pw',
      newPassword: 'my own password now',
    });
    assert.equal(typeof tokens.access_token, 'string');
    assert.deepEqual((await kc.users.findOne({ id }))?.requiredActions, []);
  });

  it('updates a user and signs a disabled user out', async () => {
    const { id } = await kc.users.create({
      username: 'changeme',
      enabled: true,
      credentials: [{ value: 'changeme password', temporary: false }],
    });
    const tokens = await loginAs('changeme', 'changeme password');
    await kc.users.update({ id }, { firstName: 'Changed', email: 'changed@example.com', enabled: false });
    const user = await kc.users.findOne({ id });
    assert.equal(user?.firstName, 'Changed');
    assert.equal(user?.email, 'changed@example.com');
    assert.equal(user?.enabled, false);
    const userinfo = await fetch(`${identity.internalIssuer}/protocol/openid-connect/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(userinfo.status, 401);
  });

  it("answers a duplicate username or e-mail with 409 and Keycloak's errorMessage", async () => {
    await kc.users.create({ username: 'twin', email: 'twin@example.com', enabled: true });
    await assert.rejects(kc.users.create({ username: 'TWIN', enabled: true }), (error: unknown) => {
      assert.deepEqual(failure(error), {
        status: 409,
        data: { field: 'username', errorMessage: 'User exists with same username' },
      });
      return true;
    });
    await assert.rejects(
      kc.users.create({ username: 'twin2', email: 'Twin@Example.com', enabled: true }),
      (error: unknown) => {
        assert.equal(failure(error).status, 409);
        assert.match(JSON.stringify(failure(error).data), /User exists with same email/);
        return true;
      },
    );
  });

  it('refuses bad input with 400 and a field name', async () => {
    const { id } = await kc.users.create({ username: 'shorty', enabled: true });
    await assert.rejects(
      kc.users.resetPassword({ id, credential: { type: 'password', value: 'short', temporary: false } }),
      (error: unknown) => {
        assert.equal(failure(error).status, 400);
        assert.match(JSON.stringify(failure(error).data), /"field":"password".*at least 12 characters/);
        return true;
      },
    );
    await assert.rejects(kc.users.create({ username: 'x y <z>', enabled: true }), (error: unknown) => {
      assert.equal(failure(error).status, 400);
      assert.match(JSON.stringify(failure(error).data), /"field":"username"/);
      return true;
    });
    await assert.rejects(
      kc.users.create({ username: 'bad-mail', email: 'not an address', enabled: true }),
      (error: unknown) => {
        assert.equal(failure(error).status, 400);
        return true;
      },
    );
  });

  it('answers unknown users and groups with 404', async () => {
    assert.equal(await kc.users.findOne({ id: '00000000-0000-4000-8000-000000000000' }), null);
    assert.equal(await kc.users.findOne({ id: 'not-a-uuid' }), null);
    const { id } = await kc.users.create({ username: 'grouper', enabled: true });
    await assert.rejects(
      kc.users.addToGroup({ id, groupId: '00000000-0000-4000-8000-000000000000' }),
      (error: unknown) => {
        assert.equal(failure(error).status, 404);
        return true;
      },
    );
  });

  it('is closed to callers without an admin token', async () => {
    const users = `${identity.baseUrl}/admin/realms/hivematrix/users`;
    const anonymous = await fetch(users);
    assert.equal(anonymous.status, 401);
    assert.deepEqual(await anonymous.json(), { error: 'HTTP 401 Unauthorized' });
    assert.equal((await fetch(users, { headers: { authorization: 'Bearer made-up-token' } })).status, 401);

    // A non-admin user's token is valid but not enough.
    await identity.createUser({ username: 'plain', password: 'plain user password', groups: ['technicians'] });
    const plain = await loginAs('plain', 'plain user password');
    const forbidden = await fetch(users, { headers: { authorization: `Bearer ${plain.access_token}` } });
    assert.equal(forbidden.status, 403);

    // The gateway client cannot use client_credentials at all.
    const gatewayToken = await fetch(`${identity.internalIssuer}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: identity.gateway.clientId,
        client_secret: identity.gateway.clientSecret,
      }),
    });
    assert.equal(gatewayToken.status, 400);

    // A wrong admin secret gets no token.
    const wrong = new KcAdminClient({ baseUrl: identity.baseUrl, realmName: 'hivematrix' });
    await assert.rejects(
      wrong.auth({ grantType: 'client_credentials', clientId: identity.admin.clientId, clientSecret: 'x'.repeat(40) }),
    );
  });

  it('accepts the access token of a signed-in member of admins', async () => {
    const admin = await loginAs('admin', identity.adminPassword);
    const asUser = new KcAdminClient({ baseUrl: identity.baseUrl, realmName: 'hivematrix' });
    asUser.setAccessToken(admin.access_token);
    const found = await asUser.users.find({ username: 'admin', exact: true });
    assert.equal(found[0]?.username, 'admin');
  });
});
