/**
 * The first hour (issue 18), on a platform started from a fresh clone, through the gateway in a
 * real browser: the admin signs in with the generated password and lands on the platform home with
 * the setup reminder; in helm's checklist changes the password (the file is deleted and the audit
 * finding clears), keeps the generated hostname and certificate, connects Freshservice in codex's
 * integrations page against a fake Freshservice on port 0 (a wrong key fails "Test connection"
 * with a clear message, the right one passes), runs the first sync and watches it complete, skips
 * and reopens the users step; loads the demo data with the home page's development-mode button,
 * sees the home's panels filled, opens the bills of the month and one client's bill, reads the
 * logs page (filter bar, histogram, live follow) and removes the demo again, leaving the synced
 * companies alone. Screenshots of the home page, each setup step and the logs page in both themes
 * go to test-artifacts/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startFakeFreshservice, type FakeFreshservice } from './fake-freshservice.js';
import { ARTIFACTS, signIn, withStartedPlatform } from './platform.js';

/** Screenshots `name` in the light and the dark theme (the side panel's toggle), back to light. */
async function bothThemes(page: Page, name: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    if ((await page.locator('html').getAttribute('data-theme')) !== theme) {
      await page.click('#theme-toggle-btn');
      await page.waitForFunction((wanted) => document.documentElement.dataset.theme === wanted, theme);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, `first-hour-${name}-${theme}.png`), fullPage: true });
  }
  await page.click('#theme-toggle-btn');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
}

const FRESHSERVICE_KEY = 'fs-first-hour-key-4711';
const COMPANIES_JOB = 'Freshservice: companies, contacts, agents';

