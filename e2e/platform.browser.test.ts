/**
 * The whole platform, as an operator and a user meet it (issues 4 and 5): the repository is
 * cloned into a temporary folder, `./start.sh` brings everything up (on free ports, so a platform
 * already running on this machine is not disturbed), `hivematrix status --json` reports every
 * service healthy, the admin signs in through the real login page in Chromium, sees the template
 * with the side panel and the stylesheet, switches theme, navigates, changes a client's plan in
 * codex, `hivematrix new-service demo` adds a service that opens through the gateway, logging out
 * makes the old cookie useless, and `hivematrix stop` leaves no process of the clone behind. Screenshots go to test-artifacts/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort } from '@hivematrix/sdk/db';
import { CHROMIUM_PATH, launchChromium } from './browser.js';

const SOURCE = path.resolve(import.meta.dirname, '..');
const ARTIFACTS = path.join(SOURCE, 'test-artifacts');
const execFileAsync = promisify(execFile);

interface ServiceView {
  name: string;
  state: string;
  health: string;
  pid: number | null;
}

/** Runs a command in the clone; resolves with its output whatever the exit code. */
function run(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

/** The pids of every process whose command line mentions `folder`. */
async function processesUnder(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(folder)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ').slice(0, 120)}`);
  }
  return found;
}

