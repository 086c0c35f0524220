/** Group mapping rules, and core's configuration: defaults, and a bad one refused at boot (78). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@hivematrix/sdk';
import { loadCoreConfig } from '../src/config.js';
import { normalizeGroups, permissionLevelFor } from '../src/domain/permissions.js';

describe('core: permission levels from groups', () => {
  it('normalizes Keycloak group paths and ignores junk', () => {
    assert.deepEqual(normalizeGroups(['/admins', 'billing', '/parent/child', '', 7, null, '/admins']), [
      'admins',
      'billing',
      'parent/child',
    ]);
    assert.deepEqual(normalizeGroups(undefined), []);
    assert.deepEqual(normalizeGroups('admins'), []);
  });

  it('grants the first matching level in the order admins, technicians, billing, else client', () => {
    assert.equal(permissionLevelFor(['billing', 'technicians', 'admins']), 'admin');
    assert.equal(permissionLevelFor(['billing', 'technicians']), 'technician');
    assert.equal(permissionLevelFor(['billing']), 'billing');
    assert.equal(permissionLevelFor(['parent/admins', 'Admins']), 'client');
    assert.equal(permissionLevelFor([]), 'client');
  });
});

describe('core: configuration', () => {
  it('has the documented defaults and instance paths', async () => {
    const instance = await mkdtemp(path.join(tmpdir(), 'hm-core-cfg-'));
    const { config, paths } = loadCoreConfig({ HIVEMATRIX_INSTANCE_DIR: instance });
    assert.equal(config.PORT, 5000);
    assert.equal(config.IDENTITY_INTERNAL_URL, 'http://127.0.0.1:8080/keycloak/realms/hivematrix');
    assert.equal(config.IDENTITY_ISSUER, 'https://localhost:8443/keycloak/realms/hivematrix');
    assert.equal(config.IDENTITY_CLIENT_ID, 'core-client');
    assert.deepEqual(config.EXCHANGE_CALLERS, ['nexus']);
    assert.equal(config.TOKEN_TTL_SEC, 3600);
    assert.equal(config.REFRESH_GRACE_SEC, 300);
    assert.equal(config.SESSION_MAX_AGE_SEC, 43_200);
    assert.equal(config.REVOCATION_HEARTBEAT_MS, 15_000);
    assert.equal(config.REDIS_URL, undefined);
    assert.equal(paths.keysDir, path.join(instance, 'keys'));
    assert.equal(paths.serviceSecretsFile, path.join(instance, 'core', 'service-secrets.json'));
  });

  it('names every bad variable at once', async () => {
    const instance = await mkdtemp(path.join(tmpdir(), 'hm-core-cfg-'));
    assert.throws(
      () =>
        loadCoreConfig({
          HIVEMATRIX_INSTANCE_DIR: instance,
          TOKEN_TTL_SEC: 'forever',
          EXCHANGE_CALLERS: 'Nexus!',
          REDIS_URL: 'not a url',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /TOKEN_TTL_SEC/.test(error.message) &&
        /EXCHANGE_CALLERS/.test(error.message) &&
        /REDIS_URL/.test(error.message),
    );
  });

  it('exits with status 78 when the process boots with a bad configuration', async () => {
    const instance = await mkdtemp(path.join(tmpdir(), 'hm-core-cfg-'));
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, '../src/main.ts')], {
      env: { PATH: process.env['PATH'], HIVEMATRIX_INSTANCE_DIR: instance, PORT: 'eighty', SESSION_MAX_AGE_SEC: '-1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 78, stderr);
    assert.match(stderr, /PORT/);
    assert.match(stderr, /SESSION_MAX_AGE_SEC/);
  });
});
