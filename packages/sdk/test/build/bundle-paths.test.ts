/**
 * The production build (scripts/build.ts) keeps every source file's own location: a module deep
 * in `src/` that resolves files from `import.meta.dirname` / `import.meta.url` finds the same
 * files from the bundle in `dist/` (how services find their static files, migrations and fonts),
 * and CommonJS packages compiled into the ES bundle still have `require`.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildTarget } from '../../../../scripts/build.js';

describe('npm run build: bundles that find their files', () => {
  let dir: string;
  before(async () => {
    // Inside the repository, so the bundle resolves npm packages from its node_modules.
    dir = await mkdtemp(path.join(import.meta.dirname, '..', '..', '..', '..', 'services', '.build-test-'));
    await mkdir(path.join(dir, 'src', 'routes', 'assets'), { recursive: true });
    await mkdir(path.join(dir, 'static'), { recursive: true });
    await writeFile(path.join(dir, 'static', 'board.js'), 'ok');
    await writeFile(
      path.join(dir, 'src', 'routes', 'assets', 'index.ts'),
      [
        "import path from 'node:path';",
        "import { readFileSync } from 'node:fs';",
        'export const here = import.meta.dirname;',
        'export const url = import.meta.url;',
        "export const asset = readFileSync(path.resolve(import.meta.dirname, '../../../static/board.js'), 'utf8');",
      ].join('\n'),
    );
    // pg is CommonJS: compiled into the ES bundle, its require() calls must still work.
    await writeFile(
      path.join(dir, 'src', 'main.ts'),
      "import pg from 'pg';\nexport { here, url, asset } from './routes/assets/index.js';\nexport const hasPool = typeof pg.Pool === 'function';\nexport const mainDir = import.meta.dirname;\n",
    );
    await buildTarget({ dir, entries: ['src/main.ts'] });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("gives each bundled module its source file's folder and URL", async () => {
    const built = (await import(pathToFileURL(path.join(dir, 'dist', 'main.js')).href)) as {
      here: string;
      url: string;
      asset: string;
      hasPool: boolean;
      mainDir: string;
    };
    assert.equal(built.here, path.join(dir, 'src', 'routes', 'assets'));
    assert.equal(built.url, pathToFileURL(path.join(dir, 'src', 'routes', 'assets', 'index.ts')).href);
    assert.equal(built.mainDir, path.join(dir, 'src'));
    assert.equal(built.asset, 'ok');
    assert.equal(built.hasPool, true);
  });
});
