/**
 * The design system in a real browser: the template's `/style-guide` page, passed through the
 * gateway's `composePage` and served with the gateway's static files by a small local server
 * (port 0) that also answers `PUT /api/preferences` the way the gateway does. Checks that the
 * stylesheet applies, that the scripts work under a `script-src 'self'` CSP, and saves
 * full-page screenshots in both themes to test-artifacts/ for people to look at.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { FROZEN_NOW, startTemplate, type TemplateHarness } from '../services/template/test/harness.js';
import { composePage, type ComposeContext } from '../services/nexus/src/compose/index.js';
import { CHROMIUM_PATH, launchChromium } from './browser.js';

const STATIC_ROOT = path.resolve(import.meta.dirname, '../services/nexus/static');
const ARTIFACTS = path.resolve(import.meta.dirname, '../test-artifacts');
const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};
/** The gateway's page policy: nothing inline, nothing from elsewhere. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

interface Preferences {
  theme: 'light' | 'dark';
  accent: string;
  sidebarCollapsed: boolean;
}

/** A stand-in for the gateway: composes the template's pages, serves /static, stores preferences. */
function startFakeGateway(
  t: TemplateHarness,
  token: string,
  prefs: Preferences,
  saved: unknown[],
): Promise<{ server: Server; base: string }> {
  const context = (): ComposeContext => ({
    ...prefs,
    nav: [
      { name: 'codex', displayName: 'Codex', icon: 'building', href: '/codex/', active: false },
      { name: 'template', displayName: 'Template', icon: 'box', href: '/style-guide', active: true },
      { name: 'ledger', displayName: 'Ledger', icon: 'receipt', href: '/ledger/', active: false },
      { name: 'knowledgetree', displayName: 'KnowledgeTree', icon: 'book', href: '/knowledgetree/', active: false },
      { name: 'beacon', displayName: 'Beacon', icon: 'ticket', href: '/beacon/', active: false },
      { name: 'brainhair', displayName: 'Brainhair', icon: 'bot', href: '/brainhair/', active: false },
      { name: 'helm', displayName: 'Helm', icon: 'server', href: '/helm/', active: false },
    ],
    user: { name: 'Jordan Reyes', username: 'jreyes', permissionLevel: 'admin' },
    assetVersion: 'test',
    csrfToken: 'csrf-test-token',
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://gateway.test');
    if (request.method === 'PUT' && url.pathname === '/api/preferences') {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<Preferences>;
      saved.push({ contentType: request.headers['content-type'], body });
      Object.assign(prefs, body);
      response.writeHead(204).end();
      return;
    }
    if (request.method === 'GET' && url.pathname.startsWith('/static/')) {
      const file = path.resolve(STATIC_ROOT, '.' + decodeURIComponent(url.pathname.slice('/static'.length)));
      const type = CONTENT_TYPES[path.extname(file)];
      if (!file.startsWith(STATIC_ROOT + path.sep) || type === undefined) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': type }).end(await readFile(file));
      return;
    }
    if (request.method === 'GET' && url.pathname === '/style-guide') {
      const page = await t.app.inject({
        url: url.pathname + url.search,
        headers: { authorization: `Bearer ${token}` },
      });
      response.writeHead(page.statusCode, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': CSP,
      });
      response.end(composePage(page.body, context()));
      return;
    }
    response.writeHead(404).end();
  }
  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.writeHead(500).end());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    );
  });
}

/** Full-page screenshot with the fixed side panel running the whole height. */
async function screenshot(page: Page, file: string): Promise<void> {
  const width = page.viewportSize()?.width ?? 1280;
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width, height });
  await page.screenshot({ path: path.join(ARTIFACTS, file), fullPage: true });
  await page.setViewportSize({ width, height: 900 });
}

const style = (page: Page, selector: string, property: string): Promise<string> =>
  page
    .locator(selector)
    .first()
    .evaluate((element, name) => getComputedStyle(element).getPropertyValue(name), property);

