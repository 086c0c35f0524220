/** The registry and discovery: merging, deterministic ports, start order, and the generated service tables. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadServicesFile } from '@hivematrix/sdk';
import { platformPaths, REPOSITORY_ROOT } from '../src/config.js';
import { loadPlatform, syncAll, writeServiceTables } from '../src/generate/sync.js';
import { GeneratedWriter } from '../src/generate/writer.js';
import { loadPlatformApps } from '../src/registry/load.js';
import { DependencyError, startOrder } from '../src/registry/order.js';
import { assignPorts, AUTO_PORT_RANGE } from '../src/registry/ports.js';
import type { FIXTURE_REGISTRY } from './platform-fixture.js';
import { createFixture } from './platform-fixture.js';

describe('ports for apps without one', () => {
  it('are the same whatever order the apps are listed in, and inside the range', () => {
    const apps = ['zeta', 'alpha', 'mid-app', 'beta'].map((name) => ({ name }));
    const first = assignPorts(apps);
    const second = assignPorts([...apps].reverse());
    assert.deepEqual([...first].sort(), [...second].sort());
    for (const port of first.values()) assert.ok(port >= AUTO_PORT_RANGE.first && port <= AUTO_PORT_RANGE.last);
  });

  it('never collide with declared ports, reserved ports or each other, probing forward in name order', () => {
    const range = { first: 7000, last: 7004 };
    const ports = assignPorts(
      [{ name: 'c' }, { name: 'a' }, { name: 'b' }, { name: 'declared', port: 7001 }],
      [7002],
      range,
    );
    assert.equal(ports.get('declared'), 7001);
    const assigned = ['a', 'b', 'c'].map((name) => ports.get(name) ?? 0);
    assert.deepEqual([...assigned].sort(), [7000, 7003, 7004], 'the three free slots, each used once');
    assert.deepEqual(
      assignPorts([{ name: 'b' }, { name: 'declared', port: 7001 }, { name: 'a' }, { name: 'c' }], [7002], range),
      ports,
    );
    assert.throws(
      () => assignPorts([{ name: 'a' }, { name: 'b' }], [], { first: 7000, last: 7000 }),
      /no free port left/,
    );
  });

  it('refuses two apps declaring the same port, naming both', () => {
    assert.throws(
      () =>
        assignPorts([
          { name: 'one', port: 5010 },
          { name: 'two', port: 5010 },
        ]),
      /port 5010 is declared by both one and two/,
    );
  });
});

describe('start order', () => {
  it('puts every app after its dependencies, then by install order and name', () => {
    const order = startOrder([
      { name: 'nexus', dependsOn: ['core', 'identity'], installOrder: 4 },
      { name: 'template', dependsOn: ['core'], installOrder: 10 },
      { name: 'core', dependsOn: ['postgresql'], installOrder: 2 },
      { name: 'identity', dependsOn: ['postgresql'], installOrder: 1 },
      { name: 'postgresql', dependsOn: [], installOrder: 0 },
    ]);
    assert.deepEqual(order, ['postgresql', 'identity', 'core', 'nexus', 'template']);
  });

  it('refuses a cycle and spells it out', () => {
    assert.throws(
      () =>
        startOrder([
          { name: 'a', dependsOn: ['c'], installOrder: 0 },
          { name: 'b', dependsOn: ['a'], installOrder: 0 },
          { name: 'c', dependsOn: ['b'], installOrder: 0 },
          { name: 'd', dependsOn: [], installOrder: 0 },
        ]),
      (error: unknown) => error instanceof DependencyError && /dependency cycle: a → c → b → a/.test(error.message),
    );
    assert.throws(() => startOrder([{ name: 'a', dependsOn: ['a'], installOrder: 0 }]), /dependency cycle: a → a/);
  });

  it('refuses a dependency on something unknown', () => {
    assert.throws(
      () => startOrder([{ name: 'a', dependsOn: ['ghost'], installOrder: 0 }]),
      /a depends on ghost, which is not known/,
    );
  });
});

describe('registry and discovery', () => {
  it('finds apps under services/ and the apps folder without editing the registry', async () => {
    const { paths } = await createFixture({
      appsDir: true,
      apps: [
        { dir: 'services/helm', manifest: { service: 'helm' } },
        { dir: 'services/inventory', manifest: { service: 'inventory', display_name: 'Stock', depends_on: ['helm'] } },
        { dir: 'external-apps/reports-folder', manifest: { service: 'reports', port: 6100 } },
        { dir: 'services/not-an-app' },
      ],
      registry: { core_apps: { helm: { port: 5004 } }, system_dependencies: { postgresql: { embedded: true } } },
    });
    const platform = await loadPlatformApps(paths);
    assert.deepEqual(platform.apps.map((app) => app.name).sort(), ['helm', 'inventory', 'reports']);
    const inventory = platform.apps.find((app) => app.name === 'inventory');
    assert.equal(inventory?.source, 'discovered');
    assert.equal(inventory?.displayName, 'Stock');
    assert.deepEqual(inventory?.dependsOn, ['postgresql', 'helm']);
    assert.ok((inventory?.port ?? 0) >= AUTO_PORT_RANGE.first);
    assert.equal(platform.apps.find((app) => app.name === 'reports')?.port, 6100);
    assert.deepEqual(platform.order, ['postgresql', 'helm', 'inventory', 'reports']);
    // Same answer on every load.
    assert.equal((await loadPlatformApps(paths)).apps.find((app) => app.name === 'inventory')?.port, inventory?.port);
  });

  it('lets the registry win over an app manifest, and a master-configuration port win over both', async () => {
    const { paths } = await createFixture({
      apps: [
        { dir: 'services/web', manifest: { service: 'web', port: 6000, display_name: 'From manifest', icon: 'star' } },
      ],
      registry: { core_apps: {}, default_apps: { web: { port: 6001, display_name: 'From registry' } } },
    });
    const web = (await loadPlatformApps(paths)).apps[0];
    assert.equal(web?.port, 6001);
    assert.equal(web?.displayName, 'From registry');
    assert.equal(web?.icon, 'star');
    assert.equal((await loadPlatformApps(paths, { portOverrides: { web: 7000 } })).apps[0]?.port, 7000);
  });

  it('refuses two folders claiming one service, and a registry with a cycle', async () => {
    const twice = await createFixture({
      registry: { core_apps: {} },
      apps: [
        { dir: 'services/a', manifest: { service: 'same' } },
        { dir: 'services/b', manifest: { service: 'same' } },
      ],
    });
    await assert.rejects(loadPlatformApps(twice.paths), /two folders claim the service "same"/);
    const cyclic = await createFixture({
      registry: { core_apps: { a: { depends_on: ['b'], database: false }, b: { depends_on: ['a'], database: false } } },
      apps: [],
    });
    await assert.rejects(loadPlatformApps(cyclic.paths), /dependency cycle: a → b → a/);
  });

  it('marks a registry app whose folder has no entry file as not installed and leaves it out of services.json', async () => {
    const { paths } = await createFixture({
      apps: [
        { dir: 'services/helm', manifest: { service: 'helm' } },
        { dir: 'services/template', manifest: { service: 'template' } },
        { dir: 'services/core', installed: false },
      ],
    });
    const loaded = await loadPlatform(paths);
    assert.equal(loaded.platform.apps.find((app) => app.name === 'core')?.installed, false);
    await writeServiceTables(loaded, new GeneratedWriter(paths));
    const services = await loadServicesFile(paths.servicesFile);
    assert.deepEqual(Object.keys(services), ['helm', 'template']);
  });
});

describe('generated service tables', () => {
  it('turns the repository registry into a services.json that passes the SDK schema, and a master_services.json', async () => {
    const { paths: scratch } = await createFixture({ apps: [] });
    const paths = platformPaths({ HIVEMATRIX_ROOT: REPOSITORY_ROOT, HIVEMATRIX_INSTANCE_DIR: scratch.instance });
    const loaded = await loadPlatform(paths);
    await syncAll(loaded, new GeneratedWriter(paths));
    const services = await loadServicesFile(paths.servicesFile);
    const master = JSON.parse(await readFile(paths.masterServicesFile, 'utf8')) as Record<
      string,
      { url: string; port: number }
    >;
    assert.deepEqual(
      services.helm && { url: services.helm.url, admin_only: services.helm.admin_only, visible: services.helm.visible },
      { url: 'http://127.0.0.1:5004', admin_only: true, visible: true },
    );
    assert.deepEqual(services.codex && { port: services.codex.port, strip_prefix: services.codex.strip_prefix }, {
      port: 5010,
      strip_prefix: true,
    });
    assert.equal(services.template, undefined, 'the template (a scaffold for developers) is off on a new installation');
    if (services.identity !== undefined) assert.equal(services.identity.strip_prefix, false);
    if (services.nexus !== undefined) assert.equal(services.nexus.url, 'https://127.0.0.1:8443');
    assert.deepEqual(Object.keys(master), Object.keys(services));
    for (const [name, entry] of Object.entries(services))
      assert.deepEqual(master[name], { url: entry.url, port: entry.port });
  });

  it('writes the same bytes on every run and reports nothing changed', async () => {
    const { paths } = await createFixture();
    const first = await syncAll(await loadPlatform(paths), new GeneratedWriter(paths));
    assert.ok(first.every((result) => result.status === 'created'));
    const before = await readFile(paths.servicesFile, 'utf8');
    const second = await syncAll(await loadPlatform(paths), new GeneratedWriter(paths));
    assert.ok(
      second.every((result) => result.status === 'unchanged'),
      JSON.stringify(second),
    );
    assert.equal(await readFile(paths.servicesFile, 'utf8'), before);
  });

  it('replaces a hand-edited services.json and keeps the edit in a backup', async () => {
    const { paths } = await createFixture();
    await syncAll(await loadPlatform(paths), new GeneratedWriter(paths));
    const generated = await readFile(paths.servicesFile, 'utf8');
    await writeFile(paths.servicesFile, generated.replace('"visible": true', '"visible": false'));
    const results = await writeServiceTables(await loadPlatform(paths), new GeneratedWriter(paths));
    const edited = results.find((result) => result.file === paths.servicesFile);
    assert.equal(edited?.handEdited, true);
    assert.equal(await readFile(paths.servicesFile, 'utf8'), generated);
    assert.match(await readFile(edited?.backup ?? '', 'utf8'), /"visible": false/);
    assert.ok(edited?.backup?.startsWith(path.join(paths.backupsDir, 'config')));
  });

  it('keeps the registry in the repository valid', async () => {
    const registry = JSON.parse(
      await readFile(path.join(REPOSITORY_ROOT, 'apps_registry.json'), 'utf8'),
    ) as typeof FIXTURE_REGISTRY;
    assert.deepEqual(Object.keys(registry.core_apps).sort(), ['core', 'helm', 'identity', 'nexus']);
  });
});
