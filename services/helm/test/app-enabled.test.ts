/**
 * Turning apps on and off: the platform's own services cannot be, an app cannot be turned off
 * under an enabled dependant nor on without its dependencies, the generated files follow (the
 * gateway's services.json), and `hivematrix enable|disable` does it while the platform is down.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { main } from '../src/cli/main.js';
import { loadPlatform, syncAll } from '../src/generate/sync.js';
import { GeneratedWriter } from '../src/generate/writer.js';
import type { HelmPaths } from '../src/paths.js';
import { setAppEnabled } from '../src/generate/app-enabled.js';
import { readMasterConfig } from '../src/settings/master-config.js';
import { createFixture, FIXTURE_REGISTRY } from './platform-fixture.js';

describe('enabling and disabling apps', () => {
  let paths: HelmPaths;
  let env: Record<string, string>;
  before(async () => {
    const registry = {
      ...FIXTURE_REGISTRY,
      default_apps: {
        ...FIXTURE_REGISTRY.default_apps,
        codex: { port: 5010, depends_on: ['core'], install_order: 11 },
        ledger: { port: 5030, depends_on: ['core', 'codex'], install_order: 12 },
      },
    };
    const apps = ['identity', 'core', 'helm', 'nexus', 'template', 'codex', 'ledger'].map((name) => ({
      dir: `services/${name}`,
      manifest: { service: name },
    }));
    ({ paths, env } = await createFixture({ registry, apps }));
    await syncAll(await loadPlatform(paths), new GeneratedWriter(paths));
  });

  const enabled = async (name: string) => (await readMasterConfig(paths.masterConfig))?.apps[name]?.enabled;
  const menu = async () =>
    Object.keys(JSON.parse(await readFile(paths.servicesFile, 'utf8')) as Record<string, unknown>);

  it("refuses the platform's own services, unknown names, and breaking a dependency", async () => {
    await assert.rejects(setAppEnabled(paths, 'core', false), /core is one of the platform's own services/);
    await assert.rejects(
      setAppEnabled(paths, 'nope', false),
      (error: Error & { status?: number }) => error.status === 404,
    );
    await assert.rejects(setAppEnabled(paths, 'codex', false), /ledger depends on codex: disable it first/);
    assert.equal(await enabled('codex'), true);
  });

  it("turns an app off and on, regenerating the gateway's services file, and says when nothing changed", async () => {
    assert.ok((await menu()).includes('ledger'));
    assert.deepEqual(await setAppEnabled(paths, 'ledger', false), { changed: true });
    assert.equal(await enabled('ledger'), false);
    assert.ok(!(await menu()).includes('ledger'), 'a disabled app leaves the gateway');
    assert.deepEqual(await setAppEnabled(paths, 'ledger', false), { changed: false });
    await setAppEnabled(paths, 'codex', false);
    await assert.rejects(setAppEnabled(paths, 'ledger', true), /ledger needs codex: enable it first/);
    await setAppEnabled(paths, 'codex', true);
    assert.deepEqual(await setAppEnabled(paths, 'ledger', true), { changed: true });
    assert.ok((await menu()).includes('ledger'));
  });

  it('`hivematrix disable|enable` changes the configuration for the next start when the platform is down', async () => {
    const out: string[] = [];
    const io = { out: (text: string) => out.push(text), err: (text: string) => out.push(text), isTTY: false, env };
    assert.equal(await main(['disable', 'template'], io), 0);
    assert.equal(out.join(''), 'template disabled; it takes effect when the platform starts\n');
    assert.equal(await enabled('template'), false);
    out.length = 0;
    assert.equal(await main(['disable', 'helm'], io), 1);
    assert.match(out.join(''), /helm is one of the platform's own services/);
    out.length = 0;
    assert.equal(await main(['enable', 'template'], io), 0);
    assert.equal(await enabled('template'), true);
  });
});
