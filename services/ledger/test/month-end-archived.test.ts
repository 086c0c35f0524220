/**
 * Issue 12: month-end bills every company that was active at any time in the month it closes,
 * including those codex archived during the month or after it (before the job ran), reading codex
 * page by page with a keyset; and a ledger page reads codex in one call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { addAsset, addCompany, addContact, addPlan, addTicket, addTimeEntry } from '../../codex/test/fixtures.js';
import { startCodex, type CodexHarness } from '../../codex/test/harness.js';
import { assets, companies, contacts } from '../../codex/src/db/schema.js';
import { startLedger, type LedgerHarness } from './harness.js';
import { codexOverHttp } from './real-codex.js';

describe('month-end with companies archived in codex', () => {
  let codex: CodexHarness;
  let ledger: LedgerHarness;
  const seen: string[] = [];
  const archive = async (account: string, at: string) => {
    await codex.db
      .update(companies)
      .set({ archivedAt: new Date(at) })
      .where(eq(companies.accountNumber, account));
  };
  before(async () => {
    codex = await startCodex();
    await addPlan(codex.db, 'Basic Support', '1 Year', { perUserCents: 5000, perWorkstationCents: 7500 });
    const add = async (account: string, name: string) => {
      const id = await addCompany(codex.db, {
        accountNumber: account,
        name,
        planName: 'Basic Support',
        contractTerm: '1 Year',
      });
      await addContact(codex.db, { name: `${name} user`, email: `user@${account}.test`, companyIds: [id] });
      await addAsset(codex.db, { companyId: id, hostname: `${account}-WS` });
      return id;
    };
    await add('100', 'Stays');
    const left = await add('200', 'Left mid-October');
    await add('300', 'Left on 2 November');
    await add('400', 'Left in September');
    await archive('200', '2025-10-15T12:00:00Z');
    await archive('300', '2025-11-02T12:00:00Z');
    await archive('400', '2025-09-20T12:00:00Z');
    // The company that left took its people and devices along on the same day: they were there in October.
    await codex.db
      .update(contacts)
      .set({ archivedAt: new Date('2025-10-15T12:00:00Z') })
      .where(eq(contacts.email, 'user@200.test'));
    await codex.db
      .update(assets)
      .set({ archivedAt: new Date('2025-10-15T12:00:00Z') })
      .where(eq(assets.companyId, left));
    const ticket = await addTicket(codex.db, { companyId: left, externalId: 'T-200', subject: 'Offboarding' });
    await addTimeEntry(codex.db, ticket, { externalId: 'e1', entryDate: '2025-10-14', minutes: 90 });
    // One company per page, so paging is exercised end to end.
    ledger = await startLedger(await codexOverHttp(codex, { pageSize: 1, seen }));
  });
  after(async () => {
    await ledger.close();
    await codex.close();
  });

  it('accepts the bill of every company active at any time in the month, paging codex by keyset', async () => {
    const admin = await ledger.token('admin');
    seen.length = 0;
    const res = await ledger.app.inject({
      method: 'POST',
      url: '/api/month-end/run',
      payload: { month: '2025-10' },
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json<{
      accepted: { account_number: string; total_cents: number }[];
      cannot_bill: unknown[];
      flagged: unknown[];
    }>();
    assert.deepEqual(
      report.accepted.map((entry) => entry.account_number),
      ['100', '200', '300'],
    );
    assert.deepEqual([report.cannot_bill, report.flagged], [[], []]);
    // The company that left mid-month: its user and workstation of October.
    assert.equal(report.accepted.find((entry) => entry.account_number === '200')?.total_cents, 5000 + 7500);
    assert.deepEqual(
      seen.map((call) => (JSON.parse(call) as { after?: string }).after),
      [undefined, '100', '200'],
      'three keyset pages, each after the last account of the one before',
    );
  });

  it('reads codex once for a client page, and for the dashboard once per page of companies', async () => {
    const billing = await ledger.token('billing');
    seen.length = 0;
    const client = await ledger.app.inject({
      url: '/api/billing/clients/200?month=2025-10',
      headers: { authorization: `Bearer ${billing}` },
    });
    assert.equal(client.statusCode, 200, client.body);
    assert.deepEqual(seen, [JSON.stringify({ month: '2025-10', limit: 1, account: '200' })]);
    assert.deepEqual(
      [client.json<{ users: number; hours: string }>().users, client.json<{ hours: string }>().hours],
      [1, '1.50'],
      'its October user and hours',
    );
    seen.length = 0;
    const dashboard = await ledger.app.inject({
      url: '/api/billing/dashboard?month=2025-11',
      headers: { authorization: `Bearer ${billing}` },
    });
    assert.deepEqual(
      dashboard
        .json<{ clients: { account_number: string }[] }>()
        .clients.map((row) => row.account_number)
        .sort(),
      ['100', '300'],
      'November: the company archived on 2 November was active in it',
    );
    assert.equal(seen.length, 2, 'pages of one company: two calls for two companies, nothing else');
  });
});
