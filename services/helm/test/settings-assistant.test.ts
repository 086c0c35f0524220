/**
 * The assistant's model settings on the settings page: provider, model and base URL saved into
 * brainhair's variables of the master configuration, the API key write-only (a 0600 file, only
 * its path in the configuration and the env file; never on the page, in the logs, in the audit
 * trail or in a refused form), brainhair's own validation rules, and brainhair named for a restart.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { createLogger } from '@hivematrix/sdk';
import { auditTrail } from '../src/db/schema.js';
import { loadPlatform, syncAll } from '../src/generate/sync.js';
import { GeneratedWriter } from '../src/generate/writer.js';
import type { HelmPaths } from '../src/paths.js';
import { assistantKeyFile } from '../src/settings/assistant.js';
import { readMasterConfig } from '../src/settings/master-config.js';
import { startConsole, type Console } from './console-harness.js';
import { createFixture, FIXTURE_REGISTRY } from './platform-fixture.js';

const KEY = 'sk-test-Zq81vX0RkP3nN4d7Hq2mA9sLw5eYt6uJ';
const KEY2 = 'sk-ant-second-9f8e7d6c5b4a3928171615141312';

describe('helm console: the assistant settings', () => {
  let c: Console;
  let paths: HelmPaths;
  const logged: string[] = [];
  before(async () => {
    const registry = {
      ...FIXTURE_REGISTRY,
      default_apps: {
        ...FIXTURE_REGISTRY.default_apps,
        brainhair: { port: 5050, depends_on: ['core'], install_order: 60 },
      },
    };
    const apps = ['identity', 'core', 'helm', 'nexus', 'template', 'brainhair'].map((name) => ({
      dir: `services/${name}`,
      manifest: { service: name },
    }));
    ({ paths } = await createFixture({ registry, apps }));
    await syncAll(await loadPlatform(paths), new GeneratedWriter(paths));
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString('utf8'));
        done();
      },
    });
    c = await startConsole(undefined, {
      logger: createLogger({ service: 'helm', level: 'trace', destination }),
      settings: { paths },
    });
  });
  after(async () => c.close());

  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const post = (fields: [string, string][]) =>
    c.app.inject({
      method: 'POST',
      url: '/settings',
      payload: new URLSearchParams(fields).toString(),
      headers: { ...as(c.admin), origin: 'https://hive.example', 'content-type': 'application/x-www-form-urlencoded' },
    });
  const page = async () => (await c.app.inject({ url: '/settings', headers: as(c.admin) })).body;
  // The key's input: a password field that carries no value.
  const assertEmptyKeyField = (body: string): void => {
    const input = /<input[^>]*name="assistant\.api_key"[^>]*>/.exec(body)?.[0] ?? '';
    assert.match(input, /type="password"/);
    assert.doesNotMatch(input, /value=/);
  };
  const brainhairEnv = async () => (await readMasterConfig(paths.masterConfig))?.apps.brainhair?.env ?? {};

  it('shows the provider (none by default), model, base URL and an empty write-only key field', async () => {
    const body = await page();
    assert.match(body, /name="assistant\.provider"[\s\S]*?<option value="none" selected/);
    assert.match(body, /name="assistant\.model"/);
    assert.match(body, /name="assistant\.base_url"/);
    assertEmptyKeyField(body);
    assert.match(body, /No key is stored/);
    assert.match(body, /restarted/);
  });

  it('refuses what brainhair would refuse, naming each field, saving nothing and never echoing the key', async () => {
    const configBefore = await readFile(paths.masterConfig, 'utf8');
    const compatible = await post([
      ['assistant.provider', 'openai-compatible'],
      ['assistant.model', ''],
      ['assistant.base_url', ''],
      ['assistant.api_key', KEY],
    ]);
    assert.equal(compatible.statusCode, 400);
    assert.match(compatible.body, /assistant\.model: required when a provider is chosen/);
    assert.match(compatible.body, /assistant\.base_url: required for openai-compatible/);
    assert.ok(!compatible.body.includes(KEY), 'a refused form shows the key');
    assertEmptyKeyField(compatible.body);
    const hosted = await post([
      ['assistant.provider', 'anthropic'],
      ['assistant.model', 'claude-sonnet-4-5'],
      ['assistant.api_key', ''],
    ]);
    assert.equal(hosted.statusCode, 400);
    assert.match(hosted.body, /assistant\.api_key: anthropic needs an API key/);
    const bad = await post([
      ['assistant.provider', 'skynet'],
      ['assistant.base_url', 'ftp://x'],
      ['assistant.api_key', 'two words'],
    ]);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /assistant\.provider: one of none, openai-compatible, openai, anthropic/);
    assert.match(bad.body, /assistant\.base_url: an http:\/\/ or https:\/\/ URL/);
    assert.match(bad.body, /assistant\.api_key: printable characters without spaces/);
    assert.match(bad.body, /aria-invalid="true"/);
    assert.equal(await readFile(paths.masterConfig, 'utf8'), configBefore);
    await assert.rejects(stat(assistantKeyFile(paths.secretsDir)), { code: 'ENOENT' });
  });

  it("saves a local server without a key: variables in brainhair's env file, brainhair named for a restart", async () => {
    const res = await post([
      ['assistant.provider', 'openai-compatible'],
      ['assistant.model', 'llama3.1:8b'],
      ['assistant.base_url', 'http://127.0.0.1:11434/v1'],
      ['assistant.api_key', ''],
    ]);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/settings?done=saved&changed=3&restart=brainhair');
    assert.deepEqual(await brainhairEnv(), {
      BRAINHAIR_MODEL_PROVIDER: 'openai-compatible',
      BRAINHAIR_MODEL: 'llama3.1:8b',
      BRAINHAIR_MODEL_BASE_URL: 'http://127.0.0.1:11434/v1',
    });
    const env = await readFile(paths.envFile('brainhair'), 'utf8');
    assert.match(env, /BRAINHAIR_MODEL_PROVIDER="openai-compatible"/);
    assert.match(env, /BRAINHAIR_MODEL_BASE_URL="http:\/\/127\.0\.0\.1:11434\/v1"/);
    assert.doesNotMatch(env, /BRAINHAIR_MODEL_KEY_FILE/);
    const body = await page();
    assert.match(body, /<option value="openai-compatible" selected/);
    assert.match(body, /name="assistant\.model"[^>]*value="llama3\.1:8b"/);
    // Saving the same values again changes nothing and restarts nothing.
    const again = await post([
      ['assistant.provider', 'openai-compatible'],
      ['assistant.model', 'llama3.1:8b'],
      ['assistant.base_url', 'http://127.0.0.1:11434/v1'],
      ['assistant.api_key', ''],
    ]);
    assert.equal(again.headers.location, '/settings?done=saved&changed=0');
  });

  it('writes a typed key to a 0600 file and only its path to the configuration; the key is never shown, logged or audited', async () => {
    const res = await post([
      ['assistant.provider', 'openai'],
      ['assistant.model', 'gpt-4o-mini'],
      ['assistant.base_url', ''],
      ['assistant.api_key', ` ${KEY} `],
    ]);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/settings?done=saved&changed=4&restart=brainhair');
    const file = assistantKeyFile(paths.secretsDir);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await readFile(file, 'utf8')).trim(), KEY);
    assert.deepEqual(await brainhairEnv(), {
      BRAINHAIR_MODEL_PROVIDER: 'openai',
      BRAINHAIR_MODEL: 'gpt-4o-mini',
      BRAINHAIR_MODEL_KEY_FILE: file,
    });
    const env = await readFile(paths.envFile('brainhair'), 'utf8');
    assert.ok(env.includes(`BRAINHAIR_MODEL_KEY_FILE="${file}"`));
    assert.ok(!env.includes(KEY), 'the key is in the env file');
    assert.ok(!(await readFile(paths.masterConfig, 'utf8')).includes(KEY), 'the key is in the master configuration');
    const body = await page();
    assert.ok(!body.includes(KEY), 'the key is on the page');
    assert.match(body, /A key is stored in/);
    assertEmptyKeyField(body);

    // Replacing the key keeps the file's path (the env file is unchanged) and still names brainhair.
    const replaced = await post([
      ['assistant.provider', 'openai'],
      ['assistant.model', 'gpt-4o-mini'],
      ['assistant.api_key', KEY2],
    ]);
    assert.equal(replaced.headers.location, '/settings?done=saved&changed=1&restart=brainhair');
    assert.equal((await readFile(file, 'utf8')).trim(), KEY2);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    // An empty key field keeps the stored key.
    const kept = await post([
      ['assistant.provider', 'openai'],
      ['assistant.model', 'gpt-4o'],
      ['assistant.api_key', ''],
    ]);
    assert.equal(kept.headers.location, '/settings?done=saved&changed=1&restart=brainhair');
    assert.equal((await readFile(file, 'utf8')).trim(), KEY2);

    const audit = await c.database.db.select().from(auditTrail).orderBy(auditTrail.id);
    assert.match(
      audit.at(-3)?.detail ?? '',
      /changed: assistant\.provider, assistant\.model, assistant\.base_url, assistant\.api_key; to restart: brainhair/,
    );
    const everything = [logged.join(''), JSON.stringify(audit)].join('\n');
    for (const key of [KEY, KEY2]) assert.ok(!everything.includes(key), 'a key reached the logs or the audit trail');
    assert.ok(logged.length > 0, 'the logger captured nothing, so the check above proves nothing');
  });

  it('removes the stored key when asked, and back to search mode removes the variables', async () => {
    const file = assistantKeyFile(paths.secretsDir);
    const res = await post([
      ['assistant.provider', 'none'],
      ['assistant.model', ''],
      ['assistant.base_url', ''],
      ['assistant.api_key', ''],
      ['assistant.remove_key', 'true'],
    ]);
    assert.equal(res.statusCode, 303);
    assert.deepEqual(await brainhairEnv(), {});
    await assert.rejects(stat(file), { code: 'ENOENT' });
    assert.doesNotMatch(await readFile(paths.envFile('brainhair'), 'utf8'), /BRAINHAIR_MODEL/);
    assert.match(await page(), /No key is stored/);
  });

  it('leaves the assistant alone when a form without its fields is saved', async () => {
    await post([
      ['assistant.provider', 'openai-compatible'],
      ['assistant.model', 'qwen2.5'],
      ['assistant.base_url', 'http://10.0.0.5:8000/v1'],
    ]);
    const res = await post([['system.log_retention_days', '21']]);
    assert.equal(res.statusCode, 303);
    assert.equal((await brainhairEnv()).BRAINHAIR_MODEL, 'qwen2.5');
  });
});
