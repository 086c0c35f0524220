/**
 * The layer rule (.dependency-cruiser.js, run by `npm run lint`) fails on the imports it forbids.
 * Each case builds a small service tree in a temporary folder that the rule accepts, adds one
 * forbidden import on purpose and runs the same command the linter runs, with the repository's
 * own configuration.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '../..');
const depcruise = path.join(root, 'node_modules/.bin/depcruise');
const run = promisify(execFile);

/** A service that keeps the layers: entry → routes → views/domain → db → schema. */
const CLEAN: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, jsx: 'react-jsx' },
  }),
  'services/demo/src/main.ts': "import { buildApp } from './app.js';\nexport const app = buildApp();\n",
  'services/demo/src/app.ts':
    "import { pageRoute } from './routes/page.js';\nexport const buildApp = () => [pageRoute];\n",
  'services/demo/src/routes/page.ts':
    "import { total } from '../domain/total.js';\nimport { page } from '../views/page.js';\nexport const pageRoute = () => page(total([1, 2]));\n",
  'services/demo/src/views/page.ts':
    "import { label } from '../domain/total.js';\nexport const page = (n: number) => `<p>${label} ${n}</p>`;\n",
  'services/demo/src/domain/total.ts':
    "import { loadRows } from '../db/rows.js';\nexport const label = 'Total';\nexport const total = (xs: number[]) => xs.reduce((a, b) => a + b, loadRows().length);\n",
  'services/demo/src/db/rows.ts': "import { TABLE } from './schema.js';\nexport const loadRows = () => [TABLE];\n",
  'services/demo/src/db/schema.ts': "export const TABLE = 'rows';\n",
  'services/other/src/main.ts': 'export const other = 1;\n',
};

async function cruise(extra: Record<string, string>): Promise<{ ok: boolean; output: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hm-layers-'));
  try {
    for (const [file, text] of Object.entries({ ...CLEAN, ...extra })) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), text);
    }
    const args = ['--config', path.join(root, '.dependency-cruiser.js'), '--output-type', 'err', 'services'];
    try {
      const { stdout, stderr } = await run(depcruise, args, { cwd: dir });
      return { ok: true, output: stdout + stderr };
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Appends an import to one file of the clean tree. */
function withImport(file: string, line: string): Record<string, string> {
  return { [file]: `${line}\n${CLEAN[file] ?? ''}` };
}

describe('layer rule', () => {
  it('accepts a service that imports downward only', async () => {
    const result = await cruise({});
    assert.equal(result.ok, true, result.output);
    assert.match(result.output, /no dependency violations/);
  });

  const cases: { name: string; rule: string; files: Record<string, string> }[] = [
    {
      name: 'the domain importing a route',
      rule: 'routes-only-from-entry',
      files: withImport(
        'services/demo/src/domain/total.ts',
        "import { pageRoute } from '../routes/page.js'; void pageRoute;",
      ),
    },
    {
      name: 'a view importing a route',
      rule: 'routes-only-from-entry',
      files: withImport(
        'services/demo/src/views/page.ts',
        "import type { pageRoute } from '../routes/page.js'; export type R = typeof pageRoute;",
      ),
    },
    {
      name: 'the domain importing a view',
      rule: 'views-only-from-routes',
      files: withImport('services/demo/src/domain/total.ts', "import { page } from '../views/page.js'; void page;"),
    },
    {
      name: 'a query importing the domain',
      rule: 'db-below-domain',
      files: withImport('services/demo/src/db/rows.ts', "import { label } from '../domain/total.js'; void label;"),
    },
    {
      name: 'the schema importing a query',
      rule: 'schema-is-bottom',
      files: {
        'services/demo/src/db/schema.ts':
          "import type { loadRows } from './rows.js';\nexport type L = typeof loadRows;\nexport const TABLE = 'rows';\n",
      },
    },
    {
      name: 'a route importing app.ts',
      rule: 'entry-is-top',
      files: withImport('services/demo/src/routes/page.ts', "import { buildApp } from '../app.js'; void buildApp;"),
    },
    {
      name: "another service's source",
      rule: 'no-other-service-source',
      files: withImport(
        'services/demo/src/domain/total.ts',
        "import { other } from '../../../other/src/main.js'; void other;",
      ),
    },
  ];
  for (const { name, rule, files } of cases) {
    it(`fails on ${name} (${rule})`, async () => {
      const result = await cruise(files);
      assert.equal(result.ok, false, result.output);
      assert.match(result.output, new RegExp(`error ${rule}:`));
    });
  }

  it('fails on a file of a module with an index.ts imported past its entry point (module-entry-point)', async () => {
    const module = {
      'services/ledger/src/engine/rates.ts': 'export const RATE = 1;\n',
      'services/ledger/src/engine/index.ts': "export { RATE } from './rates.js';\n",
    };
    const through = await cruise({
      ...module,
      'services/ledger/src/main.ts': "import { RATE } from './engine/index.js';\nexport const rate = RATE;\n",
    });
    assert.equal(through.ok, true, through.output);
    const past = await cruise({
      ...module,
      'services/ledger/src/main.ts': "import { RATE } from './engine/rates.js';\nexport const rate = RATE;\n",
    });
    assert.equal(past.ok, false, past.output);
    assert.match(past.output, /error module-entry-point:/);
  });

  it('fails on a file of a module that imports its own index.ts (no-circular)', async () => {
    const result = await cruise({
      'services/ledger/src/engine/rates.ts': "import { LABEL } from './index.js';\nexport const RATE = LABEL.length;\n",
      'services/ledger/src/engine/label.ts': "export const LABEL = 'rate';\n",
      'services/ledger/src/engine/index.ts':
        "export { LABEL } from './label.js';\nexport { RATE } from './rates.js';\n",
    });
    assert.equal(result.ok, false, result.output);
    assert.match(result.output, /error no-circular:/);
  });

  it('fails on a circle inside one layer (no-circular)', async () => {
    const result = await cruise({
      'services/demo/src/domain/a.ts': "import { b } from './b.js';\nexport const a = () => b();\n",
      'services/demo/src/domain/b.ts':
        "import { a } from './a.js';\nexport const b = (): number => (a === undefined ? 0 : 1);\n",
    });
    assert.equal(result.ok, false, result.output);
    assert.match(result.output, /error no-circular:/);
  });
});
