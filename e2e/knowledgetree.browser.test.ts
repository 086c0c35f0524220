/**
 * KnowledgeTree through the gateway (issue 13), on a platform started from a fresh clone: a
 * technician creates a folder and an article, pastes an image, saves twice, restores the first
 * save, finds the article by a word of its body with the word highlighted, and exports its
 * context; a client user sees only their company's shared folder.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, signIn, withStartedPlatform } from './platform.js';

interface Contact {
  email: string | null;
  companies: { account_number: string; name: string }[];
}

async function pasteImage(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 24;
    canvas.height = 16;
    const context = canvas.getContext('2d');
    if (context) {
      context.fillStyle = '#c33';
      context.fillRect(0, 0, 24, 16);
    }
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('no PNG');
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], 'screenshot.png', { type: 'image/png' }));
    const textarea = document.getElementById('markdown');
    if (!textarea) throw new Error('no editor');
    textarea.focus();
    textarea.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  });
}

describe('knowledgetree through the gateway', () => {
  const suite = withStartedPlatform();

  it(
    'lets a technician write, version, find and export an article; shows a client only their shared folder',
    { timeout: 600_000 },
    async (context) => {
      const ready = suite.ready(context);
      if (!ready) return;
      const { browser, platform } = ready;
      const { publicUrl } = platform;
      const kt = `${publicUrl}/knowledgetree`;
      await mkdir(ARTIFACTS, { recursive: true });
      const seeded = await platform.run(process.execPath, [
        '--import',
        'tsx',
        'services/codex/src/cli/seed.ts',
        '--companies',
        '4',
        '--contacts',
        '12',
        '--assets',
        '4',
      ]);
      assert.equal(seeded.code, 0, seeded.out);

      // An admin picks a company with a contact, and shares a folder with it.
      const admin = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
      await signIn(admin, `${publicUrl}/helm/`, 'admin', await platform.adminPassword());
      const contacts = await admin.request.get(`${publicUrl}/codex/api/contacts?per_page=50`, {
        headers: { accept: 'application/json' },
      });
      assert.equal(contacts.status(), 200, await contacts.text());
      const contact = ((await contacts.json()) as { items: Contact[] }).items.find(
        (c) => c.email !== null && c.companies.length > 0,
      );
      assert.ok(contact?.email !== undefined && contact.email !== null);
      const account = contact.companies[0]?.account_number ?? '';
      const api = async (method: string, url: string, data?: unknown) => {
        const res = await admin.request.fetch(`${kt}${url}`, {
          method,
          headers: { accept: 'application/json', origin: publicUrl },
          ...(data !== undefined ? { data } : {}),
        });
        assert.ok(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`);
        return (await res.json()) as { id: string; children?: { id: string }[] };
      };
      const root = await api('GET', '/api/browse?path=/');
      const clients = await api('POST', '/api/nodes', { parent_id: root.id, type: 'folder', title: 'Clients' });
      const shared = await api('POST', '/api/nodes', { parent_id: clients.id, type: 'folder', title: 'Shared docs' });
      await api('PATCH', `/api/nodes/${shared.id}`, { share_company: account });
      await api('POST', '/api/nodes', {
        parent_id: shared.id,
        type: 'article',
        title: 'How to reach us',
        markdown: 'Call the help desk.',
      });
      const internal = await api('POST', '/api/nodes', {
        parent_id: clients.id,
        type: 'article',
        title: 'Internal pricing',
        markdown: 'margins',
      });

      // The technician.
      const password = `Pw-${randomUUID()}`;
      for (const [username, group, email] of [
        ['terry', 'technicians', 'terry@example.test'],
        ['carol', 'client', contact.email],
      ] as const) {
        const added = await platform.cli(
          ['users', 'add', username, '--group', group, '--email', email, '--password-stdin'],
          `${password}\n`,
        );
        assert.equal(added.code, 0, added.out);
      }
      const tech = await (
        await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } })
      ).newPage();
      await tech.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: publicUrl });
      let pwned = false;
      tech.on('dialog', (dialog) => {
        pwned = dialog.type() === 'alert';
        void dialog.accept();
      });
      // Signed in on the root folder's page (`/` itself redirects there).
      await signIn(tech, `${kt}/view/${root.id}`, 'terry', password);
      await tech.fill('#new-title', 'Runbooks');
      await tech.selectOption('select[name="type"]', 'folder');
      await Promise.all([
        tech.waitForURL(/\/knowledgetree\/view\/[0-9a-f-]+$/),
        tech.getByRole('button', { name: 'Create' }).click(),
      ]);
      assert.equal(await tech.getByTestId('node-title').innerText(), 'Runbooks');
      await tech.fill('#new-title', 'Printer guide');
      await tech.selectOption('select[name="type"]', 'article');
      const runbooksUrl = tech.url();
      await Promise.all([tech.waitForURL(/\/edit$/), tech.getByRole('button', { name: 'Create' }).click()]);
      const articleUrl = tech.url().replace(/\/edit$/, '');

      // First save: text, a toolbar action and a pasted image, with the live preview.
      await tech.fill('#markdown', 'Reset the spooler with **care**.\n\nFlamingo procedure, step one.\n\n');
      await tech.getByRole('button', { name: 'Task list' }).click();
      await tech.locator('#markdown').press('End');
      await pasteImage(tech);
      await tech.waitForFunction(() =>
        (document.getElementById('markdown') as HTMLTextAreaElement).value.includes('/knowledgetree/attachments/'),
      );
      await tech.waitForSelector('#preview strong');
      await tech.getByRole('button', { name: 'Table' }).click();
      await tech.waitForSelector('#preview table th');
      await tech.fill('#message', 'first');
      await Promise.all([tech.waitForURL(/notice=Saved/), tech.getByTestId('save').click()]);
      assert.equal(
        await tech.locator('[data-testid="article-content"] table th').count(),
        3,
        "the toolbar's 3-column table",
      );
      const image = tech.locator('[data-testid="article-content"] img');
      await image.waitFor();
      assert.ok(
        await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 24),
        'the pasted image is served inline',
      );
      await tech.screenshot({ path: path.join(ARTIFACTS, 'knowledgetree-article.png'), fullPage: true });

      // Second save replaces the text; then the first save is restored from the history.
      await tech.goto(`${articleUrl}/edit`);
      await tech.fill('#markdown', 'Replaced everything.');
      await Promise.all([tech.waitForURL(/notice=Saved/), tech.getByTestId('save').click()]);
      assert.equal((await tech.getByTestId('article-content').innerText()).trim(), 'Replaced everything.');
      await tech.goto(`${articleUrl}/history`);
      await tech.getByRole('button', { name: 'Compare' }).click();
      await tech.waitForSelector('[data-testid="diff"] ins');
      await Promise.all([tech.waitForURL(/notice=Restored/), tech.getByTestId('restore-2').click()]);
      assert.match(await tech.getByTestId('article-content').innerText(), /Flamingo procedure/);

      // Search by a word of the body, highlighted.
      await tech.fill('#kt-search', 'flamingo');
      await Promise.all([tech.waitForURL(/\/search\?q=flamingo/), tech.locator('#kt-search').press('Enter')]);
      assert.equal((await tech.locator('[data-testid="results"] mark').first().innerText()).toLowerCase(), 'flamingo');
      await Promise.all([tech.waitForURL(articleUrl), tech.getByRole('link', { name: 'Printer guide' }).click()]);

      // Context export from the article page.
      await tech.locator('[data-testid="export-context"] summary').click();
      await Promise.all([tech.waitForURL(/\/context/), tech.getByRole('button', { name: 'Build context' }).click()]);
      assert.match(
        await tech.getByTestId('context-output').inputValue(),
        /# Context for: Printer guide[\s\S]*Flamingo procedure/,
      );
      await tech.getByRole('button', { name: 'Copy' }).click();
      assert.match(await tech.evaluate(() => navigator.clipboard.readText()), /Flamingo procedure/);
      assert.equal(pwned, false);

      // Drag and drop: the article dragged onto a new sibling folder moves into it.
      await tech.goto(runbooksUrl);
      await tech.fill('#new-title', 'Printers');
      await tech.selectOption('select[name="type"]', 'folder');
      await Promise.all([
        tech.waitForURL(/\/knowledgetree\/view\/[0-9a-f-]+$/),
        tech.getByRole('button', { name: 'Create' }).click(),
      ]);
      await tech.goto(runbooksUrl);
      const item = (name: string) => tech.locator('[data-testid="children"] .file-item', { hasText: name });
      await Promise.all([tech.waitForURL(/notice=/), item('Printer guide').dragTo(item('Printers'))]);
      assert.deepEqual(await tech.locator('[data-testid="children"] .file-item__name').allInnerTexts(), ['Printers']);
      await tech.goto(articleUrl);
      assert.match(await tech.getByTestId('breadcrumb').innerText(), /Runbooks\s*\/\s*Printers\s*\/\s*Printer guide/);

      // The client user: only the shared folder, by listing, by URL and in search.
      const client = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
      await signIn(client, `${kt}/view/${root.id}`, 'carol', password);
      const listed = await client.locator('[data-testid="children"] .file-item__name').allInnerTexts();
      assert.deepEqual(listed, ['Shared docs']);
      await client.getByRole('link', { name: 'Shared docs' }).first().click();
      assert.deepEqual(await client.locator('[data-testid="children"] .file-item__name').allInnerTexts(), [
        'How to reach us',
      ]);
      const refused = await client.goto(`${kt}/view/${internal.id}`);
      assert.equal(refused?.status(), 404);
      const found = await client.request.get(`${kt}/api/search?q=flamingo`, {
        headers: { accept: 'application/json' },
      });
      assert.deepEqual(((await found.json()) as { results: unknown[] }).results, []);
      await client.screenshot({ path: path.join(ARTIFACTS, 'knowledgetree-client.png'), fullPage: true });
    },
  );
});
