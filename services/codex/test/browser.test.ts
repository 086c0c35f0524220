/**
 * Codex in a real browser, served over HTTP on port 0: open the dashboard, search for a company,
 * open it, change its plan with the form, and see the change. (The same journey through the
 * gateway belongs to the platform's end-to-end tests.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../../../e2e/browser.js';
import { startCodex, type CodexHarness } from './harness.js';
import { addAsset, addCompany, addPlan } from './fixtures.js';

describe('codex in Chromium', () => {
  let t: CodexHarness;
  let browser: Browser | undefined;
  let base: string;
  before(async () => {
    browser = await launchChromium();
    t = await startCodex();
    await addPlan(t.db, 'MSP Basic', '1 Year');
    await addPlan(t.db, 'MSP Premium', '1 Year');
    const northwind = await addCompany(t.db, {
      accountNumber: '620547',
      name: 'Northwind Traders',
      planName: 'MSP Basic',
      contractTerm: '1 Year',
      contractStart: '2026-03-01',
    });
    await addCompany(t.db, { accountNumber: '700001', name: 'Contoso Dental' });
    await addAsset(t.db, { companyId: northwind, hostname: 'NW-SRV01', derived: 'server' });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await browser?.close();
    await t.close();
  });

  it('opens the dashboard, searches a company, opens it, changes its plan and sees the change', async (context) => {
    if (!browser) return context.skip(`no Chromium at ${CHROMIUM_PATH} (.ci/run installs it)`);
    const token = await t.token('admin', { name: 'Ada Admin' });
    const page = await browser.newPage({ extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      const dashboard = await page.goto(`${base}/`);
      assert.equal(dashboard?.status(), 200);
      assert.equal(await page.locator('.page-header__title').innerText(), 'Codex');
      assert.equal(
        await page.locator('.dashboard-card', { hasText: 'Companies' }).locator('.dashboard-card__count').innerText(),
        '2',
      );

      await page.getByRole('link', { name: 'Companies', exact: true }).first().click();
      await page.getByRole('searchbox', { name: 'Search companies' }).fill('northwind');
      await Promise.all([
        page.waitForURL(/\/companies\?q=northwind/),
        page.getByRole('button', { name: 'Search' }).click(),
      ]);
      const rows = page.getByRole('table', { name: 'Companies' }).locator('tbody tr');
      assert.equal(await rows.count(), 1);

      await Promise.all([
        page.waitForURL(/\/companies\/620547$/),
        page.getByRole('link', { name: 'Northwind Traders' }).click(),
      ]);
      assert.equal(await page.locator('#company-plan').innerText(), 'MSP Basic');

      await page.getByLabel('Plan', { exact: true }).selectOption('MSP Premium');
      await Promise.all([page.waitForURL(/done=plan-saved/), page.locator('#save-plan').click()]);
      assert.equal(await page.locator('#company-plan').innerText(), 'MSP Premium');
      assert.match(await page.getByRole('status').first().innerText(), /The plan was saved/);
      assert.equal(await page.getByLabel('Plan', { exact: true }).inputValue(), 'MSP Premium');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
