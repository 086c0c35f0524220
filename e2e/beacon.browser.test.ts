/**
 * Beacon through the gateway (issue 14), on a platform started from a fresh clone with tickets
 * written into codex's database: a technician opens the board, filters by agent and opens a
 * ticket; a ticket changed in codex appears on the open board without a reload; a display link
 * opened in a browser context with no session shows its view, shows a subject holding markup as
 * text, and goes blank within 5 s of being revoked; the technician adds a private note to a demo
 * ticket from its panel, and sees codex's reason (text kept) for a ticket whose PSA takes none.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { Browser } from 'playwright-core';
import { openDatabase } from '@hivematrix/sdk/db';
import { launchChromium } from './browser.js';
import { ARTIFACTS, clonePlatform, signIn, type Platform } from './platform.js';

const EVIL = '<img src=x onerror=alert(1)>';

describe('beacon through the gateway', () => {
  let browser: Browser | undefined;
  let platform: Platform | undefined;
  before(
    async () => {
      browser = await launchChromium();
      if (!browser) return;
      platform = await clonePlatform();
      // Short intervals so the test sees live updates and revocations quickly.
      const configFile = path.join(platform.clone, 'instance', 'configs', 'master_config.json');
      const config = JSON.parse(await readFile(configFile, 'utf8')) as {
        apps: Record<string, { env?: Record<string, string> }>;
      };
      config.apps.beacon = {
        ...config.apps.beacon,
        env: { ...config.apps.beacon?.env, REFRESH_SECONDS: '2', DISPLAY_CHECK_SECONDS: '1' },
      };
      await writeFile(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
      await platform.start();
    },
    { timeout: 600_000 },
  );
  after(
    async () => {
      await browser?.close();
      await platform?.dispose();
    },
    { timeout: 300_000 },
  );

  it(
    'shows the live board to a technician and a revocable wall screen without a session',
    { timeout: 300_000 },
    async (context) => {
      if (browser === undefined || platform === undefined) {
        context.skip('no Chromium (.ci/run installs it)');
        return;
      }
      const { publicUrl } = platform;
      await mkdir(ARTIFACTS, { recursive: true });

      // Tickets and agents in codex's own database, as its sync would leave them.
      const codexEnv = parseEnv(await readFile(path.join(platform.clone, 'instance', 'codex', '.env'), 'utf8'));
      const codexDb = openDatabase({ url: codexEnv.DATABASE_URL ?? '', applicationName: 'beacon-e2e' });
      const now = Date.now();
      const ago = (minutes: number) => new Date(now - minutes * 60_000);
      let changedId = 0;
      let companyId: string | undefined;
      try {
        const company = await codexDb.pool.query<{ id: string }>(
          `INSERT INTO companies (account_number, name) VALUES ('BEACON-1', 'Beacon Co') RETURNING id`,
        );
        companyId = company.rows[0]?.id;
        await codexDb.pool.query(
          `INSERT INTO psa_agents (provider, external_id, name) VALUES ('freshservice', '7', 'Alice Agent'), ('freshservice', '8', 'Bob Agent')`,
        );
        const insert = `INSERT INTO tickets (provider, external_id, company_id, ticket_number, subject, description_text, status, priority, responder_external_id, requester_name, requester_email, created_at, updated_at, fr_due_by)
                      VALUES ('freshservice', $1, $2, $1, $3, $4, $5, $6, $7, 'Rita Requester', 'rita@client.example', $8, $9, $10) RETURNING id`;
        const rows: [string, string, string, string, string, string | null, Date, Date | null][] = [
          [
            '5001',
            'Printer on fire',
            'The printer in room 2 is on fire.',
            'open',
            'high',
            '7',
            ago(30),
            new Date(now + 2 * 3_600_000),
          ],
          ['5002', EVIL, 'Markup in a subject', 'open', 'medium', '8', ago(20), null],
          ['5003', 'Customer wrote back', 'Any news?', 'customer_replied', 'medium', '8', ago(10), null],
          ['5004', 'Old and forgotten', 'Nobody looked', 'on_hold', 'urgent', '7', ago(600), null],
        ];
        for (const [external, subject, description, status, priority, responder, updated, frDue] of rows) {
          const inserted = await codexDb.pool.query<{ id: string }>(insert, [
            external,
            company.rows[0]?.id,
            subject,
            description,
            status,
            priority,
            responder,
            ago(120),
            updated,
            frDue,
          ]);
          if (external === '5001') changedId = Number(inserted.rows[0]?.id);
        }
        await codexDb.pool.query(
          `INSERT INTO ticket_conversations (ticket_id, external_id, body_text, incoming, from_email, created_at) VALUES ($1, 'c1', 'We are on our way.', false, 'alice@msp.example', $2)`,
          [changedId, ago(15)],
        );
      } catch (error) {
        await codexDb.close();
        throw error;
      }

      const password = `Pw-${randomUUID()}`;
      const added = await platform.cli(
        ['users', 'add', 'terry', '--group', 'technicians', '--email', 'terry@example.test', '--password-stdin'],
        `${password}\n`,
      );
      assert.equal(added.code, 0, added.out);

      // A technician opens the board.
      const techContext = await browser.newContext({
        ignoreHTTPSErrors: true,
        viewport: { width: 1400, height: 1000 },
      });
      const tech = await techContext.newPage();
      await signIn(tech, `${publicUrl}/beacon/`, 'terry', password);
      const board = tech.locator('tbody[data-section] tr');
      await tech.waitForFunction(() => document.querySelectorAll('tbody[data-section] tr').length === 4);
      assert.equal(await tech.locator('tbody[data-section="customer_replied"] tr').count(), 1);
      assert.equal(
        await tech.locator('tbody[data-section="needs_attention"]').getByText('Old and forgotten').count(),
        1,
      );
      assert.ok(await tech.locator('#stale-banner').isVisible(), 'codex has never synced tickets: the banner says so');

      // Filter by agent: the filter lands in the URL and the board shows Bob's tickets only.
      await tech.selectOption('#field-agent', '8');
      await Promise.all([tech.waitForURL(/agent=8/), tech.getByRole('button', { name: 'Apply' }).click()]);
      await tech.waitForFunction(() => document.querySelectorAll('tbody[data-section] tr').length === 2);
      assert.deepEqual(
        (await board.locator('td:nth-child(2)').allInnerTexts()).sort(),
        ['Customer wrote back', EVIL].sort(),
      );
      assert.equal(await tech.locator('tbody img').count(), 0, 'the markup is text');

      // Back to every agent; open a ticket.
      await tech.goto(`${publicUrl}/beacon/?view=helpdesk`);
      await tech.waitForFunction(() => document.querySelectorAll('tbody[data-section] tr').length === 4);
      await tech.getByRole('button', { name: 'Printer on fire' }).click();
      const panel = tech.locator('#ticket-panel');
      await panel.getByText('The printer in room 2 is on fire.').waitFor();
      assert.match(await panel.innerText(), /We are on our way\./);
      assert.match(await panel.innerText(), /Last agent reply\s*1\d min ago/);
      await tech.screenshot({ path: path.join(ARTIFACTS, 'beacon-board-panel.png'), fullPage: true });
      await tech.keyboard.press('Escape');

      // A change in codex reaches the open board without a reload.
      await tech.evaluate(() => {
        (window as unknown as { beaconMarker: number }).beaconMarker = 1;
      });
      await codexDb.pool.query(
        `UPDATE tickets SET subject = 'Printer fire is out', updated_at = now(), synced_at = now() WHERE id = $1`,
        [changedId],
      );
      await tech.getByRole('button', { name: 'Printer fire is out' }).waitFor({ timeout: 15_000 });
      assert.equal(
        await tech.evaluate(() => (window as unknown as { beaconMarker?: number }).beaconMarker),
        1,
        'the page was not reloaded',
      );

      // An admin creates a display link for the help desk view.
      const adminContext = await browser.newContext({ ignoreHTTPSErrors: true });
      const admin = await adminContext.newPage();
      await signIn(admin, `${publicUrl}/beacon/links`, 'admin', await platform.adminPassword());
      await admin.fill('#field-name', 'Lobby TV');
      await admin.getByRole('button', { name: 'Create link' }).click();
      const linkUrl = (await admin.locator('#created-link').innerText()).trim();
      assert.match(linkUrl, /\/beacon\/display\/[A-Za-z0-9_-]{43}$/);

      // The wall screen: a browser with no session.
      const tvContext = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1920, height: 1080 } });
      const tv = await tvContext.newPage();
      let dialogs = 0;
      tv.on('dialog', (dialog) => {
        dialogs += 1;
        void dialog.dismiss();
      });
      await tv.goto(linkUrl.replace(/^https:\/\/[^/]+/, publicUrl));
      await tv.waitForFunction(() => document.querySelectorAll('tbody[data-section] tr').length === 4);
      assert.equal(await tv.getByText(EVIL, { exact: true }).count(), 1, 'the subject is shown as text');
      assert.equal(await tv.locator('tbody img').count(), 0);
      assert.equal(dialogs, 0);
      assert.equal(
        await tv.getByText('rita@client.example').count(),
        0,
        'no requester e-mail on a wall screen by default',
      );
      await tv.screenshot({ path: path.join(ARTIFACTS, 'beacon-wall-screen.png') });
      // A technician's board is not open to it.
      const refused = await tv.request.get(`${publicUrl}/beacon/api/board`, {
        headers: { accept: 'application/json' },
        maxRedirects: 0,
      });
      assert.equal(refused.status(), 401);

      // Revoking blanks the screen within 5 s.
      await admin.goto(`${publicUrl}/beacon/links`);
      const revokedAt = Date.now();
      await Promise.all([
        admin.waitForURL(/\/beacon\/links$/),
        admin.getByRole('button', { name: 'Revoke Lobby TV' }).click(),
      ]);
      await tv.getByText('This display link is no longer valid.').waitFor({ timeout: 5_000 });
      assert.ok(Date.now() - revokedAt < 5_000);
      assert.equal(await tv.locator('tbody[data-section] tr').count(), 0);
      const reopened = await tv.goto(linkUrl.replace(/^https:\/\/[^/]+/, publicUrl));
      assert.equal(reopened?.status(), 404);

      // "Add a note" from the panel: a demo ticket keeps it in codex (it has no PSA), private by default.
      const demo = await codexDb.pool.query<{ id: string }>(
        `INSERT INTO tickets (provider, external_id, company_id, ticket_number, subject, description_text, status, priority, requester_name, created_at, updated_at)
         VALUES ('demo', 'DEMO-1', $1, 'DEMO-1', 'Demo: paper jam', 'Paper everywhere.', 'open', 'low', 'Rita Requester', $2, $2) RETURNING id`,
        [companyId, ago(5)],
      );
      await tech.getByRole('button', { name: 'Demo: paper jam' }).click({ timeout: 15_000 });
      await panel.getByText('Paper everywhere.').waitFor();
      assert.ok(await tech.locator('#note-private').isChecked(), 'private by default');
      await tech.locator('#note-private').uncheck();
      assert.match(await tech.locator('#note-public-warning').innerText(), /customer will see/);
      await tech.locator('#note-private').check();
      assert.ok(await tech.locator('#note-public-warning').isHidden());
      await tech.fill('#note-body', `Replaced the roller. ${EVIL}`);
      await panel.getByRole('button', { name: 'Add note' }).click();
      await tech.locator('#note-status').getByText('Note added.').waitFor();
      assert.equal(await tech.inputValue('#note-body'), '');
      await panel.getByText(`Replaced the roller. ${EVIL}`).waitFor();
      assert.match(await panel.innerText(), /\(private note\)/);
      assert.equal(await panel.locator('img').count(), 0, 'the note is text');
      const stored = await codexDb.pool.query<{ body_text: string; private: boolean }>(
        'SELECT body_text, private FROM ticket_conversations WHERE ticket_id = $1',
        [demo.rows[0]?.id],
      );
      assert.deepEqual(stored.rows, [{ body_text: `Replaced the roller. ${EVIL}`, private: true }]);
      await tech.screenshot({ path: path.join(ARTIFACTS, 'beacon-ticket-note.png'), fullPage: true });
      await tech.keyboard.press('Escape');
      // A Freshservice ticket without an integration: codex's 409 reason, and the text stays.
      await tech.getByRole('button', { name: 'Printer fire is out' }).click();
      await panel.getByText('The printer in room 2 is on fire.').waitFor();
      await tech.fill('#note-body', 'Called the customer.');
      await panel.getByRole('button', { name: 'Add note' }).click();
      await tech
        .locator('#note-status')
        .getByText(/No Freshservice integration is configured/)
        .waitFor();
      assert.equal(await tech.inputValue('#note-body'), 'Called the customer.');
      await codexDb.close();

      await tvContext.close();
      await adminContext.close();
      await techContext.close();
    },
  );
});
