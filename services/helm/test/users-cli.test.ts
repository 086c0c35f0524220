/** `hivematrix users disable|enable|logout|unlock` against the real identity service (in-process). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { loginWithPassword, startIdentity, type IdentityHarness } from '../../identity/test/harness.js';
import { eq } from 'drizzle-orm';
import { users } from '../../identity/src/db/schema.js';
import { main } from '../src/cli/main.js';
import { loadPlatform } from '../src/generate/sync.js';
import { createFixture } from './platform-fixture.js';

function capture(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text), isTTY: false, env },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('hivematrix users disable, enable, logout', () => {
  let identity: IdentityHarness;
  let env: Record<string, string>;
  before(async () => {
    identity = await startIdentity({ logLevel: 'silent' });
    const fixture = await createFixture();
    env = fixture.env;
    await loadPlatform(fixture.paths);
    const config = JSON.parse(await readFile(fixture.paths.masterConfig, 'utf8')) as {
      keycloak: Record<string, unknown>;
    };
    // The embedded provider's realm is reached at <upstream_url>/keycloak/realms/<realm>.
    config.keycloak.upstream_url = identity.url;
    config.keycloak.admin_client_id = identity.admin.clientId;
    config.keycloak.admin_client_secret = identity.admin.clientSecret;
    await writeFile(fixture.paths.masterConfig, JSON.stringify(config));
  });
  after(async () => identity.close());

  it('ends every session of a user, disables them (no login) and enables them again', async () => {
    await identity.createUser({ username: 'carl', password: 'carl password 123' });
    const session = await loginWithPassword({
      identity,
      clientId: identity.gateway.clientId,
      clientSecret: identity.gateway.clientSecret,
      redirectUri: identity.gateway.redirectUris[0] ?? '',
      username: 'carl',
      password: 'carl password 123',
    });
    const userinfo = async () =>
      (
        await fetch(`${identity.internalIssuer}/protocol/openid-connect/userinfo`, {
          headers: { authorization: `Bearer ${session.access_token}` },
        })
      ).status;
    assert.equal(await userinfo(), 200);

    const logout = capture(env);
    assert.equal(await main(['users', 'logout', 'carl'], logout.io), 0, logout.err());
    assert.equal(logout.out(), 'every session of carl ended\n');
    assert.equal(await userinfo(), 401);

    const disable = capture(env);
    assert.equal(await main(['users', 'disable', 'carl'], disable.io), 0, disable.err());
    const list = capture(env);
    assert.equal(await main(['users', 'list', '--search', 'carl'], list.io), 0, list.err());
    assert.match(list.out(), /carl\s+disabled/);
    await assert.rejects(
      loginWithPassword({
        identity,
        clientId: identity.gateway.clientId,
        clientSecret: identity.gateway.clientSecret,
        redirectUri: identity.gateway.redirectUris[0] ?? '',
        username: 'carl',
        password: 'carl password 123',
      }),
    );

    const enable = capture(env);
    assert.equal(await main(['users', 'enable', 'carl'], enable.io), 0, enable.err());
    const again = capture(env);
    await main(['users', 'list', '--search', 'carl'], again.io);
    assert.match(again.out(), /carl\s+enabled/);

    const missing = capture(env);
    assert.equal(await main(['users', 'logout', 'nobody'], missing.io), 1);
    assert.match(missing.err(), /there is no user "nobody"/);
  });

  it('unlocks a user locked out by failed sign-ins', async () => {
    await identity.createUser({ username: 'dora', password: 'dora password 123' });
    await identity.db
      .update(users)
      .set({ lockedUntil: new Date(Date.now() + 600_000) })
      .where(eq(users.username, 'dora'));
    const unlock = capture(env);
    assert.equal(await main(['users', 'unlock', 'dora'], unlock.io), 0, unlock.err());
    assert.equal(unlock.out(), 'dora unlocked: they can sign in again\n');
    await loginWithPassword({
      identity,
      clientId: identity.gateway.clientId,
      clientSecret: identity.gateway.clientSecret,
      redirectUri: identity.gateway.redirectUris[0] ?? '',
      username: 'dora',
      password: 'dora password 123',
    });
    const again = capture(env);
    assert.equal(await main(['users', 'unlock', 'dora'], again.io), 0);
    assert.equal(again.out(), 'dora was not locked out\n');
  });
});
