/**
 * The first hour in codex, in a real browser against codex on port 0: the empty dashboard offers
 * the demo and loads and removes it; the admin connects Freshservice (a fake on port 0) with a
 * wrong key, reads why the test failed, enters the right key, passes, and runs the first sync,
 * whose page shows it succeed. (The journey through the gateway is the platform's e2e test.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../../../e2e/browser.js';
import { startFakeFreshservice, FRESHSERVICE_KEY } from './fakes/freshservice.js';
import type { FakeServer } from './fakes/server.js';
import { startCodex, type CodexHarness } from './harness.js';

describe('codex integrations and demo in Chromium', () => {
  let t: CodexHarness;
  let browser: Browser | undefined;
  let vendor: FakeServer;
  let base: string;
  before(async () => {
    browser = await launchChromium();
    // A real clock: the run page compares heartbeats with it.
    t = await startCodex({ now: () => new Date() });
    vendor = await startFakeFreshservice({
      departments: [{ id: 101, name: 'Acme Dental', custom_fields: { account_number: '620547' } }],
      requesters: [],
      agents: [],
      tickets: [],
    });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await browser?.close();
    await vendor.close();
    await t.close();
  });

  it('loads and removes the demo, connects Freshservice after a failed test, and runs the first sync', async (context) => {
    if (!browser) return context.skip(`no Chromium at ${CHROMIUM_PATH} (.ci/run installs it)`);
    const token = await t.token('admin', { name: 'Ada Admin' });
    const page = await browser.newPage({ extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${base}/`);
      await Promise.all([
        page.waitForURL(/done=demo-loaded/),
        page.getByRole('button', { name: 'Load demo data' }).click(),
      ]);
      assert.equal(
        await page.locator('.dashboard-card', { hasText: 'Companies' }).locator('.dashboard-card__count').innerText(),
        '6',
      );
      await Promise.all([
        page.waitForURL(/done=demo-removed/),
        page.getByRole('button', { name: 'Remove demo data' }).click(),
      ]);
      assert.equal(
        await page.locator('.dashboard-card', { hasText: 'Companies' }).locator('.dashboard-card__count').innerText(),
        '0',
      );

      await Promise.all([
        page.waitForURL(/\/admin\/integrations$/),
        page.getByRole('link', { name: 'Connect integrations' }).click(),
      ]);
      const card = page.locator('#integration-freshservice');
      await card.getByLabel('Freshservice address').fill(vendor.url);
      await card.getByLabel('API key').fill('a-wrong-api-key');
      await Promise.all([
        page.waitForURL(/done=integration-test-failed/),
        card.getByRole('button', { name: 'Save and test connection' }).click(),
      ]);
      assert.match(
        await page.locator('#integration-freshservice [role="alert"]').first().innerText(),
        /refused the credentials \(401 Unauthorized\)/,
      );
      assert.equal(
        await page.locator('#integration-freshservice').getByLabel('API key').inputValue(),
        '',
        'the stored key is not shown',
      );

      await page.locator('#integration-freshservice').getByLabel('API key').fill(FRESHSERVICE_KEY);
      await Promise.all([
        page.waitForURL(/done=integration-test-passed/),
        page.locator('#integration-freshservice').getByRole('button', { name: 'Save and test connection' }).click(),
      ]);
      assert.match(await page.locator('#integration-freshservice').innerText(), /Connected to Freshservice/);
      assert.match(
        await page.locator('#integration-freshservice').innerText(),
        /In use: the settings saved on this page/,
      );

      const firstSync = page.getByRole('button', { name: 'Run Freshservice: companies, contacts, agents now' });
      await Promise.all([page.waitForURL(/\/admin\/runs\/\d+/), firstSync.click()]);
      await t.runner.idle();
      await page.reload();
      assert.match(await page.locator('.info-grid').innerText(), /succeeded/);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
