/**
 * `hivematrix users groups|passwd|disable|logout` also ask core (with helm's service token) to end
 * the user's platform sessions, and say whether it worked (issue 12): against the real identity
 * and the real core, both in-process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { startCore, type CoreHarness } from '../../core/test/harness.js';
import { startIdentity, type IdentityHarness } from '../../identity/test/harness.js';
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

describe('hivematrix users: platform sessions ended at core', () => {
  let identity: IdentityHarness;
  let core: CoreHarness;
  let env: Record<string, string>;
  let configFile: string;

  before(async () => {
    identity = await startIdentity({ logLevel: 'silent' });
    const fixture = await createFixture();
    env = fixture.env;
    configFile = fixture.paths.masterConfig;
    await loadPlatform(fixture.paths);
    const config = JSON.parse(await readFile(configFile, 'utf8')) as {
      keycloak: Record<string, unknown>;
      apps: Record<string, { secret: string; port?: number }>;
    };
    config.keycloak.upstream_url = identity.url;
    config.keycloak.admin_client_id = identity.admin.clientId;
    config.keycloak.admin_client_secret = identity.admin.clientSecret;
    // Core knows helm by the secret of the master configuration, as helm's generated files say.
    core = await startCore({ secrets: { helm: config.apps.helm?.secret ?? '', nexus: 'n'.repeat(32) } });
    const coreApp = config.apps.core;
    if (coreApp !== undefined) coreApp.port = Number(new URL(core.url).port);
    await writeFile(configFile, JSON.stringify(config));
  });
  after(async () => {
    await core.close();
    await identity.close();
  });

  it("revokes the user's platform sessions after a group change and a disable, and says so", async () => {
    const user = await identity.createUser({ username: 'dora', password: 'dora password 1234', groups: ['admins'] });
    const signedIn = await core.login({ sub: user.id, groups: ['/admins'] });

    const groups = capture(env);
    assert.equal(await main(['users', 'groups', 'dora', '--remove', 'admins'], groups.io), 0, groups.err());
    assert.match(groups.out(), /platform sessions of dora ended at core: 1 revoked/);
    assert.deepEqual(JSON.parse((await core.post('/api/token/validate', { token: signedIn.token })).body), {
      valid: false,
      reason: 'revoked',
    });

    const disable = capture(env);
    assert.equal(await main(['users', 'disable', 'dora'], disable.io), 0, disable.err());
    assert.match(disable.out(), /platform sessions of dora ended at core: 0 revoked/);
  });

  it('warns when core cannot be asked, and still succeeds at identity', async () => {
    await identity.createUser({ username: 'eric', password: 'eric password 1234', groups: ['technicians'] });
    const config = JSON.parse(await readFile(configFile, 'utf8')) as { apps: Record<string, { port?: number }> };
    const port = config.apps.core?.port;
    const coreApp = config.apps.core;
    if (coreApp !== undefined) coreApp.port = 9;
    await writeFile(configFile, JSON.stringify(config));
    try {
      const logout = capture(env);
      assert.equal(await main(['users', 'logout', 'eric'], logout.io), 0, logout.err());
      assert.match(logout.err(), /warning: core could not be asked to end the platform sessions of eric/);
    } finally {
      if (coreApp !== undefined && port !== undefined) coreApp.port = port;
      await writeFile(configFile, JSON.stringify(config));
    }
  });
});
