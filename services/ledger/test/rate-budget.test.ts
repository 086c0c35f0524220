/**
 * One user cannot make ledger fail for everyone. Codex limits each caller per minute; ledger's
 * calls used to count against one budget, `service:ledger`, so one billing user paging through
 * ledger spent it and every user's ledger page got a 502 until the minute turned. Ledger's calls
 * now carry the user they are made for (the SDK's `X-On-Behalf-Of`) and codex counts them
 * against that user: the busy user is told to slow down (429), the others are served.
 *
 * Codex runs from its own harness over real HTTP with a budget of 150 a minute, so 200 pages
 * from one user are well past it whatever number of codex calls a page makes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addCompany, addPlan } from '../../codex/test/fixtures.js';
import { startCodex, type CodexHarness } from '../../codex/test/harness.js';
import { startLedger, type LedgerHarness } from './harness.js';
import { codexOverHttp } from './real-codex.js';

const CODEX_BUDGET_PER_MINUTE = 150;
const PAGES = 200;

describe('ledger: service calls do not share one budget across users', () => {
  let codex: CodexHarness;
  let ledger: LedgerHarness;

  before(async () => {
    codex = await startCodex({ rateLimitPerMinute: CODEX_BUDGET_PER_MINUTE });
    await addCompany(codex.db, {
      accountNumber: '620547',
      name: 'Acme, Inc.',
      planName: 'Basic Support',
      contractTerm: '1 Year',
    });
    await addPlan(codex.db, 'Basic Support', '1 Year', { perUserCents: 5000, perWorkstationCents: 7500 });
    ledger = await startLedger(await codexOverHttp(codex));
  });
  after(async () => {
    await ledger.close();
    await codex.close();
  });

  const page = (token: string) =>
    ledger.app.inject({
      method: 'GET',
      url: '/api/billing/dashboard?month=2025-10',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });

  it(`${PAGES} ledger pages in a minute from one user leave a second user served`, { timeout: 120_000 }, async () => {
    const busy = await ledger.token('billing');
    const calm = await ledger.token('billing');
    const statuses = new Map<number, number>();
    for (let index = 0; index < PAGES; index += 1) {
      const response = await page(busy);
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    }
    // The busy user got their pages until their own budget at codex was spent, then 429s:
    // never a 502 or a 500.
    assert.deepEqual([...statuses.keys()].sort(), [200, 429], JSON.stringify([...statuses]));
    assert.ok((statuses.get(200) ?? 0) > 0);

    for (let index = 0; index < 5; index += 1) {
      const response = await page(calm);
      assert.equal(response.statusCode, 200, response.body);
    }
  });
});
