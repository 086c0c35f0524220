/** The model settings: a provider needs a model, openai-compatible a base URL, and the key file must be 0600. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@hivematrix/sdk';
import { loadBrainhairConfig, readModelKey } from '../../src/config.js';
import { createModel } from '../../src/chat/model.js';

describe('brainhair: model settings', () => {
  const base = { DATABASE_URL: 'postgres://u@127.0.0.1/db' };

  it('defaults to search mode (no provider, no model)', async () => {
    const instance = await mkdtemp(path.join(tmpdir(), 'hm-bh-'));
    const config = loadBrainhairConfig({ ...base, HIVEMATRIX_INSTANCE_DIR: instance });
    assert.equal(config.BRAINHAIR_MODEL_PROVIDER, 'none');
    assert.equal(createModel(config, undefined), undefined);
  });

  it('refuses a provider without a model, and openai-compatible without a base URL', async () => {
    const instance = await mkdtemp(path.join(tmpdir(), 'hm-bh-'));
    assert.throws(
      () =>
        loadBrainhairConfig({
          ...base,
          HIVEMATRIX_INSTANCE_DIR: instance,
          BRAINHAIR_MODEL_PROVIDER: 'openai-compatible',
        }),
      (e: unknown) =>
        e instanceof ConfigError && /BRAINHAIR_MODEL:/.test(e.message) && /BRAINHAIR_MODEL_BASE_URL/.test(e.message),
    );
    const ok = loadBrainhairConfig({
      ...base,
      HIVEMATRIX_INSTANCE_DIR: instance,
      BRAINHAIR_MODEL_PROVIDER: 'openai-compatible',
      BRAINHAIR_MODEL: 'llama3.1',
      BRAINHAIR_MODEL_BASE_URL: 'http://127.0.0.1:11434/v1',
    });
    assert.ok(createModel(ok, undefined));
  });

  it('reads the key only from a 0600 file and never names its content', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hm-bh-'));
    const file = path.join(dir, 'model.key');
    await writeFile(file, 'sk-very-secret-key\n');
    await chmod(file, 0o644);
    assert.throws(
      () => readModelKey(file),
      (e: unknown) => e instanceof ConfigError && /0600/.test(e.message) && !e.message.includes('sk-very'),
    );
    await chmod(file, 0o600);
    assert.equal(readModelKey(file), 'sk-very-secret-key');
    assert.equal(readModelKey(undefined), undefined);
  });
});
