/** The master configuration and what is generated from it: secrets kept, hostname changes, env and conf files, backups. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { loadPlatform, syncAll } from '../src/generate/sync.js';
import { GeneratedWriter } from '../src/generate/writer.js';
import { readMasterConfig } from '../src/settings/master-config.js';
import { main } from '../src/cli/main.js';
import { createFixture, countingRandom } from './platform-fixture.js';
import type { HelmPaths } from '../src/paths.js';

async function envOf(paths: HelmPaths, service: string): Promise<Record<string, string | undefined>> {
  return parseEnv(await readFile(paths.envFile(service), 'utf8'));
}

const mode = async (file: string): Promise<string> => ((await stat(file)).mode & 0o777).toString(8);

async function editConfig(
  paths: HelmPaths,
  edit: (config: Record<string, Record<string, unknown>>) => void,
): Promise<void> {
  const config = JSON.parse(await readFile(paths.masterConfig, 'utf8')) as Record<string, Record<string, unknown>>;
  edit(config);
  await writeFile(paths.masterConfig, JSON.stringify(config, null, 2));
}

function capture(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text), isTTY: false, env },
    out,
    err,
  };
}

describe('master configuration', () => {
  it('is created on first load with distinct generated secrets, mode 0600, and then never changes them', async () => {
    const { paths } = await createFixture();
    const first = await loadPlatform(paths, { randomBytes: countingRandom(), freePort: async () => 54321 });
    assert.equal(first.created, true);
    assert.equal(await mode(paths.masterConfig), '600');
    const { config } = first;
    const secrets = [
      config.keycloak.admin_client_secret,
      config.keycloak.gateway_client_secret,
      config.databases.embedded.superuser_password,
      ...Object.values(config.apps).map((app) => app.secret),
      ...Object.values(config.databases.apps).map((db) => db.password),
    ];
    assert.equal(new Set(secrets).size, secrets.length, 'every secret is different');
    for (const secret of secrets) assert.match(secret, /^[0-9a-f]{64}$/);
    assert.equal(config.databases.embedded.port, 54321);
    // The fixture's registry gives core no database (the platform's own registry does).
    assert.deepEqual(
      Object.keys(config.databases.apps).sort(),
      ['helm', 'identity', 'template'],
      "the fixture's core and nexus have no database",
    );

    const text = await readFile(paths.masterConfig, 'utf8');
    const again = await loadPlatform(paths, { randomBytes: () => Buffer.alloc(32, 0xee), freePort: async () => 1 });
    assert.equal(again.created, false);
    assert.equal(await readFile(paths.masterConfig, 'utf8'), text, 'the file is left exactly as it was');
    assert.deepEqual(again.config, config);
  });

  it('adds secrets for a new app without touching the others', async () => {
    const { paths } = await createFixture();
    const { config } = await loadPlatform(paths);
    const extra = path.join(paths.root, 'services', 'billing');
    await mkdir(path.join(extra, 'src'), { recursive: true });
    await writeFile(path.join(extra, 'package.json'), JSON.stringify({ hivematrix: { service: 'billing' } }));
    await writeFile(path.join(extra, 'src', 'main.ts'), '');
    const after = (await loadPlatform(paths)).config;
    assert.equal(after.apps.template?.secret, config.apps.template?.secret);
    assert.equal(after.databases.apps.identity?.password, config.databases.apps.identity?.password);
    assert.match(after.apps.billing?.secret ?? '', /^[0-9a-f]{64}$/);
    assert.equal(after.databases.apps.billing?.database, 'billing');
  });

  it('names the file and every bad field when it is invalid', async () => {
    const { paths } = await createFixture();
    await loadPlatform(paths);
    await editConfig(paths, (config) => {
      (config.system as Record<string, unknown>).log_level = 'loud';
      (config.keycloak as Record<string, unknown>).admin_client_secret = 'short';
    });
    await assert.rejects(
      readMasterConfig(paths.masterConfig),
      (error: Error) =>
        error.message.includes(paths.masterConfig) &&
        /system\.log_level/.test(error.message) &&
        /keycloak\.admin_client_secret/.test(error.message),
    );
  });
});

describe('env and conf files', () => {
  it('gives every service the shared variables, its database URL and its own secret, in files only its owner reads', async () => {
    const { paths } = await createFixture();
    const loaded = await loadPlatform(paths);
    await syncAll(loaded, new GeneratedWriter(paths));
    const template = await envOf(paths, 'template');
    assert.equal(template.SERVICE_NAME, 'template');
    assert.equal(template.PORT, '5040');
    assert.equal(template.HOST, '127.0.0.1');
    assert.equal(template.CORE_SERVICE_URL, 'http://127.0.0.1:5000');
    assert.equal(template.HELM_SERVICE_URL, 'http://127.0.0.1:5004');
    assert.equal(template.NEXUS_URL, 'https://localhost:8443');
    assert.equal(template.SERVICES_FILE, paths.servicesFile);
    assert.equal(template.SERVICE_SECRET, loaded.config.apps.template?.secret);
    const db = loaded.config.databases;
    assert.equal(
      template.DATABASE_URL,
      `postgres://template:${db.apps.template?.password}@127.0.0.1:${db.embedded.port}/template`,
    );
    assert.equal(await mode(paths.envFile('template')), '600');
    assert.equal((await envOf(paths, 'core')).DATABASE_URL, undefined);

    const conf = JSON.parse(await readFile(paths.confFile('template'), 'utf8')) as {
      database: Record<string, unknown>;
      listen: unknown;
    };
    assert.deepEqual(conf.database, {
      host: '127.0.0.1',
      port: db.embedded.port,
      name: 'template',
      user: 'template',
      mode: 'embedded',
    });
    assert.deepEqual(conf.listen, { host: '127.0.0.1', port: 5040 });
    assert.doesNotMatch(
      await readFile(paths.confFile('template'), 'utf8'),
      new RegExp(db.apps.template?.password ?? 'x'),
      'no password in the conf file',
    );
  });

  it('configures core, identity and nexus with the identity URLs, client secrets and the secret hashes', async () => {
    const { paths } = await createFixture();
    const loaded = await loadPlatform(paths);
    await syncAll(loaded, new GeneratedWriter(paths));
    const { config } = loaded;
    const core = await envOf(paths, 'core');
    assert.equal(core.IDENTITY_INTERNAL_URL, 'http://127.0.0.1:8080/keycloak/realms/hivematrix');
    assert.equal(core.IDENTITY_ISSUER, 'https://localhost:8443/keycloak/realms/hivematrix');
    assert.equal(core.IDENTITY_CLIENT_ID, 'core-client');
    assert.equal(core.KEYS_DIR, paths.keysDir);
    assert.equal(core.EXCHANGE_CALLERS, 'nexus');
    assert.equal(core.REDIS_URL, undefined);
    assert.equal(core.IDENTITY_ADMIN_CLIENT_ID, 'hivematrix-admin');
    assert.equal(core.IDENTITY_ADMIN_CLIENT_SECRET, config.keycloak.admin_client_secret);
    const hashes = JSON.parse(await readFile(core.SERVICE_SECRETS_FILE ?? '', 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(hashes).sort(), ['core', 'helm', 'identity', 'nexus', 'template']);
    assert.equal(
      hashes.nexus,
      createHash('sha256')
        .update(config.apps.nexus?.secret ?? '')
        .digest('hex'),
    );
    assert.equal(await mode(core.SERVICE_SECRETS_FILE ?? ''), '600');

    const identity = await envOf(paths, 'identity');
    assert.equal(identity.IDENTITY_GATEWAY_CLIENT_SECRET, config.keycloak.gateway_client_secret);
    assert.equal(identity.IDENTITY_ADMIN_CLIENT_SECRET, config.keycloak.admin_client_secret);
    assert.equal(identity.IDENTITY_GATEWAY_REDIRECT_URIS, 'https://localhost:8443/keycloak-callback');
    assert.equal(identity.IDENTITY_BACKCHANNEL_INSECURE_LOCAL, 'true');
    // Back-channel logout reaches the gateway whatever hostname it is served under.
    assert.equal(identity.IDENTITY_BACKCHANNEL_CA_FILE, path.join(paths.certsDir, 'nexus.crt'));
    assert.equal(identity.IDENTITY_BACKCHANNEL_CONNECT_ADDRESS, '127.0.0.1');
    assert.equal(identity.LOGIN_MAX_FAILURES, '5');

    const nexus = await envOf(paths, 'nexus');
    assert.equal(nexus.PORT, '8443');
    assert.equal(nexus.HOST, '0.0.0.0');
    assert.equal(nexus.PUBLIC_URL, 'https://localhost:8443');
    assert.equal(nexus.IDENTITY_UPSTREAM_URL, 'http://127.0.0.1:8080');
    assert.equal(nexus.OIDC_CLIENT_ID, 'core-client');
    assert.equal(nexus.OIDC_CLIENT_SECRET, config.keycloak.gateway_client_secret);
    assert.equal(nexus.TLS_CERT_FILE, undefined, 'nexus makes its own certificate unless one is configured');
  });

  it('moves every URL to a new hostname and keeps every password and secret', async () => {
    const { paths } = await createFixture();
    await syncAll(await loadPlatform(paths), new GeneratedWriter(paths));
    const before = {
      template: await envOf(paths, 'template'),
      identity: await envOf(paths, 'identity'),
      nexus: await envOf(paths, 'nexus'),
    };
    const configBefore = await readMasterConfig(paths.masterConfig);
    await editConfig(paths, (config) => {
      (config.system as Record<string, unknown>).hostname = 'hive.example.com';
      (config.redis as Record<string, unknown>).url = 'redis://10.0.0.5:6379';
    });
    await syncAll(await loadPlatform(paths), new GeneratedWriter(paths));
    const after = {
      template: await envOf(paths, 'template'),
      identity: await envOf(paths, 'identity'),
      nexus: await envOf(paths, 'nexus'),
    };
    assert.equal(after.identity.IDENTITY_ISSUER, 'https://hive.example.com:8443/keycloak/realms/hivematrix');
    assert.equal(after.identity.IDENTITY_GATEWAY_REDIRECT_URIS, 'https://hive.example.com:8443/keycloak-callback');
    assert.equal(after.nexus.PUBLIC_URL, 'https://hive.example.com:8443');
    assert.equal(after.nexus.REDIS_URL, 'redis://10.0.0.5:6379');
    assert.equal(
      after.template.REDIS_URL,
      'redis://10.0.0.5:6379',
      'every service shares its rate limit through Redis',
    );
    assert.equal(after.template.NEXUS_URL, 'https://hive.example.com:8443');
    assert.equal(after.template.DATABASE_URL, before.template.DATABASE_URL);
    assert.equal(after.template.SERVICE_SECRET, before.template.SERVICE_SECRET);
    assert.equal(after.identity.IDENTITY_GATEWAY_CLIENT_SECRET, before.identity.IDENTITY_GATEWAY_CLIENT_SECRET);
    assert.equal(after.identity.IDENTITY_ADMIN_CLIENT_SECRET, before.identity.IDENTITY_ADMIN_CLIENT_SECRET);
    assert.equal(after.nexus.OIDC_CLIENT_SECRET, before.nexus.OIDC_CLIENT_SECRET);
    const configAfter = await readMasterConfig(paths.masterConfig);
    assert.deepEqual(configAfter?.apps, configBefore?.apps);
    assert.deepEqual(configAfter?.databases, configBefore?.databases);
  });

  it('applies per-app overrides and an external database server', async () => {
    const { paths } = await createFixture();
    await loadPlatform(paths);
    await editConfig(paths, (config) => {
      const databases = config.databases as Record<string, unknown>;
      databases.mode = 'external';
      databases.admin_url = 'postgres://admin:pw@db.internal:6543/postgres?sslmode=require';
      const apps = config.apps as Record<string, Record<string, unknown>>;
      apps.template = { ...apps.template, port: 6040, env: { LOG_LEVEL: 'debug', FEATURE_X: 'on "quoted"' } };
      apps.core = { ...apps.core, enabled: false };
    });
    const loaded = await loadPlatform(paths);
    await syncAll(loaded, new GeneratedWriter(paths));
    const template = await envOf(paths, 'template');
    assert.equal(template.PORT, '6040');
    assert.equal(template.LOG_LEVEL, 'debug');
    assert.equal(template.FEATURE_X, 'on "quoted"');
    assert.equal(
      template.DATABASE_URL,
      `postgres://template:${loaded.config.databases.apps.template?.password}@db.internal:6543/template?sslmode=require`,
    );
    assert.equal(template.CORE_SERVICE_URL, 'http://127.0.0.1:5000');
    await assert.rejects(stat(paths.envFile('core')), 'a disabled app gets no env file');
    const services = JSON.parse(await readFile(paths.servicesFile, 'utf8')) as Record<string, { port: number }>;
    assert.equal(services.template?.port, 6040);
    assert.equal(services.core, undefined);
  });
});

describe('hivematrix config sync | write-env | update-config', () => {
  it('sync rewrites every file and keeps the previous version of each changed one under backups/config/<timestamp>/', async () => {
    const { paths, env } = await createFixture();
    const first = capture(env);
    assert.equal(await main(['config', 'sync'], first.io), 0, first.err.join(''));
    const before = await readFile(paths.envFile('template'), 'utf8');
    await editConfig(paths, (config) => {
      (config.system as Record<string, unknown>).log_level = 'warn';
    });
    const second = capture(env);
    assert.equal(await main(['config', 'sync'], second.io), 0, second.err.join(''));
    assert.match(await readFile(paths.envFile('template'), 'utf8'), /LOG_LEVEL="warn"/);
    const stamps = await readdir(path.join(paths.backupsDir, 'config'));
    assert.equal(stamps.length, 1);
    const backup = path.join(paths.backupsDir, 'config', stamps[0] ?? '', 'template', '.env');
    assert.equal(await readFile(backup, 'utf8'), before);
    assert.equal(await mode(backup), '600');
    assert.match(second.out.join(''), /previous versions saved under/);
  });

  it('write-env rewrites one service and refuses an unknown one', async () => {
    const { paths, env } = await createFixture();
    const run = capture(env);
    assert.equal(await main(['config', 'write-env', 'template'], run.io), 0, run.err.join(''));
    assert.match(await readFile(paths.envFile('template'), 'utf8'), /^# Generated by helm/);
    await assert.rejects(stat(paths.envFile('identity')));
    const conf = capture(env);
    assert.equal(await main(['config', 'write-conf', 'identity'], conf.io), 0);
    assert.ok(await stat(paths.confFile('identity')));
    const bad = capture(env);
    assert.equal(await main(['config', 'write-env', 'ghost'], bad.io), 1);
    assert.match(bad.err.join(''), /unknown service "ghost"/);
  });

  it('update-config writes both service tables and lists the services', async () => {
    const { paths, env } = await createFixture();
    const run = capture(env);
    assert.equal(await main(['update-config'], run.io), 0, run.err.join(''));
    assert.match(run.out.join(''), /created .*master_config\.json/);
    assert.match(run.out.join(''), /template:5040/);
    assert.ok(await stat(paths.servicesFile));
    assert.ok(await stat(paths.masterServicesFile));
  });
});