describe('style guide through the composer, in Chromium', () => {
  let t: TemplateHarness;
  let browser: Browser | undefined;
  let gateway: { server: Server; base: string };
  const prefs: Preferences = { theme: 'light', accent: 'purple', sidebarCollapsed: false };
  const saved: unknown[] = [];

  before(async () => {
    browser = await launchChromium();
    t = await startTemplate();
    const token = await t.keys.mintUserToken(
      { name: 'Jordan Reyes', permission_level: 'admin', groups: ['admins'] },
      { now: FROZEN_NOW.getTime() },
    );
    gateway = await startFakeGateway(t, token, prefs, saved);
    await mkdir(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => gateway.server.close(resolve));
    await t.close();
  });

  async function open(viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: string[] }> {
    if (!browser) throw new Error('no browser');
    const page = await browser.newPage({ viewport, reducedMotion: 'reduce' });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    const response = await page.goto(gateway.base + '/style-guide');
    assert.equal(response?.status(), 200);
    await page.waitForLoadState('load');
    return { page, problems };
  }

  it('applies the stylesheet and the side panel, with no CSP violation or missing file', async (context) => {
    if (!browser) return context.skip(`no Chromium at ${CHROMIUM_PATH} (.ci/run installs it)`);
    const { page, problems } = await open();
    assert.equal(await style(page, '.btn--primary', 'background-color'), 'rgb(79, 70, 229)');
    assert.equal(await style(page, '.btn--primary', 'color'), 'rgb(255, 255, 255)');
    assert.equal(await style(page, '#side-panel', 'position'), 'fixed');
    assert.equal(await style(page, '#side-panel', 'width'), '240px');
    assert.equal(await style(page, '.hivematrix-content', 'margin-left'), '240px');
    assert.match(await style(page, 'body', 'font-family'), /system-ui/);
    assert.equal(await page.locator('.side-panel__item--active .side-panel__label').innerText(), 'Template');
    assert.equal(await page.locator('[aria-current="page"].side-panel__link').count(), 1);
    // The sprite's icons render (a broken <use> has no box).
    const icon = await page.locator('.side-panel__item--active svg').boundingBox();
    assert.ok(icon !== null && icon.width > 10, 'side panel icon rendered');
    await screenshot(page, 'style-guide-light.png');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('switches to the dark theme with the real toggle, saves it, and takes the dark screenshot', async (context) => {
    if (!browser) return context.skip(`no Chromium at ${CHROMIUM_PATH}`);
    const { page, problems } = await open();
    const light = await style(page, 'body', 'background-color');
    const saving = page.waitForRequest(
      (request) => request.method() === 'PUT' && request.url().endsWith('/api/preferences'),
    );
    await page.locator('#theme-toggle-btn').click();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    await (await saving).response();
    assert.deepEqual(saved.at(-1), { contentType: 'application/json', body: { theme: 'dark' } });
    assert.equal(await page.locator('#theme-toggle-btn').getAttribute('aria-pressed'), 'true');
    assert.notEqual(await style(page, 'body', 'background-color'), light);
    await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === 'rgb(16, 17, 20)');
    await screenshot(page, 'style-guide-dark.png');
    // The saved preference comes back rendered by the server on the next page.
    await page.reload();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    await page.locator('#theme-toggle-btn').click();
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('collapses the side panel, changes the accent, opens the modal and switches tabs', async (context) => {
    if (!browser) return context.skip(`no Chromium at ${CHROMIUM_PATH}`);
    const { page, problems } = await open();
    const saving = page.waitForRequest(
      (request) => request.method() === 'PUT' && request.postData()?.includes('sidebarCollapsed') === true,
    );
    await page.locator('#sidebar-toggle').click();
    assert.equal(await page.locator('html').getAttribute('data-sidebar'), 'collapsed');
    await page.waitForFunction(
      () => getComputedStyle(document.getElementById('side-panel') as HTMLElement).width === '72px',
    );
    assert.equal(await page.locator('#sidebar-toggle').getAttribute('aria-expanded'), 'false');
    assert.deepEqual(JSON.parse((await saving).postData() ?? '{}') as unknown, { sidebarCollapsed: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'style-guide-collapsed.png') });
    await page.locator('#sidebar-toggle').click();
    assert.equal(await page.locator('html').getAttribute('data-sidebar'), 'expanded');

    await page.locator('[data-accent-option="teal"]').click();
    assert.equal(await page.locator('html').getAttribute('data-color-theme'), 'teal');
    // Polled: the new colour arrives through a (reduced-motion, near-instant) transition.
    await page.waitForFunction(
      () =>
        getComputedStyle(document.querySelector('.btn--primary') as Element).backgroundColor === 'rgb(15, 118, 110)',
    );
    await page.locator('[data-accent-option="purple"]').click();

    await page.locator('[data-modal-open="style-guide-modal"]').click();
    assert.ok(await page.locator('#style-guide-modal').isVisible());
    await page.keyboard.press('Escape');
    assert.ok(!(await page.locator('#style-guide-modal').isVisible()));

    await page.locator('#tab-assets').click();
    assert.ok(await page.locator('#panel-assets').isVisible());
    assert.ok(!(await page.locator('#panel-overview').isVisible()));
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('turns the side panel into a top bar and a drawer on a phone', async (context) => {
    if (!browser) return context.skip(`no Chromium at ${CHROMIUM_PATH}`);
    const { page, problems } = await open({ width: 390, height: 844 });
    assert.equal(await style(page, '#side-panel', 'height'), '56px');
    assert.ok(!(await page.locator('.side-panel__nav').isVisible()));
    // Wide tables scroll inside their wrapper instead of widening the page.
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'style-guide-mobile.png') });
    await page.locator('#sidebar-toggle').click();
    assert.equal(await page.locator('html').getAttribute('data-sidebar-open'), 'true');
    assert.ok(await page.locator('.side-panel__nav').isVisible());
    await page.screenshot({ path: path.join(ARTIFACTS, 'style-guide-mobile-menu.png') });
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('html').getAttribute('data-sidebar-open'), null);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
