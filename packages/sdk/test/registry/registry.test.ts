import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadServicesFile, serviceUrls } from '../../src/registry.js';

async function file(content: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hm-registry-'));
  const name = path.join(dir, 'services.json');
  await writeFile(name, content);
  return name;
}

describe('services.json', () => {
  it('reads a valid file and fills defaults', async () => {
    const services = await loadServicesFile(
      await file(JSON.stringify({ codex: { url: 'http://127.0.0.1:5010', port: 5010, display_name: 'Codex' } })),
    );
    assert.equal(services.codex?.visible, true);
    assert.equal(services.codex?.admin_only, false);
    assert.deepEqual(services.codex?.public_paths, []);
    assert.equal(services.codex?.strip_prefix, true);
    assert.deepEqual(serviceUrls(services), { codex: { url: 'http://127.0.0.1:5010' } });
  });

  it('names every bad field', async () => {
    const bad = await file(
      JSON.stringify({
        Codex: { url: 'http://127.0.0.1:5010', port: 5010, display_name: 'Codex' },
        beacon: { url: 'javascript:alert(1)', port: 99999, display_name: 'Beacon', public_paths: ['/../x'] },
      }),
    );
    await assert.rejects(loadServicesFile(bad), (error: Error) => {
      assert.match(error.message, /Codex/);
      assert.match(error.message, /beacon\.url/);
      assert.match(error.message, /beacon\.port/);
      assert.match(error.message, /beacon\.public_paths\.0/);
      return true;
    });
  });

  it('refuses a file that is not JSON, naming it', async () => {
    const bad = await file('{ nope');
    await assert.rejects(loadServicesFile(bad), new RegExp(`${bad.replaceAll('/', '\\/')} is not valid JSON`));
  });
});
