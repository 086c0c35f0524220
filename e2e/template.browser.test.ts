/**
 * The template in a real browser: a user whose name is a script tag sees their name as text,
 * and no script runs. Served over real HTTP on port 0.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { FROZEN_NOW, startTemplate, type TemplateHarness } from '../services/template/test/harness.js';
import { CHROMIUM_PATH, launchChromium } from './browser.js';

describe('template in Chromium', () => {
  let t: TemplateHarness;
  let browser: Browser | undefined;
  let base: string;
  before(async () => {
    browser = await launchChromium();
    t = await startTemplate();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await browser?.close();
    await t.close();
  });

  it('shows a hostile user name as text and runs no script', async (context) => {
    if (!browser) return context.skip(`no Chromium at ${CHROMIUM_PATH} (.ci/run installs it)`);
    const name = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const token = await t.keys.mintUserToken({ name }, { now: FROZEN_NOW.getTime() });
    const page = await browser.newPage({ extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs += 1;
      void dialog.dismiss();
    });
    const response = await page.goto(base + '/');
    assert.equal(response?.status(), 200);
    assert.equal(await page.locator('.page-header__title').innerText(), `Hello, ${name}`);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(dialogs, 0);
    assert.equal(await page.locator('.card').count(), 1);
    await page.close();
  });

  it('sends a browser without a token to the gateway login', async (context) => {
    if (!browser) return context.skip(`no Chromium at ${CHROMIUM_PATH}`);
    const page = await browser.newPage();
    const seen: string[] = [];
    page.on('request', (request) => seen.push(new URL(request.url()).pathname + new URL(request.url()).search));
    await page.goto(base + '/admin/settings').catch(() => undefined);
    assert.ok(seen.includes('/login?next=%2Fadmin%2Fsettings'), seen.join(', '));
    await page.close();
  });
});
