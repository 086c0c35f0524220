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
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from './browser.js';
import { ARTIFACTS, clonePlatform, processesUnder, signIn, type Platform } from './platform.js';

describe('the platform from a fresh clone', () => {
  let browser: Browser | undefined;
  let platform: Platform | undefined;

  before(
    async () => {
      browser = await launchChromium();
      if (browser) platform = await clonePlatform({ install: 'npm ci' });
      // Cloning and installing take minutes on a loaded machine, past the runner's 120 s default.
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

  // Starting the platform is part of this journey: allow it the minutes a loaded machine takes.
  it(
    'starts, serves a signed-in admin through the gateway, adds a service, and stops clean',
    { timeout: 600_000 },
    async (context) => {
      if (!browser || !platform) return context.skip(`no Chromium at ${CHROMIUM_PATH} (.ci/run installs it)`);
      const { clone, publicUrl } = platform;
      const cli = (...args: string[]) => platform?.cli(args) ?? Promise.reject(new Error('no platform'));
      await mkdir(ARTIFACTS, { recursive: true });

      const start = await platform.start();
      assert.match(start.out, new RegExp(`running at ${publicUrl.replaceAll('.', '\\.')}`));
      for (const service of await platform.status()) {
        if (service.state === 'disabled' || service.state === 'not_installed') continue;
        assert.equal(service.state, 'running', `${service.name}: ${JSON.stringify(service)}`);
        assert.equal(service.health, 'healthy', `${service.name}: ${JSON.stringify(service)}`);
      }
      const session: BrowserContext = await browser.newContext({
        ignoreHTTPSErrors: true,
        viewport: { width: 1280, height: 900 },
      });
      const page: Page = await session.newPage();
      // Not signed in: the gateway sends the browser to identity's login page, through /keycloak.
      await signIn(page, `${publicUrl}/template/`, 'admin', await platform.adminPassword());

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
      await page.screenshot({
        path: path.join(ARTIFACTS, `platform-style-guide-${before ?? 'light'}.png`),
        fullPage: true,
      });

      // Codex through the gateway (issue 7): a few generated clients, then dashboard, search, open
      // a company, change its plan, and see the change.
      const seeded = await platform.run(process.execPath, [
        '--import',
        'tsx',
        'services/codex/src/cli/seed.ts',
        '--companies',
        '30',
        '--contacts',
        '60',
        '--assets',
        '90',
      ]);
      assert.equal(seeded.code, 0, seeded.out);
      await page.goto(`${publicUrl}/codex/`);
      assert.equal(await page.locator('.page-header__title').innerText(), 'Codex');
      await page.goto(`${publicUrl}/codex/companies`);
      const name = (
        await page.getByRole('table', { name: 'Companies' }).locator('tbody tr a').first().innerText()
      ).trim();
      await page.getByRole('searchbox', { name: 'Search companies' }).fill(name);
      await Promise.all([
        page.waitForURL(/\/codex\/companies\?q=/),
        page.getByRole('button', { name: 'Search' }).click(),
      ]);
      await Promise.all([
        page.waitForURL(/\/codex\/companies\/[^/?]+$/),
        page.getByRole('table', { name: 'Companies' }).getByRole('link', { name, exact: true }).first().click(),
      ]);
      const currentPlan = (await page.locator('#company-plan').innerText()).trim();
      const planSelect = page.getByLabel('Plan', { exact: true });
      const choices = (await planSelect.locator('option').allInnerTexts()).map((text) => text.trim());
      const newPlan = choices.find(
        (choice) => choice !== '' && choice !== currentPlan && !/^(choose|none|—|-)/i.test(choice),
      );
      assert.ok(newPlan, `another plan to choose among ${choices.join(', ')}`);
      await planSelect.selectOption(newPlan);
      await Promise.all([page.waitForURL(/done=plan-saved/), page.locator('#save-plan').click()]);
      assert.equal((await page.locator('#company-plan').innerText()).trim(), newPlan);

      // A new service, registered and started by helm, opens through the gateway.
      const created = await cli('new-service', 'demo');
      assert.equal(created.code, 0, created.out);
      const demo = (await platform.status()).find((service) => service.name === 'demo');
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
      const answer = await replay.request.get(`${publicUrl}/template/api/data`, {
        headers: { accept: 'application/json' },
      });
      assert.equal(answer.status(), 401);
      await replay.close();
      await session.close();

      const stop = await cli('stop');
      assert.equal(stop.code, 0, stop.out);
      assert.deepEqual(await processesUnder(clone), [], 'no process of the platform is left');
    },
  );
});
