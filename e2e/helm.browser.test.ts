/**
 * Helm's console through the gateway (issue 6), on a platform started from a fresh clone: the
 * admin sees the services page, restarts the template and sees it come back, filters the logs by
 * level and by correlation id (the id of a request made through the gateway, followed across
 * services), creates a user who then signs in, and runs the security audit; a technician is
 * refused every helm page and API. Then the operator's round trip: `hivematrix backup`, stop,
 * delete the whole instance/ folder, `hivematrix restore`, start: the user, a note written in the
 * template and the admin's login are all back.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, signIn, withStartedPlatform } from './platform.js';

const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];

/** Polls `check` until it returns true (or fails after `ms`). */
async function eventually(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** The cell texts of a table's rows, by its accessible name. */
async function rowsOf(page: Page, label: string): Promise<string[][]> {
  return page
    .getByRole('table', { name: label })
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => Array.from(row.querySelectorAll('td'), (cell) => (cell.textContent ?? '').trim())),
    );
}

describe('helm console through the gateway', () => {
  const suite = withStartedPlatform();
  // The technician the console creates; the restore test signs in as them again.
  const username = `tech${Date.now() % 100000}`;
  const password = `Pw-${randomUUID()}`;

  it('lets an admin restart a service, read the logs, create a user and run the audit; refuses a technician', async (context) => {
    const ready = suite.ready(context);
    if (!ready) return;
    const { browser, platform } = ready;
    const { publicUrl } = platform;
    await mkdir(ARTIFACTS, { recursive: true });
    const admin = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    const page = await admin.newPage();
    await signIn(page, `${publicUrl}/helm/`, 'admin', await platform.adminPassword());

    // Services: the template is listed as running; restart it and see it come back.
    const templateRow = page.getByRole('row').filter({ hasText: 'template' }).first();
    assert.match(await templateRow.innerText(), /running/);
    const pidBefore = (await platform.status()).find((service) => service.name === 'template')?.pid;
    assert.ok(pidBefore);
    await Promise.all([
      page.waitForURL(/\/helm\/services\/template/),
      page.getByRole('button', { name: 'restart template' }).click(),
    ]);
    await eventually('the template to run again under a new pid', async () => {
      const template = (await platform.status()).find((service) => service.name === 'template');
      return template?.state === 'running' && template.health === 'healthy' && template.pid !== pidBefore;
    });
    await page.reload();
    assert.match(await page.locator('main').innerText(), /running/);
    const answer = await page.request.get(`${publicUrl}/template/api/data`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(answer.status(), 200, 'the restarted template answers through the gateway');
    await page.goto(`${publicUrl}/helm/audit-trail`);
    assert.match(await page.locator('main').innerText(), /restart/);

    // Disable beacon from its page (an app nothing depends on; turning off ledger is refused while
    // brainhair, which depends on it, is on): it stops and leaves the gateway; enable it: it runs again.
    await page.goto(`${publicUrl}/helm/`);
    await Promise.all([
      page.waitForURL(/\/helm\/services\/beacon/),
      page.getByRole('button', { name: 'disable beacon' }).click(),
    ]);
    await eventually('beacon to be disabled and stopped', async () => {
      const beacon = (await platform.status()).find((service) => service.name === 'beacon');
      return beacon?.state === 'disabled' && beacon.pid === null;
    });
    await eventually(
      'the gateway to drop beacon',
      async () =>
        (await page.request.get(`${publicUrl}/beacon/`, { headers: { accept: 'application/json' } })).status() === 404,
    );
    await page.goto(`${publicUrl}/helm/services/beacon`);
    await Promise.all([
      page.waitForURL(/\/helm\/services\/beacon/),
      page.getByRole('button', { name: 'enable beacon' }).click(),
    ]);
    await eventually('beacon to run again', async () => {
      const beacon = (await platform.status()).find((service) => service.name === 'beacon');
      return beacon?.state === 'running' && beacon.health === 'healthy';
    });
    await eventually(
      'the gateway to route beacon again',
      async () =>
        (await page.request.get(`${publicUrl}/beacon/`, { headers: { accept: 'application/json' } })).status() !== 404,
    );

    // Logs: a request with a known correlation id, followed across the gateway and the service.
    const traceId = `e2e-${randomUUID()}`;
    const traced = await page.request.get(`${publicUrl}/template/api/data`, {
      headers: { accept: 'application/json', 'x-correlation-id': traceId },
    });
    assert.equal(traced.status(), 200);
    await page.goto(`${publicUrl}/helm/logs`);
    await page.getByLabel('Correlation id').fill(traceId);
    await Promise.all([page.waitForURL(/trace_id=/), page.getByRole('button', { name: 'Filter' }).click()]);
    // Each service ships its records in its own batches, so the gateway's may arrive before the template's.
    let services = new Set<string | undefined>();
    await eventually('the traced request in the logs of the gateway and the template', async () => {
      const rows = (await rowsOf(page, 'Log entries')).filter((cells) => cells.length >= 3); // not the "No entries match." row
      assert.ok(
        rows.every((cells) => cells.includes(traceId)),
        `only the traced request is shown: ${rows.map((cells) => cells.join(' | ')).join('; ')}`,
      );
      services = new Set(rows.map((cells) => cells[1]));
      if (services.has('nexus') && services.has('template')) return true;
      await page.reload();
      return false;
    });
    assert.ok(services.has('template'), `the template logged the request: ${[...services].join(', ')}`);

    await page.goto(`${publicUrl}/helm/logs`);
    await page.getByLabel('Lowest level').selectOption('WARNING');
    await Promise.all([page.waitForURL(/level=WARNING/), page.getByRole('button', { name: 'Filter' }).click()]);
    for (const cells of await rowsOf(page, 'Log entries')) {
      if (cells.length < 3) continue; // the "No entries match." row
      assert.ok(LEVELS.indexOf(cells[2] ?? '') >= LEVELS.indexOf('WARNING'), `level filter: ${cells.join(' | ')}`);
    }
    await page.getByLabel('Lowest level').selectOption('INFO');
    await Promise.all([page.waitForURL(/level=INFO/), page.getByRole('button', { name: 'Filter' }).click()]);
    const infoRows = await rowsOf(page, 'Log entries');
    assert.ok(infoRows.length > 0 && infoRows.every((cells) => cells[2] !== 'DEBUG'), 'INFO and above, no DEBUG');

    // Users: create a technician in the console; they sign in and reach the template.
    await page.goto(`${publicUrl}/helm/users/new`);
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="email"]', `${username}@example.test`);
    await page.fill('input[name="first_name"]', 'Tess');
    await page.fill('input[name="last_name"]', '<b>Tech</b>');
    await page.fill('input[name="password"]', password);
    const temporary = page.locator('input[name="temporary"]');
    if (await temporary.isChecked()) await temporary.uncheck();
    await page.check('input[name="groups"][value="technicians"]');
    await Promise.all([page.waitForURL(/\/helm\/users/), page.getByRole('button', { name: 'Create user' }).click()]);
    await page.goto(`${publicUrl}/helm/users?q=${username}`);
    const listed = (await rowsOf(page, 'Users')).find((cells) => cells.some((cell) => cell.includes(username)));
    assert.ok(listed, 'the new user is listed');
    assert.ok(listed.join(' ').includes('<b>Tech</b>'), 'the name is shown as text, escaped');

    // Security audit: runs on demand and lists findings with a severity.
    await page.goto(`${publicUrl}/helm/security`);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Run again' }).click()]);
    assert.match(await page.locator('main').innerText(), /high|medium|low|info/i);
    await page.screenshot({ path: path.join(ARTIFACTS, 'helm-security.png'), fullPage: true });

    // The new technician signs in, and helm refuses them everywhere.
    const techContext = await browser.newContext({ ignoreHTTPSErrors: true });
    const tech = await techContext.newPage();
    await signIn(tech, `${publicUrl}/template/`, username, password);
    assert.match(await tech.locator('.page-header__title').innerText(), /^Hello, /);
    for (const url of [
      '/helm/',
      '/helm/services',
      '/helm/logs',
      '/helm/users',
      '/helm/security',
      '/helm/audit-trail',
      '/helm/settings',
      '/helm/backups',
      '/helm/alerts',
    ]) {
      const response = await tech.goto(`${publicUrl}${url}`);
      assert.equal(response?.status(), 403, `${url} for a technician`);
    }
    for (const url of ['/helm/api/security/audit', '/helm/api/logs', '/helm/api/status']) {
      const response = await tech.request.get(`${publicUrl}${url}`, { headers: { accept: 'application/json' } });
      assert.equal(response.status(), 403, `${url} for a technician`);
    }
    for (const action of ['stop', 'disable']) {
      const post = await tech.request.post(`${publicUrl}/helm/services/template/${action}`, {
        headers: { origin: publicUrl },
        maxRedirects: 0,
      });
      assert.equal(post.status(), 403, `${action} for a technician`);
    }
    assert.equal((await platform.status()).find((service) => service.name === 'template')?.state, 'running');
    await techContext.close();
    await admin.close();
  });

  // Stopping and starting the whole platform takes minutes on a loaded machine, past the 120 s default.
  it('backs up, survives the loss of instance/, and restores every record', { timeout: 600_000 }, async (context) => {
    const ready = suite.ready(context);
    if (!ready) return;
    const { browser, platform } = ready;
    const { publicUrl, clone } = platform;
    const admin = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await admin.newPage();
    await signIn(page, `${publicUrl}/template/`, 'admin', await platform.adminPassword());
    const note = `written before the backup ${randomUUID()}`;
    const written = await page.request.post(`${publicUrl}/template/api/data`, {
      headers: { origin: publicUrl, accept: 'application/json' },
      data: { body: note },
    });
    assert.equal(written.status(), 201, await written.text());
    await admin.close();
    const adminPassword = await platform.adminPassword();

    const backup = await platform.cli(['backup']);
    assert.equal(backup.code, 0, backup.out);
    const file = /backup written: (\S+)/.exec(backup.out)?.[1];
    assert.ok(file, backup.out);
    const saved = path.join(path.dirname(clone), 'saved.tar.gz');
    await copyFile(path.resolve(clone, file), saved);
    assert.equal((await platform.cli(['stop'])).code, 0);
    await rm(path.join(clone, 'instance'), { recursive: true, force: true });

    const restore = await platform.cli(['restore', saved]);
    assert.equal(restore.code, 0, restore.out);
    assert.match(restore.out, /restored files, identity/);
    await platform.start();

    const again = await browser.newContext({ ignoreHTTPSErrors: true });
    const back = await again.newPage();
    await signIn(back, `${publicUrl}/template/`, 'admin', adminPassword);
    const data = await back.request.get(`${publicUrl}/template/api/data`, { headers: { accept: 'application/json' } });
    assert.ok(
      ((await data.json()) as { notes: { body: string }[] }).notes.some((item) => item.body === note),
      'the note is back',
    );
    await again.close();
    const tech = await browser.newContext({ ignoreHTTPSErrors: true });
    await signIn(await tech.newPage(), `${publicUrl}/template/`, username, password);
    await tech.close();
  });
});
