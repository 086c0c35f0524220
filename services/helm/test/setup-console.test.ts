/**
 * The admin's setup checklist against the real identity service (in-process, its own database and
 * instance directory with the generated `secrets/admin-password`): the password step changes the
 * `admin` account's password through the admin API and deletes the file (so the audit finding
 * clears), the other steps can be marked done, skipped and reopened, and only admins get any of it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { loginWithPassword, startIdentity, type IdentityHarness } from '../../identity/test/harness.js';
import { auditTrail } from '../src/db/schema.js';
import { createIdentityAdmin } from '../src/identity/admin-client.js';
import { checkAdminPassword } from '../src/security/checks.js';
import { loadPlatform, type LoadedPlatform } from '../src/generate/sync.js';
import { readMasterConfig, writeJsonAtomic } from '../src/settings/master-config.js';
import type { HelmPaths } from '../src/paths.js';
import { startConsole, STATUS, type Console } from './console-harness.js';
import { createFixture } from './platform-fixture.js';

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

describe('helm console: setup checklist', () => {
  let identity: IdentityHarness;
  let c: Console;
  let passwordFile: string;
  before(async () => {
    identity = await startIdentity({ logLevel: 'silent' });
    passwordFile = path.join(identity.instanceDir, 'secrets', 'admin-password');
    const admin = createIdentityAdmin({
      tokenUrl: `${identity.internalIssuer}/protocol/openid-connect/token`,
      adminUrl: `${identity.baseUrl}/admin/realms/hivematrix`,
      clientId: identity.admin.clientId,
      clientSecret: identity.admin.clientSecret,
    });
    c = await startConsole(undefined, {
      identity: admin,
      status: () => ({ ...STATUS, daemon: { ...STATUS.daemon, admin_password_file: passwordFile } }),
    });
  });
  after(async () => {
    await c.close();
    await identity.close();
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}`, 'x-forwarded-prefix': '/helm' });
  const post = (url: string, payload: string, token = c.admin) =>
    c.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { ...as(token), origin: 'https://hive.example', 'content-type': 'application/x-www-form-urlencoded' },
    });
  const api = async () =>
    (await c.app.inject({ url: '/api/setup', headers: as(c.admin) })).json<{
      steps: { step: string; state: string }[];
      pending: number;
    }>();
  const login = (password: string) =>
    loginWithPassword({
      identity,
      clientId: identity.gateway.clientId,
      clientSecret: identity.gateway.clientSecret,
      redirectUri: identity.gateway.redirectUris[0] ?? '',
      username: 'admin',
      password,
    });
  const finding = () => checkAdminPassword({ paths: { adminPasswordFile: passwordFile } } as unknown as LoadedPlatform);

  it('is for admins only', async () => {
    assert.equal((await c.app.inject({ url: '/setup', headers: as(c.tech) })).statusCode, 403);
    assert.equal((await c.app.inject({ url: '/api/setup', headers: as(c.tech) })).statusCode, 403);
    assert.equal((await post('/setup/users/mark', 'state=skipped', c.tech)).statusCode, 403);
    assert.equal(
      (await post('/setup/password', form({ password: 'x'.repeat(12), confirm: 'x'.repeat(12) }), c.tech)).statusCode,
      403,
    );
  });

  it('starts with every step open, the password file named, links to integrations and users', async () => {
    // No master configuration to read: the safe answer, production (no demo offer on the home).
    assert.deepEqual(await api(), {
      steps: ['password', 'hostname', 'integrations', 'users'].map((step) => ({ step, state: 'open' })),
      pending: 4,
      environment: 'production',
    });
    const page = await c.app.inject({ url: '/setup', headers: as(c.admin) });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(passwordFile));
    assert.match(page.body, /action="\/helm\/setup\/password"/);
    assert.match(page.body, /href="\/codex\/admin\/integrations"/);
    assert.match(page.body, /href="\/helm\/users"/);
    assert.match(page.body, /self-signed certificate/);
    assert.match(page.body, /https:\/\/hive\.example|<code>/);
  });

  it('refuses a short or mismatched password and keeps the file', async () => {
    const short = await post('/setup/password', form({ password: 'short', confirm: 'short' }));
    assert.equal(short.statusCode, 400);
    assert.match(short.body, /at least 12 characters/);
    const differ = await post(
      '/setup/password',
      form({ password: 'a long new password 1', confirm: 'a long new password 2' }),
    );
    assert.equal(differ.statusCode, 400);
    assert.match(differ.body, /the two passwords differ/);
    assert.ok(existsSync(passwordFile));
    assert.equal(
      (await post('/setup/password/mark', 'state=done')).statusCode,
      409,
      'the password step is done only by changing it',
    );
  });

  it('changes the admin password through identity, deletes the file, and the audit finding clears', async () => {
    assert.equal((await finding()).length, 1);
    const res = await post(
      '/setup/password',
      form({ password: 'my own admin password 7', confirm: 'my own admin password 7' }),
    );
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, '/helm/setup?done=password');
    assert.ok(!existsSync(passwordFile), 'the generated password file is deleted');
    assert.deepEqual(await finding(), []);
    assert.ok((await login('my own admin password 7')).access_token.length > 0, 'admin signs in with the new password');
    await assert.rejects(login(identity.adminPassword), 'the generated password no longer works');
    const audit = await c.database.db.select().from(auditTrail).where(eq(auditTrail.target, 'admin'));
    assert.deepEqual(audit.map((row) => `${row.action}:${row.result}`).sort(), [
      'setup.password:success',
      'setup.password_file:success',
    ]);
    assert.equal((await api()).steps[0]?.state, 'done');
  });

  it('skips, marks done and reopens the other steps', async () => {
    assert.equal((await post('/setup/hostname/mark', 'state=done')).statusCode, 303);
    assert.equal((await post('/setup/integrations/mark', 'state=skipped')).statusCode, 303);
    assert.deepEqual(
      (await api()).steps.map((step) => step.state),
      ['done', 'done', 'skipped', 'open'],
    );
    assert.equal((await api()).pending, 1);
    assert.equal((await post('/setup/users/mark', 'state=skipped')).statusCode, 303);
    assert.equal((await api()).pending, 0);
    assert.equal((await post('/setup/integrations/mark', 'state=open')).statusCode, 303);
    assert.deepEqual(
      (await api()).steps.map((step) => step.state),
      ['done', 'done', 'open', 'skipped'],
    );
    const page = await c.app.inject({ url: '/setup', headers: as(c.admin) });
    assert.match(page.body, /data-step="users" data-mark="open"/, 'a skipped step offers Reopen');
    assert.equal((await post('/setup/nonsense/mark', 'state=done')).statusCode, 400);
    assert.equal((await post('/setup/users/mark', 'state=maybe')).statusCode, 400);
  });
});

describe('helm console: the setup reminder on the services page', () => {
  let c: Console;
  before(async () => {
    c = await startConsole(undefined, {
      status: () => ({ ...STATUS, daemon: { ...STATUS.daemon, admin_password_file: '/nonexistent/admin-password' } }),
    });
  });
  after(async () => c.close());

  it('shows the reminder until every step is done or skipped', async () => {
    const home = () =>
      c.app.inject({ url: '/', headers: { authorization: `Bearer ${c.admin}`, 'x-forwarded-prefix': '/helm' } });
    assert.match(
      (await home()).body,
      /Finish setting up: 3 step\(s\) left[\s\S]*href="\/helm\/setup" id="setup-reminder"/,
      'the password file is absent: that step is done',
    );
    for (const step of ['hostname', 'integrations', 'users']) {
      const res = await c.app.inject({
        method: 'POST',
        url: `/setup/${step}/mark`,
        payload: 'state=skipped',
        headers: {
          authorization: `Bearer ${c.admin}`,
          origin: 'https://hive.example',
          'content-type': 'application/x-www-form-urlencoded',
        },
      });
      assert.equal(res.statusCode, 303);
    }
    assert.doesNotMatch((await home()).body, /Finish setting up/);
  });
});

describe('helm console: the setup checklist reads the master configuration', () => {
  let c: Console;
  let paths: HelmPaths;
  before(async () => {
    ({ paths } = await createFixture());
    await loadPlatform(paths); // writes the master configuration of a new installation
    c = await startConsole(undefined, { settings: { paths } });
  });
  after(async () => c.close());

  const setSystem = async (system: Record<string, unknown>) => {
    const config = await readMasterConfig(paths.masterConfig);
    assert.ok(config !== undefined);
    await writeJsonAtomic(paths.masterConfig, { ...config, system: { ...config.system, ...system } });
  };
  const read = async () => {
    const headers = { authorization: `Bearer ${c.admin}`, 'x-forwarded-prefix': '/helm' };
    const api = (await c.app.inject({ url: '/api/setup', headers })).json<{ environment: string }>();
    const page = (await c.app.inject({ url: '/setup', headers })).body;
    return { environment: api.environment, page };
  };

  it('says development mode on the hostname step and in the API (the home then offers the demo)', async () => {
    await setSystem({ environment: 'development' });
    const { environment, page } = await read();
    assert.equal(environment, 'development');
    assert.match(page, /id="setup-environment"[\s\S]*<strong>development<\/strong> mode/);
    assert.match(page, /self-signed certificate generated on the first start/);
    assert.match(page, /load the demo data from the <a href="\/">home page<\/a>/);
  });

  it('says production and the operator certificate when configured so, read at each request', async () => {
    await setSystem({
      environment: 'production',
      tls_cert_file: '/etc/hive/cert.pem',
      tls_key_file: '/etc/hive/key.pem',
    });
    const { environment, page } = await read();
    assert.equal(environment, 'production');
    assert.doesNotMatch(page, /id="setup-environment"|load the demo data/);
    assert.match(page, /uses the certificate file set in Settings/);
  });
});
