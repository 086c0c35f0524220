/**
 * Brainhair through the gateway (issue 15), on a platform started from a fresh clone whose
 * brainhair is configured with a scripted OpenAI-compatible model this test runs on port 0:
 * a user asks about a company and sees the tool call and the streamed answer, asks for a rate
 * change, approves the card and finds the new rate in ledger; a second user cannot see the chat.
 *
 * Ledger lets only billing and admin users change rates (its own rule, applied to the user's own
 * token), so the user who changes a rate here is in the billing group; the second user is a
 * technician.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.js';
import { ARTIFACTS, clonePlatform, signIn, type Platform, type RunResult } from './platform.js';
import { startFakeModel, type FakeModel } from '../services/brainhair/test/fake-model.js';

describe('brainhair through the gateway', () => {
  let browser: Browser | undefined;
  let platform: Platform | undefined;
  let model: FakeModel | undefined;
  before(
    async () => {
      browser = await launchChromium();
      if (!browser) return;
      model = await startFakeModel();
      platform = await clonePlatform();
      const configFile = path.join(platform.clone, 'instance', 'configs', 'master_config.json');
      const config = JSON.parse(await readFile(configFile, 'utf8')) as {
        apps: Record<string, { enabled?: boolean; env?: Record<string, string> }>;
      };
      config.apps.brainhair = {
        ...config.apps.brainhair,
        enabled: true,
        env: {
          BRAINHAIR_MODEL_PROVIDER: 'openai-compatible',
          BRAINHAIR_MODEL: 'fake-model',
          BRAINHAIR_MODEL_BASE_URL: model.url,
        },
      };
      await writeFile(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
      await platform.start();
      // A hook does not take the suite's timeout: cloning and starting take minutes on a loaded machine.
    },
    { timeout: 900_000 },
  );
  after(
    async () => {
      await browser?.close();
      await platform?.dispose();
      await model?.close();
    },
    { timeout: 300_000 },
  );

  it('answers with tool calls as they happen, changes a rate only after approval, and keeps chats private', async (context) => {
    if (!browser || !platform || !model) {
      context.skip('no Chromium');
      return;
    }
    const { publicUrl } = platform;
    await mkdir(ARTIFACTS, { recursive: true });
    const seeded = await platform.run(process.execPath, [
      '--import',
      'tsx',
      'services/codex/src/cli/seed.ts',
      '--companies',
      '5',
      '--contacts',
      '20',
      '--assets',
      '20',
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

    const billing = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    const page = await billing.newPage();
    await signIn(page, `${publicUrl}/brainhair/`, 'billie', password);
    const companies = await page.request.get(`${publicUrl}/codex/api/companies?per_page=1`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(companies.status(), 200);
    const company = ((await companies.json()) as { items: { account_number: string; name: string }[] }).items[0];
    assert.ok(company);

    model.script((body, step) => {
      const question = JSON.stringify(body.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '');
      if (question.includes('rate')) {
        return step === 0
          ? {
              toolCalls: [
                {
                  name: 'ledger_set_rates',
                  args: { account_number: company.account_number, rates: { perUser: 12_345 } },
                },
              ],
            }
          : { text: ['I prepared the change. ', 'Please approve the card.'] };
      }
      return step === 0
        ? { toolCalls: [{ name: 'companies_search', args: { query: company.name } }] }
        : { text: [`${company.name} `, 'is one of ', 'your clients.'], delayMs: 50 };
    });

    await page.getByLabel('Message').fill(`Tell me about ${company.name}`);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.chat-tool', { hasText: 'companies_search' }).waitFor();
    await page.locator('.chat-message--assistant .chat-text', { hasText: 'is one of your clients.' }).waitFor();
    assert.match(await page.locator('.chat-tool').first().innerText(), /companies_search.*→ ok/s);
    await page.waitForURL(/\?chat=/);
    const chatUrl = page.url();

    await page.getByLabel('Message').fill(`Set the per-user rate of ${company.account_number} to 123.45`);
    await page.getByRole('button', { name: 'Send' }).click();
    const card = page.locator('.approval-card');
    await card.waitFor();
    assert.match(await card.innerText(), /perUser/);
    const overrides = async () =>
      (
        (await (
          await page.request.get(`${publicUrl}/ledger/api/clients/${company.account_number}/overrides`, {
            headers: { accept: 'application/json' },
          })
        ).json()) as { rates: Record<string, number> }
      ).rates;
    assert.equal((await overrides()).perUser, undefined, 'nothing changes before approval');
    await page.screenshot({ path: path.join(ARTIFACTS, 'brainhair-approval.png'), fullPage: true });
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.locator('.approval-status', { hasText: 'executed' }).waitFor();
    assert.equal((await overrides()).perUser, 12_345);
    await page.goto(`${publicUrl}/ledger/clients/${company.account_number}`);
    assert.equal(Number(await page.getByLabel('Per-user rate').inputValue()), 123.45);
    await billing.close();

    const techContext = await browser.newContext({ ignoreHTTPSErrors: true });
    const tech = await techContext.newPage();
    await signIn(tech, `${publicUrl}/brainhair/`, 'terry', password);
    const other = await tech.goto(chatUrl);
    assert.equal(other?.status(), 404);
    const list = await tech.request.get(`${publicUrl}/brainhair/api/chats`, {
      headers: { accept: 'application/json' },
    });
    assert.deepEqual(((await list.json()) as { chats: unknown[] }).chats, []);
    await techContext.close();
  });
});
