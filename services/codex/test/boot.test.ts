/** Booting the real process: a bad configuration is refused with status 78, naming every bad variable. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@hivematrix/sdk';
import { loadCodexConfig } from '../src/config.js';

const main = path.resolve(import.meta.dirname, '../src/main.ts');

describe('codex: configuration at boot', () => {
  it('names every bad variable in one error, without echoing secrets', async () => {
    const instance = await mkdtemp(path.join(tmpdir(), 'hm-codex-'));
    assert.throws(
      () =>
        loadCodexConfig({
          HIVEMATRIX_INSTANCE_DIR: instance,
          DATABASE_URL: 'nope',
          CODEX_SECRET_KEY: 'too-short-secret',
          SYNC_SCHEDULE: 'teleport=5m',
          BUSINESS_TIMEZONE: 'Mars/Olympus',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        ['DATABASE_URL', 'CODEX_SECRET_KEY', 'SYNC_SCHEDULE', 'BUSINESS_TIMEZONE'].every((name) =>
          error.message.includes(name),
        ) &&
        !error.message.includes('too-short-secret'),
    );
  });

  it('reads schedules, secret UDFs and keys', async () => {
    const instance = await mkdtemp(path.join(tmpdir(), 'hm-codex-'));
    const config = loadCodexConfig({
      HIVEMATRIX_INSTANCE_DIR: instance,
      DATABASE_URL: 'postgres://codex@127.0.0.1/codex',
      CODEX_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      SYNC_SCHEDULE: 'datto=6h,freshservice-tickets=5m',
      DATTO_SECRET_UDFS: 'udf2=bitlocker_key,udf11=local_admin_password',
    });
    assert.equal(config.PORT, 5010);
    assert.equal(config.CODEX_SECRET_KEY?.length, 32);
    assert.deepEqual(config.SYNC_SCHEDULE, { datto: 21_600_000, 'freshservice-tickets': 300_000 });
    assert.deepEqual(config.DATTO_SECRET_UDFS, { udf2: 'bitlocker_key', udf11: 'local_admin_password' });
  });

  it("reads a schedule's unit in either case, milliseconds without one", async () => {
    const instance = await mkdtemp(path.join(tmpdir(), 'hm-codex-'));
    const config = loadCodexConfig({
      HIVEMATRIX_INSTANCE_DIR: instance,
      DATABASE_URL: 'postgres://codex@127.0.0.1/codex',
      SYNC_SCHEDULE: 'datto=2H, superops=250, freshservice=0',
    });
    assert.deepEqual(config.SYNC_SCHEDULE, { datto: 7_200_000, superops: 250, freshservice: 0 });
  });

  it('exits with status 78 when the process boots with a bad configuration', async () => {
    const instance = await mkdtemp(path.join(tmpdir(), 'hm-codex-'));
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, HIVEMATRIX_INSTANCE_DIR: instance, PORT: '70000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 78, stderr);
    assert.match(stderr, /PORT/);
    assert.match(stderr, /DATABASE_URL/);
  });
});
