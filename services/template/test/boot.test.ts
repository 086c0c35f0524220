/** Booting the real process: a bad configuration is refused, naming every bad variable. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTemplateConfig } from '../src/config.js';
import { ConfigError } from '@hivematrix/sdk';

const main = path.resolve(import.meta.dirname, '../src/main.ts');

describe('template: configuration at boot', () => {
  it('names both bad variables in one error', async () => {
    const instance = await mkdtemp(path.join(tmpdir(), 'hm-template-'));
    assert.throws(
      () => loadTemplateConfig({ HIVEMATRIX_INSTANCE_DIR: instance, PORT: 'eighty', DATABASE_URL: 'not a url' }),
      (error: unknown) =>
        error instanceof ConfigError && /PORT/.test(error.message) && /DATABASE_URL/.test(error.message),
    );
  });

  it('exits with status 78 and lists both variables when the process boots', async () => {
    const instance = await mkdtemp(path.join(tmpdir(), 'hm-template-'));
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, HIVEMATRIX_INSTANCE_DIR: instance, PORT: '70000', LOG_LEVEL: 'loud' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 78, stderr);
    assert.match(stderr, /PORT/);
    assert.match(stderr, /LOG_LEVEL/);
    assert.match(stderr, /DATABASE_URL/);
  });
});
