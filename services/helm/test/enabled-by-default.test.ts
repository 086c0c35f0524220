/**
 * Apps a new installation leaves off (`enabled_by_default: false` in the registry, the template):
 * written as `enabled: false` the first time they enter the master configuration, absent from the
 * gateway's services file, turned on by one `hivematrix enable`, and an operator's later choice
 * (or an existing installation's entry) is never undone by a regeneration.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { main } from '../src/cli/main.js';
import { loadPlatform, syncAll } from '../src/generate/sync.js';
import { GeneratedWriter } from '../src/generate/writer.js';
import { readMasterConfig } from '../src/settings/master-config.js';
import { createFixture, FIXTURE_REGISTRY } from './platform-fixture.js';

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../../..');

describe('apps off by default on a new installation', () => {
  it('the repository registry leaves the template off and everything else on', async () => {
    const registry = JSON.parse(await readFile(path.join(REPOSITORY_ROOT, 'apps_registry.json'), 'utf8')) as {
      default_apps: Record<string, { enabled_by_default?: boolean }>;
    };
    const off = Object.entries(registry.default_apps)
      .filter(([, app]) => app.enabled_by_default === false)
      .map(([name]) => name);
    assert.deepEqual(off, ['template']);
  });

  it('writes enabled: false once, keeps it out of the menu, and `hivematrix enable` turns it on for good', async () => {
    const registry = {
      ...FIXTURE_REGISTRY,
      default_apps: { template: { ...FIXTURE_REGISTRY.default_apps.template, enabled_by_default: false } },
    };
    const { paths, env } = await createFixture({ registry });
    await syncAll(await loadPlatform(paths), new GeneratedWriter(paths));
    const enabled = async () => (await readMasterConfig(paths.masterConfig))?.apps.template?.enabled;
    const menu = async () =>
      Object.keys(JSON.parse(await readFile(paths.servicesFile, 'utf8')) as Record<string, unknown>);
    assert.equal(await enabled(), false);
    assert.ok(!(await menu()).includes('template'), 'not in the gateway (side panel) on a new install');

    const out: string[] = [];
    const io = { out: (text: string) => out.push(text), err: (text: string) => out.push(text), isTTY: false, env };
    assert.equal(await main(['enable', 'template'], io), 0, out.join(''));
    assert.equal(await enabled(), true);
    assert.ok((await menu()).includes('template'));

    // A later regeneration (every start runs one) keeps the operator's choice.
    await syncAll(await loadPlatform(paths), new GeneratedWriter(paths));
    assert.equal(await enabled(), true);
  });
});
