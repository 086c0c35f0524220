/**
 * Ledger through the gateway (issue 8), on a platform started from a fresh clone with generated
 * codex data: a billing user opens the dashboard, opens a client, changes the per-user rate and
 * sees the total change, accepts the bill and downloads its PDF; a technician is refused.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS, signIn, withStartedPlatform, type RunResult } from './platform.js';

interface DashboardRow {
  account_number: string;
  name: string;
  billable: boolean;
  users: number;
  total_cents: number;
}

describe('ledger through the gateway', () => {
  const suite = withStartedPlatform();

  it('lets a billing user change a rate, accept the bill and download its PDF; refuses a technician', async (context) => {
    const ready = suite.ready(context);
    if (!ready) return;
    const { browser, platform } = ready;
    const { publicUrl } = platform;
    await mkdir(ARTIFACTS, { recursive: true });
    const seeded = await platform.run(process.execPath, [
      '--import',
      'tsx',
      'services/codex/src/cli/seed.ts',
      '--companies',
      '12',
      '--contacts',
      '60',
      '--assets',
      '60',
    ]);
    assert.equal(seeded.code, 0, seeded.out);
    const password = `Pw-${randomUUID()}`;
    for (const [username, group] of [
      ['billie', 'billing'],
      ['terry', 'technicians'],
    ] as const) {
      const added: RunResult = await platform.cli(
        ['users', 'add', username, '--group', group, '--email', `${username}@example.test`, '--password-stdin'],
        `${password}\n`,
      );
      assert.equal(added.code, 0, added.out);
    }

    const billing = await browser.newContext({
      ignoreHTTPSErrors: true,
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    });
    const page = await billing.newPage();
    await signIn(page, `${publicUrl}/ledger/`, 'billie', password);
    assert.equal(await page.getByRole('table', { name: 'Clients' }).count(), 1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'ledger-dashboard.png'), fullPage: true });

    // A client with users, so the per-user rate moves its total.
    const dashboard = await page.request.get(`${publicUrl}/ledger/api/billing/dashboard`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(dashboard.status(), 200);
    const client = ((await dashboard.json()) as { clients: DashboardRow[] }).clients.find(
      (row) => row.billable && row.users > 0,
    );
    assert.ok(client, 'a billable client with users among the generated ones');
    await Promise.all([
      page.waitForURL(new RegExp(`/ledger/clients/${client.account_number}`)),
      page
        .getByRole('table', { name: 'Clients' })
        .getByRole('link', { name: client.name, exact: true })
        .first()
        .click(),
    ]);
    const before = (await page.locator('#bill-total').innerText()).trim();

    const rate = page.getByLabel('Per-user rate');
    const current = Number((await rate.inputValue()) || '0');
    await rate.fill((current + 11.5).toFixed(2));
    await Promise.all([page.waitForURL(/done=/), page.getByRole('button', { name: 'Save rates' }).click()]);
    const after = (await page.locator('#bill-total').innerText()).trim();
    assert.notEqual(after, before, 'the total follows the new rate');
    const cents = (text: string) => Math.round(Number(text.replace(/[^0-9.-]/g, '')) * 100);
    assert.equal(cents(after) - cents(before), 1150 * client.users, `${before} → ${after} for ${client.users} users`);

    // Accept the bill, then download the archived PDF.
    await Promise.all([page.waitForURL(/done=/), page.getByRole('button', { name: 'Accept bill' }).click()]);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download PDF' }).click(),
    ]);
    const file = path.join(ARTIFACTS, 'ledger-invoice.pdf');
    await download.saveAs(file);
    const pdf = await readFile(file);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(pdf.toString('latin1'), /%%EOF\s*$/);
    await billing.close();

    // A technician is refused the ledger, pages and API alike.
    const techContext = await browser.newContext({ ignoreHTTPSErrors: true });
    const tech = await techContext.newPage();
    await signIn(tech, `${publicUrl}/template/`, 'terry', password);
    const refused = await tech.goto(`${publicUrl}/ledger/`);
    assert.equal(refused?.status(), 403);
    const api = await tech.request.get(`${publicUrl}/ledger/api/billing/dashboard`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(api.status(), 403);
    await techContext.close();
  });
});
