/**
 * `POST /api/billing/month/totals`: the billing month summed per company by the database (paid
 * users, assets per billing type with backup usage, billable minutes), with the contacts and assets
 * the caller names listed one by one and left out of the sums. The sums must agree with the
 * items `POST /api/billing/month` lists for the same month.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { bearer, startCodex, type CodexHarness } from './harness.js';
import { addAsset, addCompany, addContact, addPlan, addTicket, addTimeEntry } from './fixtures.js';
import { assets, contacts, psaAgents, timeEntries } from '../src/db/schema.js';

interface Group {
  billing_type: string;
  count: number;
  backed_up: number;
  backup_bytes: string;
}
interface TotalsAnswer {
  agent_emails: string[];
  plans: { plan_name: string }[];
  companies: {
    company: { account_number: string };
    paid_users: number;
    asset_groups: Group[];
    billable_minutes: number;
    listed_contacts: { id: number; name: string; active: boolean }[];
    listed_assets: { id: number; hostname: string; billing_type: string; backup_usage_bytes: number | null }[];
    prior_months: { month: string; billable_minutes: number }[];
  }[];
  next_after: string | null;
}
interface MonthAnswer {
  agent_emails: string[];
  companies: {
    company: { account_number: string };
    contacts: { id: number; email: string | null; active: boolean }[];
    assets: { id: number; billing_type: string; backup_usage_bytes: number | null }[];
    entries: { minutes: number; billable: boolean }[];
  }[];
}

const TB = 1024 ** 4;

describe('codex billing month totals', () => {
  let t: CodexHarness;
  let ledger: string;
  let janeId = 0;
  let bigId = 0;
  before(async () => {
    t = await startCodex({ env: { BUSINESS_TIMEZONE: 'America/Chicago' } });
    ledger = await t.serviceToken('ledger');
    await addPlan(t.db, 'Basic', '1 Year', { perUserCents: 5000 });
    const a = await addCompany(t.db, { accountNumber: 'A', name: 'A', planName: 'Basic', contractTerm: '1 Year' });
    const b = await addCompany(t.db, { accountNumber: 'B', name: 'B' });
    await addCompany(t.db, { accountNumber: 'C', name: 'C, empty' });
    janeId = await addContact(t.db, { name: 'Jane', email: 'jane@a.test', companyIds: [a, b] });
    await addContact(t.db, { name: 'Joe', email: null, companyIds: [a] });
    await addContact(t.db, { name: 'Inactive', email: 'in@a.test', companyIds: [a], active: false });
    await addContact(t.db, { name: 'Tech', email: 'TECH@msp.test', companyIds: [a] });
    const gone = await addContact(t.db, { name: 'Gone in August', email: 'gone@a.test', companyIds: [a] });
    await t.db
      .update(contacts)
      .set({ archivedAt: new Date('2025-08-01T00:00:00Z') })
      .where(eq(contacts.id, gone));
    const leftInOctober = await addContact(t.db, { name: 'Left in October', email: 'left@a.test', companyIds: [a] });
    await t.db
      .update(contacts)
      .set({ archivedAt: new Date('2025-10-20T00:00:00Z') })
      .where(eq(contacts.id, leftInOctober));
    await t.db
      .insert(psaAgents)
      .values({ provider: 'freshservice', externalId: 'ag1', name: 'Tech', email: 'tech@MSP.test' });
    const ws1 = await addAsset(t.db, { companyId: a, hostname: 'WS-1' });
    await addAsset(t.db, { companyId: a, hostname: 'WS-2' });
    bigId = await addAsset(t.db, { companyId: a, hostname: 'SRV-1', derived: 'workstation', override: 'server' });
    const oldAsset = await addAsset(t.db, { companyId: a, hostname: 'WS-OLD' });
    await addAsset(t.db, { companyId: b, hostname: 'FW', derived: 'firewall' });
    await t.db
      .update(assets)
      .set({ backupUsageBytes: 3 * TB })
      .where(eq(assets.id, ws1));
    // Large backups (a company's sum may pass 2^53 bytes, so sums travel as text); one archived before the month.
    await t.db
      .update(assets)
      .set({ backupUsageBytes: 2 ** 52 })
      .where(eq(assets.id, bigId));
    await t.db
      .update(assets)
      .set({ backupUsageBytes: 2 ** 52, archivedAt: new Date('2025-09-01T00:00:00Z') })
      .where(eq(assets.id, oldAsset));
    const ticket = await addTicket(t.db, { companyId: a, externalId: '1', subject: 'Work' });
    await addTimeEntry(t.db, ticket, { externalId: 'oct', entryDate: '2025-10-01', minutes: 60 });
    await addTimeEntry(t.db, ticket, { externalId: 'oct2', entryDate: '2025-10-31', minutes: 45 });
    await addTimeEntry(t.db, ticket, { externalId: 'free', entryDate: '2025-10-10', minutes: 500, billable: false });
    await addTimeEntry(t.db, ticket, { externalId: 'zero', entryDate: '2025-10-11', minutes: 0 });
    await addTimeEntry(t.db, ticket, { externalId: 'nov', entryDate: '2025-11-01', minutes: 600 });
    await addTimeEntry(t.db, ticket, { externalId: 'sep', entryDate: '2025-09-15', minutes: 30 });
    await addTimeEntry(t.db, ticket, { externalId: 'gone', entryDate: '2025-10-12', minutes: 240 });
    await t.db
      .update(timeEntries)
      .set({ archivedAt: new Date('2025-10-13T00:00:00Z') })
      .where(eq(timeEntries.externalId, 'gone'));
  });
  after(() => t.close());

  const ask = (url: string, payload: object, token = ledger) =>
    t.app.inject({ method: 'POST', url, payload, headers: bearer(token) });
  async function read<T>(url: string, payload: object): Promise<T> {
    const res = await ask(url, payload);
    assert.equal(res.statusCode, 200, `${JSON.stringify(payload)}: ${res.body}`);
    return JSON.parse(res.body) as T;
  }

  it('sums each company: paid users, assets per billing type with backup, billable minutes', async () => {
    const answer = await read<TotalsAnswer>('/api/billing/month/totals', {
      month: '2025-10',
      prior: { from: '2025-01', accounts: ['A'] },
    });
    assert.deepEqual(
      answer.companies.map((row) => row.company.account_number),
      ['A', 'B', 'C'],
    );
    const [a, b, c] = answer.companies;
    // Jane, Joe and the contact who left in October; not the inactive one, the agent or the one gone in August.
    assert.equal(a?.paid_users, 3);
    assert.deepEqual(a?.asset_groups, [
      { billing_type: 'server', count: 1, backed_up: 1, backup_bytes: String(2 ** 52) },
      { billing_type: 'workstation', count: 2, backed_up: 1, backup_bytes: String(3 * TB) },
    ]);
    assert.equal(a?.billable_minutes, 105);
    assert.deepEqual(a?.prior_months, [{ month: '2025-09', billable_minutes: 30 }]);
    assert.deepEqual(
      [b?.paid_users, b?.asset_groups, b?.billable_minutes],
      [1, [{ billing_type: 'firewall', count: 1, backed_up: 0, backup_bytes: '0' }], 0],
    );
    assert.deepEqual(
      [c?.paid_users, c?.asset_groups, c?.billable_minutes, c?.listed_contacts, c?.listed_assets],
      [0, [], 0, [], []],
    );
    assert.deepEqual(answer.agent_emails, ['tech@msp.test']);
    assert.deepEqual(
      answer.plans.map((plan) => plan.plan_name),
      ['Basic'],
    );
  });

  it('lists the named contacts and assets one by one, in each of their companies, and leaves them out of the sums', async () => {
    const answer = await read<TotalsAnswer>('/api/billing/month/totals', {
      month: '2025-10',
      listed: { contacts: [janeId], assets: [bigId] },
    });
    const [a, b] = answer.companies;
    assert.equal(a?.paid_users, 2);
    assert.deepEqual(
      a?.listed_contacts.map((row) => [row.id, row.name, row.active]),
      [[janeId, 'Jane', true]],
    );
    assert.deepEqual(
      b?.listed_contacts.map((row) => row.id),
      [janeId],
    );
    assert.equal(b?.paid_users, 0);
    assert.deepEqual(
      a?.asset_groups.map((group) => group.billing_type),
      ['workstation'],
    );
    assert.deepEqual(
      a?.listed_assets.map((row) => [row.id, row.hostname, row.billing_type, row.backup_usage_bytes]),
      [[bigId, 'SRV-1', 'server', 2 ** 52]],
    );
  });

  it("agrees with the month's items for every company", async () => {
    const items = await read<MonthAnswer>('/api/billing/month', { month: '2025-10', limit: 2 });
    const totals = await read<TotalsAnswer>('/api/billing/month/totals', { month: '2025-10', limit: 2 });
    assert.equal(totals.next_after, 'B', 'pages like the month read');
    const agents = new Set(items.agent_emails);
    for (const [i, company] of items.companies.entries()) {
      const summed = totals.companies[i];
      assert.equal(summed?.company.account_number, company.company.account_number);
      assert.equal(
        summed.paid_users,
        company.contacts.filter((row) => row.active && (row.email === null || !agents.has(row.email.toLowerCase())))
          .length,
      );
      assert.equal(
        summed.billable_minutes,
        company.entries.filter((row) => row.billable && row.minutes > 0).reduce((sum, row) => sum + row.minutes, 0),
      );
      assert.equal(
        summed.asset_groups.reduce((sum, group) => sum + group.count, 0),
        company.assets.length,
      );
      assert.equal(
        summed.asset_groups.reduce((sum, group) => sum + BigInt(group.backup_bytes), 0n),
        company.assets.reduce((sum, row) => sum + BigInt(row.backup_usage_bytes ?? 0), 0n),
      );
    }
  });

  it('is for ledger and billing staff only, and validates its body', async () => {
    const status = async (payload: object, token = ledger) =>
      (await ask('/api/billing/month/totals', payload, token)).statusCode;
    assert.equal(await status({ month: '2025-10' }, await t.token('billing')), 200);
    assert.equal(await status({ month: '2025-10' }, await t.token('client', { email: 'jane@a.test' })), 403);
    assert.equal(await status({ month: '2025-10' }, await t.serviceToken('beacon')), 403);
    assert.equal(await status({ month: '2025-10', listed: { contacts: ['x'] } }), 400);
    assert.equal(await status({ month: '2025-10', listed: { assets: [0] } }), 400);
    assert.equal(await status({ month: '2025-10', prior: { from: '2024-09', accounts: [] } }), 400);
  });
});