describe('the first hour through the gateway', () => {
  const suite = withStartedPlatform();
  let vendor: FakeFreshservice;
  before(async () => {
    vendor = await startFakeFreshservice(FRESHSERVICE_KEY);
  });
  after(async () => {
    await vendor.close();
  });

  it(
    'sign-in, setup with a Freshservice integration and its first sync, demo data, bills, logs',
    { timeout: 900_000 },
    async (context) => {
      const ready = suite.ready(context);
      if (!ready) return;
      const { browser, platform } = ready;
      const { publicUrl } = platform;
      await mkdir(ARTIFACTS, { recursive: true });
      const passwordFile = path.join(platform.clone, 'instance', 'secrets', 'admin-password');
      const generated = await platform.adminPassword();

      const browserContext = await browser.newContext({
        ignoreHTTPSErrors: true,
        viewport: { width: 1280, height: 900 },
      });
      const page = await browserContext.newPage();
      const shown = async () => `${page.url()}: ${(await page.locator('main').innerText()).slice(0, 1500)}`;
      await signIn(page, `${publicUrl}/`, 'admin', generated);

      // The platform home of a new installation, with the setup reminder and (development mode) the demo offer.
      assert.match(await page.locator('h1').innerText(), /Welcome/);
      assert.match(await page.locator('#home-setup').innerText(), /Finish setting up: 4 step\(s\) left/);
      for (const panel of [
        '#home-alerts',
        '#home-health',
        '#home-syncs',
        '#home-review',
        '#home-overdue',
        '#home-shortcuts',
      ]) {
        assert.equal(await page.locator(panel).count(), 1, panel);
      }
      assert.equal(
        await page.locator('[data-unavailable]').count(),
        0,
        `every service answered its panel: ${await shown()}`,
      );
      assert.equal(
        await page.locator('#home-demo').getByRole('button', { name: 'Load the demo data' }).count(),
        1,
        await shown(),
      );
      await bothThemes(page, 'home-empty');

      // Step 1: change the generated password; the file goes and the audit finding with it.
      await Promise.all([
        page.waitForURL(/\/helm\/setup/),
        page.getByRole('link', { name: 'Open the setup checklist' }).click(),
      ]);
      await bothThemes(page, 'setup-1-password');
      const audit = async (): Promise<string[]> => {
        const { out } = await platform.cli(['audit', '--json']);
        const report = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)) as {
          findings: { check: string }[];
        };
        return report.findings.map((finding) => finding.check);
      };
      assert.ok((await audit()).includes('admin_password'));
      const newPassword = 'my own admin password 7';
      await page.fill('#setup-password-form input[name="password"]', newPassword);
      await page.fill('#setup-password-form input[name="confirm"]', newPassword);
      await page.getByRole('button', { name: 'Change the password' }).click();
      // A new password ends the account's sessions at the identity provider: sign in again with it.
      await page.waitForURL(/done=password|\/keycloak\/realms\//);
      if (page.url().includes('/keycloak/realms/')) {
        await page.fill('input[name="username"]', 'admin');
        await page.fill('input[name="password"]', newPassword);
        await Promise.all([page.waitForURL(/done=password/), page.click('button[type="submit"]')]);
      }
      assert.ok(!existsSync(passwordFile), 'the generated password file is deleted');
      assert.ok(!(await audit()).includes('admin_password'), 'the audit finding cleared');
      assert.match(await page.locator('#setup-password').innerText(), /done/);

      // Step 2: the generated hostname and certificate, explained, kept.
      assert.match(
        await page.locator('#setup-hostname').innerText(),
        /self-signed certificate generated on the first start/,
      );
      assert.match(await page.locator('#setup-environment').innerText(), /development/);
      await bothThemes(page, 'setup-2-hostname');
      await Promise.all([
        page.waitForURL(/done=mark/),
        page.locator('#setup-hostname').getByRole('button', { name: 'Keep these' }).click(),
      ]);

      // Step 3: Freshservice in codex's integrations page: a wrong key fails the test, the right one passes.
      await Promise.all([
        page.waitForURL(/\/codex\/admin\/integrations/),
        page.locator('#setup-integrations').getByRole('link', { name: "codex's integrations page" }).click(),
      ]);
      const card = page.locator('#integration-freshservice');
      await card.getByLabel('Freshservice address').fill(vendor.url);
      await card.getByLabel('API key').fill('not-the-right-key');
      await Promise.all([
        page.waitForURL(/done=integration-test-failed/),
        card.getByRole('button', { name: 'Save and test connection' }).click(),
      ]);
      assert.match(
        await card.innerText(),
        /Freshservice refused the credentials \(401 Unauthorized\)\. Check the API key/,
        await shown(),
      );
      assert.equal(await card.getByLabel('API key').inputValue(), '', 'a stored key is never shown again');
      assert.ok(
        vendor.log.some((entry) => entry.request.startsWith('GET /api/v2/departments') && !entry.authorised),
        'the test was a real request',
      );
      await bothThemes(page, 'setup-3-integration-test-failed');

      await card.getByLabel('API key').fill(FRESHSERVICE_KEY);
      await Promise.all([
        page.waitForURL(/done=integration-test-passed/),
        card.getByRole('button', { name: 'Save and test connection' }).click(),
      ]);
      assert.match(await card.innerText(), /Connected to Freshservice at 127\.0\.0\.1:\d+/, await shown());
      assert.match(await card.innerText(), /In use: the settings saved on this page/);
      await bothThemes(page, 'setup-3-integration-test-passed');

      // The first sync, from the page, no restart: its page refreshes itself until the run ends.
      await Promise.all([
        page.waitForURL(/\/codex\/admin\/runs\/\d+/),
        card.getByRole('button', { name: `Run ${COMPANIES_JOB} now` }).click(),
      ]);
      const runUrl = page.url().split('?')[0] ?? page.url();
      // The page reloads itself every 3 s while the run runs; a locator is read again in each new document.
      const status = page.locator('.info-grid .status-badge').first();
      for (let waited = 0; waited < 120_000 && /running/.test(await status.innerText()); waited += 1000)
        await page.waitForTimeout(1000);
      const run = await page.locator('main').innerText();
      assert.match(run, /succeeded/, run);
      assert.match(run, /Errors \(0\)/, run);
      assert.ok(
        vendor.log.some((entry) => entry.request.startsWith('GET /api/v2/requesters') && entry.authorised),
        'the sync read the requesters',
      );
      await page.goto(runUrl);
      await bothThemes(page, 'setup-3-first-sync');
      await page.goto(`${publicUrl}/codex/companies`);
      assert.match(await page.locator('main').innerText(), /Woodgrove Clinic/, await shown());

      // Back in the checklist: the integration is done; step 4 (users) skipped, then reopened.
      await page.goto(`${publicUrl}/helm/setup`);
      await Promise.all([
        page.waitForURL(/done=mark/),
        page.locator('#setup-integrations').getByRole('button', { name: 'Mark done' }).click(),
      ]);
      await bothThemes(page, 'setup-4-users');
      await Promise.all([
        page.waitForURL(/done=mark/),
        page.locator('#setup-users').getByRole('button', { name: 'Skip for now' }).click(),
      ]);
      await Promise.all([
        page.waitForURL(/done=mark/),
        page.locator('#setup-users').getByRole('button', { name: 'Reopen' }).click(),
      ]);
      assert.match(await page.locator('#setup-users').innerText(), /to do/);
      await bothThemes(page, 'setup-done');

      // The home: the last sync in its panel; the demo data loaded with the development-mode button.
      await page.goto(`${publicUrl}/`);
      assert.match(await page.locator('#home-syncs').innerText(), /freshservice\s+succeeded/, await shown());
      assert.match(await page.locator('#home-setup').innerText(), /1 step\(s\) left/);
      // Codex loads it and sends the browser back to `/`: wait for the new home, not the old one.
      await page.locator('#home-demo').getByRole('button', { name: 'Load the demo data' }).click();
      await page.locator('#home-demo', { hasText: 'The demo MSP is loaded' }).waitFor({ timeout: 120_000 });
      assert.equal(new URL(page.url()).pathname, '/');
      assert.equal(await page.locator('[data-unavailable]').count(), 0, await shown());
      assert.ok(
        (await page.locator('#home-review table').count()) > 0,
        `bills of the demo MSP wait for review: ${await shown()}`,
      );
      assert.ok(
        (await page.locator('#home-overdue table').count()) > 0,
        `the demo MSP has overdue tickets: ${await shown()}`,
      );
      await bothThemes(page, 'home-demo');

      // The bills of the month, then one client's bill (summary first).
      await page.goto(`${publicUrl}/ledger/`);
      const clients = page.getByRole('table', { name: 'Clients' });
      assert.ok((await clients.locator('tbody tr', { hasText: 'DEMO-' }).count()) > 0, await shown());
      assert.notEqual(
        (await page.locator('#grand-total').innerText()).replace(/[^\d]/g, '').replace(/^0+/, ''),
        '',
        'the month bills something',
      );
      await bothThemes(page, 'bills-of-the-month');
      await Promise.all([
        page.waitForURL(/\/ledger\/clients\/DEMO-/),
        clients.locator('tbody tr', { hasText: 'DEMO-' }).first().locator('a').first().click(),
      ]);
      assert.equal(await page.locator('#bill-total').count(), 1, await shown());
      await bothThemes(page, 'client-bill');

      // The logs page: one filter bar, the histogram, the entries.
      await page.goto(`${publicUrl}/helm/logs?range=1h`);
      assert.equal(await page.locator('form.logs-filters').count(), 1);
      assert.equal(await page.locator('form.logs-filters select[name="range"]').inputValue(), '1h');
      assert.equal(await page.locator('#logs-follow').count(), 1);
      assert.equal(await page.locator('svg.log-histogram__chart').count(), 1);
      assert.ok(
        (await page.locator('svg.log-histogram__chart rect.log-histogram__bar').count()) > 0,
        'the platform logged in the last hour',
      );
      const firstRow = await page.getByRole('table', { name: 'Log entries' }).locator('tbody tr').first().boundingBox();
      assert.ok(firstRow !== null && firstRow.y < 900, 'entries start on the first screen');
      await page.check('#logs-follow');
      await page.waitForFunction(() => /Following/.test(document.getElementById('logs-status')?.textContent ?? ''));
      await page.uncheck('#logs-follow');
      await bothThemes(page, 'logs');

      // The demo goes again with the home's button; the companies from Freshservice stay.
      await page.goto(`${publicUrl}/`);
      await page.locator('#home-demo').getByRole('button', { name: 'Remove the demo data' }).click();
      await page.locator('#home-demo').getByRole('button', { name: 'Load the demo data' }).waitFor({ timeout: 60_000 });
      assert.equal(new URL(page.url()).pathname, '/');
      const removed = await platform.cli(['demo', '--remove']);
      assert.equal(removed.code, 0, removed.out);
      await page.goto(`${publicUrl}/codex/companies`);
      const companies = await page.locator('main').innerText();
      assert.match(companies, /Woodgrove Clinic/, companies);
      assert.doesNotMatch(companies, /DEMO-/, companies);
      await browserContext.close();
    },
  );
});