describe('the platform from a fresh clone', () => {
  let browser: Browser | undefined;
  let clone = '';
  let env: NodeJS.ProcessEnv = {};
  let publicUrl = '';
  let started = false;

  const cli = (...args: string[]) => run(clone, process.execPath, ['services/helm/bin/hivematrix.js', ...args], env);
  async function status(): Promise<ServiceView[]> {
    const result = await cli('status', '--json');
    assert.equal(result.code, 0, result.out);
    return (JSON.parse(result.out) as { services: ServiceView[] }).services;
  }

  before(async () => {
    browser = await launchChromium();
    if (!browser) return;
    const base = await mkdtemp(path.join(tmpdir(), 'hm-e2e-'));
    // When tests run as root, the embedded server runs as `postgres` and must reach instance/.
    await chmod(base, 0o755);
    clone = path.join(base, 'hivematrix');
    await execFileAsync('git', ['clone', '--quiet', SOURCE, clone]);
    const { NODE_TEST_CONTEXT: _ignored, ...inherited } = process.env;
    env = { ...inherited, HIVEMATRIX_INSTANCE_DIR: path.join(clone, 'instance') };
    // The clone installs its own dependencies (from the npm cache), as a fresh machine would.
    const install = await run(clone, 'npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], env);
    assert.equal(install.code, 0, install.out);

    // Free ports for every service, so the test never collides with a platform already running.
    assert.equal((await cli('update-config')).code, 0);
    const configFile = path.join(clone, 'instance', 'configs', 'master_config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as {
      apps: Record<string, { port?: number }>;
      keycloak: { upstream_url: string };
    };
    for (const name of Object.keys(config.apps)) config.apps[name] = { ...config.apps[name], port: await freePort() };
    config.keycloak.upstream_url = `http://127.0.0.1:${config.apps.identity?.port ?? 0}`;
    publicUrl = `https://localhost:${config.apps.nexus?.port ?? 0}`;
    await writeFile(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
  });

  after(async () => {
    await browser?.close();
    if (started) await cli('stop');
    if (clone !== '') await rm(path.dirname(clone), { recursive: true, force: true });
  });

  it('starts, serves a signed-in admin through the gateway, adds a service, and stops clean', async (context) => {
    if (!browser) return context.skip(`no Chromium at ${CHROMIUM_PATH} (.ci/run installs it)`);
    await mkdir(ARTIFACTS, { recursive: true });

    const start = await run(clone, path.join(clone, 'start.sh'), [], env);
    started = true;
    assert.equal(start.code, 0, start.out);
    assert.match(start.out, new RegExp(`running at ${publicUrl.replaceAll('.', '\\.')}`));
    for (const service of await status()) {
      if (service.state === 'disabled' || service.state === 'not_installed') continue;
      assert.equal(service.state, 'running', `${service.name}: ${JSON.stringify(service)}`);
      assert.equal(service.health, 'healthy', `${service.name}: ${JSON.stringify(service)}`);
    }
    const adminPassword = (await readFile(path.join(clone, 'instance', 'secrets', 'admin-password'), 'utf8')).trim();

    const session: BrowserContext = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    const page: Page = await session.newPage();
    await page.goto(`${publicUrl}/template/`);
    // Not signed in: the gateway sends the browser to identity's login page, through /keycloak.
    assert.match(page.url(), /\/keycloak\/realms\/hivematrix\//);
    await page.fill('input[name="username"]', 'admin');
    await page.fill('input[name="password"]', adminPassword);
    await Promise.all([page.waitForURL(`${publicUrl}/template/`), page.click('button[type="submit"]')]);

    // The template page, composed by the gateway: side panel, stylesheet, the user's name.
    assert.match(await page.locator('.page-header__title').innerText(), /^Hello, /);
    assert.equal(await page.locator('#side-panel').count(), 1);
    assert.equal(await page.locator('#side-panel [aria-current="page"]').count(), 1);
    const panelPosition = await page.locator('#side-panel').evaluate((el) => getComputedStyle(el).position);
    assert.equal(panelPosition, 'fixed', 'the design system stylesheet is applied');

    // Theme switch, remembered by the gateway across pages.
    const before = await page.locator('html').getAttribute('data-theme');
    await page.click('#theme-toggle-btn');
    const switched = before === 'dark' ? 'light' : 'dark';
    await page.waitForFunction((theme) => document.documentElement.dataset.theme === theme, switched);

    // Navigate to the style guide; the theme stays; screenshots in both themes.
    await page.goto(`${publicUrl}/template/style-guide`);
    assert.equal(await page.locator('html').getAttribute('data-theme'), switched);
    await page.screenshot({ path: path.join(ARTIFACTS, `platform-style-guide-${switched}.png`), fullPage: true });
    await page.click('#theme-toggle-btn');
    await page.waitForFunction((theme) => document.documentElement.dataset.theme === theme, before ?? 'light');
    await page.screenshot({ path: path.join(ARTIFACTS, `platform-style-guide-${before ?? 'light'}.png`), fullPage: true });

    // Codex through the gateway (issue 7): a few generated clients, then dashboard, search, open
    // a company, change its plan, and see the change.
    const seeded = await run(clone, process.execPath, ['--import', 'tsx', 'services/codex/src/cli/seed.ts', '--companies', '30', '--contacts', '60', '--assets', '90'], env);
    assert.equal(seeded.code, 0, seeded.out);
    await page.goto(`${publicUrl}/codex/`);
    assert.equal(await page.locator('.page-header__title').innerText(), 'Codex');
    await page.goto(`${publicUrl}/codex/companies`);
    const name = (await page.getByRole('table', { name: 'Companies' }).locator('tbody tr a').first().innerText()).trim();
    await page.getByRole('searchbox', { name: 'Search companies' }).fill(name);
    await Promise.all([page.waitForURL(/\/codex\/companies\?q=/), page.getByRole('button', { name: 'Search' }).click()]);
    await Promise.all([
      page.waitForURL(/\/codex\/companies\/[^/?]+$/),
      page.getByRole('table', { name: 'Companies' }).getByRole('link', { name, exact: true }).first().click(),
    ]);
    const currentPlan = (await page.locator('#company-plan').innerText()).trim();
    const planSelect = page.getByLabel('Plan', { exact: true });
    const choices = (await planSelect.locator('option').allInnerTexts()).map((text) => text.trim());
    const newPlan = choices.find((choice) => choice !== '' && choice !== currentPlan && !/^(choose|none|—|-)/i.test(choice));
    assert.ok(newPlan, `another plan to choose among ${choices.join(', ')}`);
    await planSelect.selectOption(newPlan);
    await Promise.all([page.waitForURL(/done=plan-saved/), page.locator('#save-plan').click()]);
    assert.equal((await page.locator('#company-plan').innerText()).trim(), newPlan);

    // A new service, registered and started by helm, opens through the gateway.
    const created = await cli('new-service', 'demo');
    assert.equal(created.code, 0, created.out);
    const demo = (await status()).find((service) => service.name === 'demo');
    assert.equal(demo?.state, 'running', created.out);
    await page.goto(`${publicUrl}/demo/`);
    assert.match(await page.locator('.page-header__title').innerText(), /^Hello, /);
    assert.equal(await page.locator('#side-panel').count(), 1);

    // Logout: the old session cookie is refused afterwards.
    const cookie = (await session.cookies()).find((c) => c.name === '__Host-hm_session');
    assert.ok(cookie, 'the gateway set its session cookie');
    await page.goto(`${publicUrl}/template/`);
    await Promise.all([page.waitForURL(/\/login|\/keycloak\//), page.click('form[action="/logout"] button')]);
    const replay = await browser.newContext({ ignoreHTTPSErrors: true });
    await replay.addCookies([{ ...cookie, sameSite: 'Lax' }]);
    const answer = await replay.request.get(`${publicUrl}/template/api/data`, { headers: { accept: 'application/json' } });
    assert.equal(answer.status(), 401);
    await replay.close();
    await session.close();

    const stop = await cli('stop');
    started = false;
    assert.equal(stop.code, 0, stop.out);
    assert.deepEqual(await processesUnder(clone), [], 'no process of the platform is left');
  });
});
