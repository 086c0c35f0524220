/**
 * The settings page: the master configuration as a form (secrets masked), validation with the
 * configuration's schema, saving that regenerates the services' files and names the services to
 * restart, the restart button, the audit trail, and admin-only access.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { auditTrail } from '../src/db/schema.js';
import { loadPlatform } from '../src/generate/sync.js';
import { syncAll } from '../src/generate/sync.js';
import { GeneratedWriter } from '../src/generate/writer.js';
import type { HelmPaths } from '../src/paths.js';
import { readMasterConfig } from '../src/settings/master-config.js';
import { STATUS, startConsole, type Console } from './console-harness.js';
import { createFixture } from './platform-fixture.js';

describe('helm console: settings', () => {
  let c: Console;
  let paths: HelmPaths;
  let reloads = 0;
  before(async () => {
    ({ paths } = await createFixture());
    await syncAll(await loadPlatform(paths), new GeneratedWriter(paths));
    const template = STATUS.services.find((service) => service.name === 'template');
    assert.ok(template !== undefined);
    const status = { ...STATUS, services: [...STATUS.services, { ...template, name: 'nexus', port: 8443 }] };
    c = await startConsole(undefined, {
      status: () => status,
      settings: {
        paths,
        reload: async () => {
          reloads += 1;
        },
      },
    });
  });
  after(async () => c.close());

  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const post = (url: string, fields: [string, string][], token = c.admin) =>
    c.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(fields).toString(),
      headers: { ...as(token), origin: 'https://hive.example', 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('refuses a technician the page and both actions', async () => {
    assert.equal((await c.app.inject({ url: '/settings', headers: as(c.tech) })).statusCode, 403);
    assert.equal((await post('/settings', [['system.log_level', 'debug']], c.tech)).statusCode, 403);
    assert.equal((await post('/settings/restart', [['services', 'template']], c.tech)).statusCode, 403);
    assert.deepEqual(c.calls, []);
  });

  it('shows the editable fields with their values and the whole configuration with every secret masked', async () => {
    const config = await readMasterConfig(paths.masterConfig);
    const res = await c.app.inject({ url: '/settings', headers: as(c.admin) });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /name="system\.hostname"[^>]*value="localhost"/);
    assert.match(res.body, /<option value="info" selected/);
    assert.match(res.body, /name="keycloak\.login_max_failures"[^>]*value="5"/);
    for (const secret of [
      config?.keycloak.admin_client_secret,
      config?.databases.embedded.superuser_password,
      config?.apps.template?.secret,
    ]) {
      assert.ok(secret !== undefined && secret.length >= 32);
      assert.ok(!res.body.includes(secret), 'a secret is shown');
    }
    assert.match(res.body, /admin_client_secret&quot;: &quot;••••••••|admin_client_secret": "••••••••/);
  });

  it('refuses an invalid form, naming the field, and saves nothing', async () => {
    const before = await readFile(paths.masterConfig, 'utf8');
    const res = await post('/settings', [
      ['system.log_retention_days', '0'],
      ['keycloak.upstream_url', 'not a url'],
      ['system.hostname', 'kept.example'],
    ]);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /role="alert"/);
    assert.match(res.body, /system\.log_retention_days/);
    assert.match(res.body, /keycloak\.upstream_url/);
    assert.match(res.body, /aria-invalid="true"/);
    assert.match(res.body, /value="kept\.example"/, 'the typed values are kept');
    assert.equal(await readFile(paths.masterConfig, 'utf8'), before);
  });

  it('saves, regenerates the env files, names only the services whose files changed, and records it', async () => {
    const res = await post('/settings', [
      ['keycloak.login_lockout_minutes', '30'],
      ['redis.url', ''],
    ]);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/settings?done=saved&changed=1&restart=identity');
    assert.equal((await readMasterConfig(paths.masterConfig))?.keycloak.login_lockout_minutes, 30);
    assert.match(await readFile(paths.envFile('identity'), 'utf8'), /LOGIN_LOCKOUT_MINUTES="30"/);
    assert.equal(reloads, 1);
    const page = await c.app.inject({ url: res.headers.location, headers: as(c.admin) });
    assert.match(page.body, /Saved: 1 setting changed/);
    assert.match(page.body, /still run on the previous configuration: identity/);
    assert.match(page.body, /<input type="hidden" name="services" value="identity"/);

    const all = await post('/settings', [['system.log_level', 'debug']]);
    const restart = new URL(String(all.headers.location), 'http://x').searchParams.get('restart')?.split(',');
    assert.deepEqual(restart, ['identity', 'core', 'helm', 'nexus', 'template']);
    const rows = await c.database.db.select().from(auditTrail).orderBy(auditTrail.id);
    assert.deepEqual(rows.map((row) => [row.action, row.result, row.actor]).slice(-2), [
      ['settings.save', 'success', 'alice'],
      ['settings.save', 'success', 'alice'],
    ]);
    assert.match(rows.at(-2)?.detail ?? '', /changed: keycloak\.login_lockout_minutes; to restart: identity/);
  });

  it('saves the backup schedule (a yes/no choice) and its passphrase file, with no service to restart', async () => {
    const res = await post('/settings', [
      ['backups.schedule', 'false'],
      ['backups.passphrase_file', 'secrets/backup-passphrase'],
      ['backups.keep_daily', '3'],
      ['backups.encrypt', 'false'],
    ]);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/settings?done=saved&changed=4');
    const saved = (await readMasterConfig(paths.masterConfig))?.backups;
    assert.deepEqual(
      [saved?.schedule, saved?.passphrase_file, saved?.keep_daily, saved?.encrypt],
      [false, 'secrets/backup-passphrase', 3, false],
    );
    const page = await c.app.inject({ url: '/settings', headers: as(c.admin) });
    assert.match(page.body, /name="backups\.schedule"[\s\S]*?<option value="false" selected/);
    const bad = await post('/settings', [
      ['backups.schedule', 'maybe'],
      ['backups.hour_utc', '24'],
    ]);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /backups\.schedule/);
    assert.match(bad.body, /backups\.hour_utc/);
    const mail = await post('/settings', [
      ['alerts.email_to', 'ops@msp.test, not an address'],
      ['alerts.webhook_url', 'ftp://x'],
    ]);
    assert.equal(mail.statusCode, 400);
    assert.match(mail.body, /alerts\.email_to/);
    assert.match(mail.body, /alerts\.webhook_url/);
    assert.equal((await post('/settings', [['alerts.email_to', 'ops@msp.test, boss@msp.test']])).statusCode, 303);
    assert.equal((await readMasterConfig(paths.masterConfig))?.alerts.email_to, 'ops@msp.test, boss@msp.test');
    const cleared = await post('/settings', [
      ['backups.schedule', 'true'],
      ['backups.passphrase_file', ''],
      ['backups.encrypt', 'true'],
    ]);
    assert.equal(cleared.statusCode, 303);
    assert.equal((await readMasterConfig(paths.masterConfig))?.backups.passphrase_file, undefined);
    assert.equal((await readMasterConfig(paths.masterConfig))?.backups.encrypt, true);
  });

  it('restarts the named services (not helm; the gateway after answering), each in the audit trail', async () => {
    const res = await post('/settings/restart', [
      ['services', 'nexus'],
      ['services', 'template'],
      ['services', 'helm'],
      ['services', 'codex'],
      ['services', 'ghost'],
    ]);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/settings?done=restarted&restarted=template%2Ccodex%2Cnexus&failed=ghost');
    assert.deepEqual(c.calls, [
      ['restart', 'template'],
      ['restart', 'codex'],
      ['restart', 'nexus'],
    ]);
    const page = await c.app.inject({ url: res.headers.location, headers: as(c.admin) });
    assert.match(page.body, /Restarted: template, codex, nexus\./);
    assert.match(page.body, /Not restarted/);
    // The gateway's restart runs once the answer is sent, and is recorded when it ends: wait for it.
    const audited = () => c.database.db.select().from(auditTrail).orderBy(auditTrail.id);
    for (let tries = 0; tries < 100 && !(await audited()).some((row) => row.target === 'nexus'); tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const rows = await audited();
    assert.deepEqual(
      rows
        .slice(-4)
        .map((row) => [row.action, row.target, row.result])
        .sort(),
      [
        ['service.restart', 'codex', 'success'],
        ['service.restart', 'ghost', 'failure'],
        ['service.restart', 'nexus', 'success'],
        ['service.restart', 'template', 'success'],
      ],
    );
  });
});
