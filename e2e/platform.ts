/**
 * A whole platform for browser tests, as an operator gets it: the repository is cloned into a
 * temporary folder, its dependencies installed (see `CloneOptions.install`), every service given a free
 * port (so a platform already running on this machine is not disturbed), then `./start.sh`.
 * `cli()` runs `hivematrix` in the clone; `stop()` stops it and removes the clone.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmod, copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '@hivematrix/sdk/db';
import { CHROMIUM_PATH, launchChromium } from './browser.js';

export const SOURCE = path.resolve(import.meta.dirname, '..');
export const ARTIFACTS = path.join(SOURCE, 'test-artifacts');
const execFileAsync = promisify(execFile);

/** A command's exit code and its stdout and stderr together. */
export interface RunResult {
  code: number | null;
  out: string;
}

/** Runs a command; resolves with its output whatever the exit code. */
export function run(
  cwd: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => resolve({ code, out }));
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The pids of every process whose command line mentions `folder`. */
export async function processesUnder(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(folder)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ').slice(0, 120)}`);
  }
  return found;
}

/** A service as `hivematrix status --json` shows it. */
export interface ServiceView {
  name: string;
  state: string;
  health: string;
  pid: number | null;
}

/** A cloned, configured platform. */
export interface Platform {
  clone: string;
  env: NodeJS.ProcessEnv;
  /** The gateway's public URL, `https://localhost:<port>`. */
  publicUrl: string;
  /** `hivematrix <args>` in the clone (`input` goes to its standard input). */
  cli(args: string[], input?: string): Promise<RunResult>;
  /** Any command in the clone. */
  run(command: string, args: string[]): Promise<RunResult>;
  /** `./start.sh`; asserts it succeeded. */
  start(): Promise<RunResult>;
  status(): Promise<ServiceView[]>;
  adminPassword(): Promise<string>;
  /** Stops the platform (when started) and removes the clone. */
  dispose(): Promise<void>;
}

/** Options of `clonePlatform`. */
export interface CloneOptions {
  /**
   * Apps turned on before the first start although a new installation leaves them off. Default
   * `['template']`: most journeys sign in at the template's page (a new install does not enable
   * it, see `enabled_by_default` in apps_registry.json); `[]` gives a new installation as shipped.
   */
  enable?: readonly string[];
  /**
   * How the clone gets its dependencies. `'npm ci'` installs them as an operator's first start would
   * (from the npm cache; about 45 s on a quiet machine, minutes under load). `'link'` (the default)
   * copies this checkout's node_modules as hard links in about 3 s: the same packages, since the
   * clone is of the same commit, for journeys that test the platform rather than its installation.
   */
  install?: 'npm ci' | 'link';
}

/** Clones the repository and configures free ports; `start()` brings it up. */
export async function clonePlatform(options: CloneOptions = {}): Promise<Platform> {
  const base = await mkdtemp(path.join(tmpdir(), 'hm-e2e-'));
  // When tests run as root, the embedded server runs as `postgres` and must reach instance/.
  await chmod(base, 0o755);
  const clone = path.join(base, 'hivematrix');
  await execFileAsync('git', ['clone', '--quiet', SOURCE, clone]);
  const { NODE_TEST_CONTEXT: _ignored, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited, HIVEMATRIX_INSTANCE_DIR: path.join(clone, 'instance') };
  await installDependencies(clone, options.install ?? 'link', env);

  const cli = (args: string[], input?: string) =>
    run(clone, process.execPath, ['services/helm/bin/hivematrix.js', ...args], env, input);
  assert.equal((await cli(['update-config'])).code, 0);
  const configFile = path.join(clone, 'instance', 'configs', 'master_config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as {
    apps: Record<string, { port?: number; enabled?: boolean }>;
    keycloak: { upstream_url: string };
  };
  for (const name of Object.keys(config.apps)) config.apps[name] = { ...config.apps[name], port: await freePort() };
  for (const name of options.enable ?? ['template']) config.apps[name] = { ...config.apps[name], enabled: true };
  config.keycloak.upstream_url = `http://127.0.0.1:${config.apps.identity?.port ?? 0}`;
  await writeFile(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });

  let started = false;
  const platform: Platform = {
    clone,
    env,
    publicUrl: `https://localhost:${config.apps.nexus?.port ?? 0}`,
    cli,
    run: (command, args) => run(clone, command, args, env),
    async start() {
      const result = await run(clone, path.join(clone, 'start.sh'), [], env);
      started = true;
      assert.equal(result.code, 0, result.out);
      return result;
    },
    async status() {
      const result = await cli(['status', '--json']);
      assert.equal(result.code, 0, result.out);
      return (JSON.parse(result.out) as { services: ServiceView[] }).services;
    },
    async adminPassword() {
      return (await readFile(path.join(clone, 'instance', 'secrets', 'admin-password'), 'utf8')).trim();
    },
    async dispose() {
      if (started) await cli(['stop']);
      started = false;
      await rm(base, { recursive: true, force: true });
    },
  };
  return platform;
}

