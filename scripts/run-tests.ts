/**
 * The test runner behind ./test.sh.
 *
 * Finds every test file of the workspace and runs them with node:test (through tsx). Database
 * tests need a PostgreSQL server: when TEST_DATABASE_URL is not set (a fresh machine), one
 * embedded cluster is started here for the whole run and its URL handed to every test process,
 * so each test file only creates its own throwaway database on it.
 *
 * Usage: tsx scripts/run-tests.ts [path-filter ...]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startEmbeddedPostgres } from '../packages/sdk/src/db/embedded.js';

const root = path.resolve(import.meta.dirname, '..');
const filters = process.argv.slice(2);

async function findTests(dir: string): Promise<string[]> {
  const found: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') found.push(...(await findTests(full)));
    else if (/\.test\.tsx?$/.test(entry.name)) found.push(full);
  }
  return found;
}

async function main(): Promise<number> {
  const roots = ['packages', 'services', 'e2e', 'scripts'].map((d) => path.join(root, d));
  const files = (await Promise.all(roots.map(findTests)))
    .flat()
    .map((f) => path.relative(root, f))
    .filter((f) => filters.length === 0 || filters.some((needle) => f.includes(needle)))
    .sort();
  if (files.length === 0) {
    console.error('no test files matched');
    return 1;
  }

  const env = { ...process.env };
  let stopPostgres: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  if (!env.TEST_DATABASE_URL) {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hivematrix-test-pg-'));
    const started = Date.now();
    const pg = await startEmbeddedPostgres({
      dataDir,
      superuserPassword: randomBytes(18).toString('base64url'),
      persistent: false,
    });
    env.TEST_DATABASE_URL = pg.url;
    stopPostgres = pg.stop;
    console.log(`==> Embedded PostgreSQL for this run on port ${pg.port} (${Date.now() - started} ms)`);
  } else {
    console.log(`==> Database tests on ${new URL(env.TEST_DATABASE_URL).host}`);
  }

  console.log(`==> ${files.length} test files`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=120000', '--test-concurrency=2', ...files],
      { cwd: root, env, stdio: 'inherit' },
    );
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });

  if (stopPostgres) await stopPostgres();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  return code;
}

process.exitCode = await main();
