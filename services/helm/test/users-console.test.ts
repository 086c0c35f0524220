/**
 * The users pages against the real identity service (in-process, its own test database) through
 * helm's admin client: list, search and paging, create with password and groups (then the user
 * logs in), edit, disable, group membership, password reset, ending sessions, escaping, the
 * audit trail, and admin-only access.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loginWithPassword, startIdentity, type IdentityHarness } from '../../identity/test/harness.js';
import { eq } from 'drizzle-orm';
import { users } from '../../identity/src/db/schema.js';
import { auditTrail } from '../src/db/schema.js';
import { createServiceClient } from '@hivematrix/sdk';
import { startCore, type CoreHarness } from '../../core/test/harness.js';
import { createIdentityAdmin, type IdentityAdmin } from '../src/identity/admin-client.js';
import { platformSessionsVia } from '../src/identity/platform-sessions.js';
import { startConsole, type Console } from './console-harness.js';

const form = (fields: [string, string][]): string => new URLSearchParams(fields).toString();

describe('helm console: users and groups', () => {
  let identity: IdentityHarness;
  let admin: IdentityAdmin;
  let c: Console;
  let core: CoreHarness;
  before(async () => {
    identity = await startIdentity({ logLevel: 'silent' });
    // The real core: helm asks it, with helm's service token, to end a user's platform sessions.
    core = await startCore();
    admin = createIdentityAdmin({
      tokenUrl: `${identity.internalIssuer}/protocol/openid-connect/token`,
      adminUrl: `${identity.baseUrl}/admin/realms/hivematrix`,
      clientId: identity.admin.clientId,
      clientSecret: identity.admin.clientSecret,
    });
    const helmClient = createServiceClient({
      serviceName: 'helm',
      secret: core.secrets.helm ?? '',
      coreUrl: core.url,
      services: {},
    });
    c = await startConsole(undefined, { identity: admin, sessions: platformSessionsVia(helmClient) });
  });
  after(async () => {
    await c.close();
    await core.close();
    await identity.close();
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const post = (url: string, payload: string, token = c.admin) =>
    c.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { ...as(token), origin: 'https://hive.example', 'content-type': 'application/x-www-form-urlencoded' },
    });
  const login = (username: string, password: string) =>
    loginWithPassword({
      identity,
      clientId: identity.gateway.clientId,
      clientSecret: identity.gateway.clientSecret,
      redirectUri: identity.gateway.redirectUris[0] ?? '',
      username,
      password,
    });

  it('refuses a technician every users page and action', async () => {
    for (const url of ['/users', '/users/new', '/users/x'])
      assert.equal((await c.app.inject({ url, headers: as(c.tech) })).statusCode, 403, url);
    for (const url of ['/users', '/users/x/disable', '/users/x/logout'])
      assert.equal((await post(url, '', c.tech)).statusCode, 403, url);
  });

  it("offers the create form with the agreed field names and the realm's groups", async () => {
    const res = await c.app.inject({ url: '/users/new', headers: { ...as(c.admin), 'x-forwarded-prefix': '/helm' } });
    assert.equal(res.statusCode, 200);
    for (const name of ['username', 'email', 'first_name', 'last_name', 'password', 'temporary'])
      assert.match(res.body, new RegExp(`name="${name}"`), name);
    for (const group of ['admins', 'technicians', 'billing'])
      assert.ok(
        res.body.includes(`type="checkbox" id="group-`) && res.body.includes(`name="groups" value="${group}"`),
        group,
      );
    assert.match(res.body, /type="checkbox" id="field-temporary" name="temporary"/);
    assert.match(res.body, /action="\/helm\/users"/);
    assert.match(res.body, /Create user<\/button>/);
  });

  it('creates a user with a password and two groups in one go; the user logs in with the permission groups', async () => {
    const res = await post(
      '/users',
      form([
        ['username', 'Tess.Tech'],
        ['email', 'tess@example.com'],
        ['first_name', '<b>Tess</b>'],
        ['last_name', 'Tech'],
        ['password', 'correct horse battery staple'],
        ['groups', 'technicians'],
        ['groups', 'billing'],
      ]),
    );
    assert.equal(res.statusCode, 303);
    const user = await admin.findUser('tess.tech');
    assert.equal(res.headers.location, `/users/${user.id}?done=created`);
    assert.deepEqual((await admin.userGroups(user.id)).map((group) => group.name).sort(), ['billing', 'technicians']);
    const tokens = await login('tess.tech', 'correct horse battery staple');
    assert.ok(tokens.access_token.length > 0);

    const page = await c.app.inject({ url: `/users/${user.id}?done=created`, headers: as(c.admin) });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('User created.'));
    // Escaped in text; inside a quoted attribute value `<` is inert, but never markup.
    assert.ok(page.body.includes('&lt;b>Tess&lt;/b> Tech'), 'names are escaped in text');
    assert.ok(!page.body.replace(/value="[^"]*"/g, '').includes('<b>'), 'no markup from a name');
    const rows = await c.database.db.select().from(auditTrail).orderBy(auditTrail.id);
    assert.deepEqual(rows.map((row) => [row.action, row.target, row.result, row.actor]).at(-1), [
      'user.create',
      'Tess.Tech',
      'success',
      'alice',
    ]);
  });

  it('shows a refused creation in an alert, keeps the typed values, and records the failure', async () => {
    const res = await post(
      '/users',
      form([
        ['username', 'tess.tech'],
        ['email', 'other@example.com'],
        ['password', 'another long password'],
        ['groups', 'admins'],
      ]),
    );
    assert.equal(res.statusCode, 409);
    assert.match(res.body, /role="alert"/);
    assert.match(res.body, /User exists with same username/);
    assert.match(res.body, /value="other@example.com"/);
    assert.ok(!res.body.includes('another long password'), 'the password is never echoed');
    const missing = await post(
      '/users',
      form([
        ['username', ''],
        ['password', ''],
      ]),
    );
    assert.equal(missing.statusCode, 400);
    const last = (await c.database.db.select().from(auditTrail).orderBy(auditTrail.id)).at(-1);
    assert.deepEqual([last?.action, last?.result], ['user.create', 'failure']);
  });

  it('lists users with their groups and state, searches anywhere in the names, and pages', async () => {
    for (let index = 0; index < 26; index += 1)
      await identity.createUser({ username: `bulk${String(index).padStart(2, '0')}`, password: 'bulk password 123' });
    const first = await c.app.inject({ url: '/users', headers: as(c.admin) });
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /aria-label="Users"/);
    assert.match(first.body, /Showing 1–25 of 2\d/);
    const second = await c.app.inject({ url: '/users?page=2', headers: as(c.admin) });
    assert.match(second.body, /Showing 26–2\d of 2\d/);
    const search = await c.app.inject({ url: '/users?q=ss.te', headers: as(c.admin) });
    assert.ok(search.body.includes('tess.tech') && search.body.includes('billing, technicians'));
    assert.ok(!search.body.includes('bulk01'));
    assert.match(search.body, /enabled/);
  });

  it('edits names and e-mail, moves the user between groups, and refuses an unknown group in an alert', async () => {
    const user = await admin.findUser('tess.tech');
    const saved = await post(
      `/users/${user.id}`,
      form([
        ['email', 'tess@new.example'],
        ['first_name', 'Tess'],
        ['last_name', 'Tester'],
      ]),
    );
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, `/users/${user.id}?done=updated`);
    const fresh = await admin.getUser(user.id);
    assert.deepEqual([fresh.email, fresh.firstName, fresh.lastName], ['tess@new.example', 'Tess', 'Tester']);

    // A platform session of the user (signed in through the gateway) is revoked by the group change.
    const signedIn = await core.login({ sub: user.id, groups: ['/technicians'] });
    const added = await post(
      `/users/${user.id}/groups`,
      form([
        ['group', 'admins'],
        ['op', 'add'],
      ]),
    );
    assert.equal(added.headers.location, `/users/${user.id}?done=group_added&sessions=1`);
    assert.deepEqual(JSON.parse((await core.post('/api/token/validate', { token: signedIn.token })).body), {
      valid: false,
      reason: 'revoked',
    });
    const shown = await c.app.inject({ url: added.headers.location ?? '', headers: as(c.admin) });
    assert.match(shown.body, /Core ended 1 platform session\(s\) of the user/);
    assert.equal(
      (
        await post(
          `/users/${user.id}/groups`,
          form([
            ['group', 'billing'],
            ['op', 'remove'],
          ]),
        )
      ).statusCode,
      303,
    );
    assert.deepEqual((await admin.userGroups(user.id)).map((group) => group.name).sort(), ['admins', 'technicians']);
    const refused = await post(
      `/users/${user.id}/groups`,
      form([
        ['group', 'nope'],
        ['op', 'add'],
      ]),
    );
    assert.equal(refused.statusCode, 404);
    assert.match(refused.body, /there is no group/);
  });

  it('resets the password (permanent), ends every session, then disables and enables the user', async () => {
    const user = await admin.findUser('tess.tech');
    const reset = await post(`/users/${user.id}/password`, form([['password', 'a brand new password 9']]));
    assert.equal(reset.headers.location, `/users/${user.id}?done=password&sessions=0`);
    const session = await login('tess.tech', 'a brand new password 9');
    const userinfo = () =>
      fetch(`${identity.internalIssuer}/protocol/openid-connect/userinfo`, {
        headers: { authorization: `Bearer ${session.access_token}` },
      });
    assert.equal((await userinfo()).status, 200);
    const ended = await post(`/users/${user.id}/logout`, '');
    assert.equal(ended.headers.location, `/users/${user.id}?done=logged_out&sessions=0`);
    assert.equal((await userinfo()).status, 401);

    assert.equal(
      (await post(`/users/${user.id}/disable`, '')).headers.location,
      `/users/${user.id}?done=disabled&sessions=0`,
    );
    assert.equal((await admin.getUser(user.id)).enabled, false);
    const page = await c.app.inject({ url: `/users/${user.id}`, headers: as(c.admin) });
    assert.match(page.body, />disabled</);
    assert.match(page.body, />Enable</);
    await post(`/users/${user.id}/enable`, '');
    assert.equal((await admin.getUser(user.id)).enabled, true);

    const weak = await post(
      `/users/${user.id}/password`,
      form([
        ['password', 'short'],
        ['temporary', 'on'],
      ]),
    );
    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /Invalid password/);

    const actions = (await c.database.db.select().from(auditTrail).orderBy(auditTrail.id)).map(
      (row) => `${row.action}:${row.result}`,
    );
    for (const expected of [
      'user.update:success',
      'user.end_platform_sessions:success',
      'user.group_add:success',
      'user.group_remove:success',
      'user.group_add:failure',
      'user.password:success',
      'user.logout:success',
      'user.disable:success',
      'user.enable:success',
      'user.password:failure',
    ]) {
      assert.ok(actions.includes(expected), expected);
    }
  });

  it('says so when core cannot be asked to end the platform sessions', async () => {
    const user = await admin.findUser('tess.tech');
    const down = createServiceClient({
      serviceName: 'helm',
      secret: 'x'.repeat(32),
      coreUrl: 'http://127.0.0.1:9',
      services: {},
    });
    const isolated = await startConsole(undefined, { identity: admin, sessions: platformSessionsVia(down) });
    try {
      const moved = await isolated.app.inject({
        method: 'POST',
        url: `/users/${user.id}/groups`,
        payload: form([
          ['group', 'billing'],
          ['op', 'add'],
        ]),
        headers: {
          ...as(isolated.admin),
          origin: 'https://hive.example',
          'content-type': 'application/x-www-form-urlencoded',
        },
      });
      assert.equal(moved.headers.location, `/users/${user.id}?done=group_added&sessions=failed`);
      const page = await isolated.app.inject({ url: moved.headers.location ?? '', headers: as(isolated.admin) });
      assert.match(page.body, /Platform sessions not confirmed ended/);
      const audit = await isolated.database.db.select().from(auditTrail);
      assert.ok(audit.some((row) => row.action === 'user.end_platform_sessions' && row.result === 'failure'));
    } finally {
      await isolated.close();
    }
  });

  it('shows a user locked out by failed sign-ins, in the list and on their page, and unlocks them', async () => {
    const user = await admin.findUser('tess.tech');
    await identity.db
      .update(users)
      .set({ lockedUntil: new Date(Date.now() + 600_000) })
      .where(eq(users.id, user.id));
    assert.match((await c.app.inject({ url: '/users?q=tess', headers: as(c.admin) })).body, />locked out</);
    const page = await c.app.inject({ url: `/users/${user.id}`, headers: as(c.admin) });
    assert.match(page.body, /Too many failed sign-ins: the user cannot sign in until \d{4}-/);
    const unlocked = await post(`/users/${user.id}/unlock`, '');
    assert.equal(unlocked.headers.location, `/users/${user.id}?done=unlocked`);
    assert.deepEqual(await admin.lockout(user.id), { locked: false, until: null });
    const after = await c.app.inject({ url: unlocked.headers.location, headers: as(c.admin) });
    assert.match(after.body, /The lockout was ended/);
    assert.doesNotMatch(after.body, /Too many failed sign-ins/);
    const actions = (await c.database.db.select().from(auditTrail)).map((row) => `${row.action}:${row.target}`);
    assert.ok(actions.includes('user.unlock:tess.tech'));
  });

  it('answers 404 for an unknown user and 503 without an admin client', async () => {
    assert.equal(
      (await c.app.inject({ url: '/users/00000000-0000-0000-0000-000000000000', headers: as(c.admin) })).statusCode,
      404,
    );
    const bare = await startConsole();
    try {
      assert.equal((await bare.app.inject({ url: '/users', headers: as(bare.admin) })).statusCode, 503);
    } finally {
      await bare.close();
    }
  });
});
