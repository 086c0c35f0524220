/**
 * `system.runtime` / HIVEMATRIX_RUNTIME: helm runs a service's build with plain node when the
 * build is chosen and present, its sources through tsx otherwise (and when it has no build).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { platformPaths } from '../src/config.js';
import { BUILD_NODE_FLAGS, buildEnv } from '../src/daemon/build-tuning.js';
import { builtEntry, entryArgs, runtimeFromEnv, TSX_LOADER, unitSpecFor } from '../src/daemon/service-specs.js';
import { loadPlatform } from '../src/generate/sync.js';
import type { AppDefinition } from '../src/registry/load.js';

describe('helm: source or build runtime', () => {
  let dir: string;
  let app: AppDefinition;
  let instance: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hm-runtime-'));
    instance = path.join(dir, 'instance');
    const loaded = await loadPlatform(platformPaths({ HIVEMATRIX_INSTANCE_DIR: instance }));
    const codex = loaded.platform.apps.find((candidate) => candidate.name === 'codex');
    assert.ok(codex);
    app = { ...codex, dir: path.join(dir, 'codex') };
    await mkdir(path.join(app.dir, 'src'), { recursive: true });
    await writeFile(path.join(app.dir, 'src', 'main.ts'), '');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads HIVEMATRIX_RUNTIME leniently', () => {
    assert.equal(runtimeFromEnv('build'), 'build');
    assert.equal(runtimeFromEnv('source'), 'source');
    assert.equal(runtimeFromEnv('Build'), undefined);
    assert.equal(runtimeFromEnv(undefined), undefined);
  });

  it('runs the sources through tsx, and also when the build is chosen but missing', () => {
    const sources = ['--import', TSX_LOADER, path.join(app.dir, 'src', 'main.ts')];
    assert.deepEqual(entryArgs(app, 'source'), sources);
    assert.deepEqual(entryArgs(app, 'build'), sources);
  });

  it('runs dist/main.js with plain node once built, when the build is chosen (env over master config)', async () => {
    assert.equal(builtEntry(app), path.join(app.dir, 'dist', 'main.js'));
    await mkdir(path.join(app.dir, 'dist'), { recursive: true });
    await writeFile(builtEntry(app), '');
    const built = [...BUILD_NODE_FLAGS, builtEntry(app)];
    assert.deepEqual(entryArgs(app, 'build'), built);
    assert.deepEqual(entryArgs(app, 'source'), ['--import', TSX_LOADER, path.join(app.dir, 'src', 'main.ts')]);

    const loaded = await loadPlatform(platformPaths({ HIVEMATRIX_INSTANCE_DIR: instance }));
    assert.equal(loaded.config.system.runtime, 'source', 'a checkout runs its sources by default');
    const fromEnv = unitSpecFor(app, loaded, { nodePath: process.execPath, baseEnv: {}, runtime: 'build' });
    assert.deepEqual(fromEnv.args, built);
    const fromConfig = unitSpecFor(
      app,
      { ...loaded, config: { ...loaded.config, system: { ...loaded.config.system, runtime: 'build' } } },
      { nodePath: process.execPath, baseEnv: {} },
    );
    assert.deepEqual(fromConfig.args, built);
    const overridden = unitSpecFor(
      app,
      { ...loaded, config: { ...loaded.config, system: { ...loaded.config.system, runtime: 'build' } } },
      { nodePath: process.execPath, baseEnv: {}, runtime: 'source' },
    );
    assert.equal(overridden.args[0], '--import');
  });

  it("sets the build's environment for built services only, an operator's own value winning", async () => {
    await mkdir(path.join(app.dir, 'dist'), { recursive: true });
    await writeFile(builtEntry(app), '');
    const loaded = await loadPlatform(platformPaths({ HIVEMATRIX_INSTANCE_DIR: instance }));
    await mkdir(path.dirname(loaded.paths.envFile(app.name)), { recursive: true });
    await writeFile(loaded.paths.envFile(app.name), 'SERVICE_NAME=codex\n');
    const [name, value] = Object.entries(buildEnv(loaded.paths.runDir))[0] ?? [];
    assert.ok(name !== undefined && value !== undefined, 'the build sets at least one variable');
    const built = await unitSpecFor(app, loaded, { nodePath: process.execPath, baseEnv: {}, runtime: 'build' }).env();
    assert.equal(built[name], value);
    assert.equal(built.NODE_COMPILE_CACHE, path.join(loaded.paths.runDir, 'compile-cache'), 'kept in the run folder');
    const source = await unitSpecFor(app, loaded, { nodePath: process.execPath, baseEnv: {}, runtime: 'source' }).env();
    assert.equal(source[name], undefined);
    const operator = await unitSpecFor(app, loaded, {
      nodePath: process.execPath,
      baseEnv: { [name]: 'operator' },
      runtime: 'build',
    }).env();
    assert.equal(operator[name], 'operator');
  });
});