async function installDependencies(clone: string, how: 'npm ci' | 'link', env: NodeJS.ProcessEnv): Promise<void> {
  if (how === 'link' && (await linkModules(clone))) return;
  const install = await run(
    clone,
    'npm',
    ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    env,
  );
  assert.equal(install.code, 0, install.out);
}

/** This checkout's node_modules as hard links in `clone`; false when they cannot be (another file system). */
async function linkModules(clone: string): Promise<boolean> {
  const modules = path.join(clone, 'node_modules');
  try {
    await execFileAsync('cp', ['-al', path.join(SOURCE, 'node_modules'), modules]);
  } catch {
    await rm(modules, { recursive: true, force: true });
    return false;
  }
  // npm's stamp is copied, not linked: scripts/env.sh reinstalls when package-lock.json (just
  // written by the clone) is newer than it, and touching a link would touch this checkout's too.
  const stamp = path.join(modules, '.package-lock.json');
  await rm(stamp);
  await copyFile(path.join(SOURCE, 'node_modules', '.package-lock.json'), stamp);
  return true;
}

/**
 * Signs in through the identity provider's real login page: opens `url` (a gateway page), which
 * sends the browser to the login, fills it in, and waits to be back on `url`. A temporary
 * password is replaced by `newPassword` when the provider asks for it.
 */
export async function signIn(
  page: Page,
  url: string,
  username: string,
  password: string,
  newPassword?: string,
): Promise<void> {
  await page.goto(url);
  assert.match(
    page.url(),
    /\/keycloak\/realms\/hivematrix\//,
    'not signed in: the gateway sends the browser to the login',
  );
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  if (newPassword === undefined) {
    await Promise.all([page.waitForURL(url), page.click('button[type="submit"]')]);
    return;
  }
  await page.click('button[type="submit"]');
  await page.waitForSelector('input[name="password_confirm"], input[name="new_password"], input[name="password-new"]');
  const fields = page.locator('input[type="password"]');
  for (let i = 0; i < (await fields.count()); i += 1) await fields.nth(i).fill(newPassword);
  await Promise.all([page.waitForURL(url), page.click('button[type="submit"]')]);
}

/**
 * For a suite that needs Chromium and a running platform: registers the suite's `before` (launch
 * Chromium, clone and start the platform) and `after` (close and dispose). `ready(context)` gives
 * both to a test, or skips it when Chromium is missing.
 */
export function withStartedPlatform(): {
  ready(context: TestContext): { browser: Browser; platform: Platform } | undefined;
} {
  let browser: Browser | undefined;
  let platform: Platform | undefined;
  before(
    async () => {
      browser = await launchChromium();
      if (!browser) return;
      platform = await clonePlatform();
      await platform.start();
      // A hook does not inherit its suite's timeout: cloning, installing and starting take minutes
      // on a loaded machine, past the runner's 120 s default.
    },
    { timeout: 900_000 },
  );
  after(
    async () => {
      await browser?.close();
      await platform?.dispose();
    },
    { timeout: 300_000 },
  );
  return {
    ready(context) {
      if (browser !== undefined && platform !== undefined) return { browser, platform };
      context.skip(`no Chromium at ${CHROMIUM_PATH} (.ci/run installs it)`);
      return undefined;
    },
  };
}
