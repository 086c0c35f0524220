/**
 * `POST /api/billing/month`: the companies active at any time in a month (archived ones included
 * when they were archived during or after it, by the business time zone), keyset-paged so a
 * company archived while a caller pages is never skipped, with the parts billing reads.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { bearer, startCodex, type CodexHarness } from './harness.js';
import { addAsset, addCompany, addContact, addPlan, addTicket, addTimeEntry } from './fixtures.js';
import { assets, companies, contacts, psaAgents } from '../src/db/schema.js';

interface MonthAnswer {
  time_zone: string;
  plans: { plan_name: string; term: string; prices_cents: { per_user: number } }[];
  agent_emails: string[];
  companies: {
    company: { account_number: string; archived_at: string | null; support_level: string | null };
    assets: { hostname: string; billing_type: string; archived_at: string | null }[];
    contacts: { name: string; active: boolean; archived_at: string | null }[];
    entries: { ticket_number: string; entry_date: string; minutes: number; billable: boolean }[];
    prior_months: { month: string; billable_minutes: number }[];
  }[];
  next_after: string | null;
}

describe('codex billing month', () => {
  let t: CodexHarness;
  let ledger: string;
  const archive = async (account: string, at: string) => {
    await t.db
      .update(companies)
      .set({ archivedAt: new Date(at) })
      .where(eq(companies.accountNumber, account));
  };
  before(async () => {
    // October 2025 starts at 2025-10-01T05:00:00Z in Chicago (CDT, UTC-5).
    t = await startCodex({ env: { BUSINESS_TIMEZONE: 'America/Chicago' } });
    ledger = await t.serviceToken('ledger');
    await addPlan(t.db, 'Basic', '1 Year', { perUserCents: 5000, supportLevel: 'Unlimited' });
    const active = await addCompany(t.db, {
      accountNumber: 'A-ACTIVE',
      name: 'Active',
      planName: 'Basic',
      contractTerm: '1 Year',
    });
    await addCompany(t.db, { accountNumber: 'B-MID', name: 'Archived mid-October' });
    await addCompany(t.db, { accountNumber: 'C-LATER', name: 'Archived in November' });
    await addCompany(t.db, { accountNumber: 'D-BEFORE', name: 'Archived 30 September, Chicago time' });
    await addCompany(t.db, { accountNumber: 'E-EDGE', name: 'Archived at 00:30 on 1 October, Chicago time' });
    await archive('B-MID', '2025-10-15T12:00:00Z');
    await archive('C-LATER', '2025-11-02T12:00:00Z');
    await archive('D-BEFORE', '2025-10-01T04:30:00Z');
    await archive('E-EDGE', '2025-10-01T05:30:00Z');
    await addAsset(t.db, { companyId: active, hostname: 'WS-1' });
    const gone = await addAsset(t.db, { companyId: active, hostname: 'WS-GONE' });
    const leftMid = await addAsset(t.db, { companyId: active, hostname: 'WS-LEFT', derived: 'server' });
    await t.db
      .update(assets)
      .set({ archivedAt: new Date('2025-09-10T00:00:00Z') })
      .where(eq(assets.id, gone));
    await t.db
      .update(assets)
      .set({ archivedAt: new Date('2025-10-20T00:00:00Z') })
      .where(eq(assets.id, leftMid));
    await addContact(t.db, { name: 'Jane', email: 'jane@a.test', companyIds: [active] });
    const old = await addContact(t.db, { name: 'Old Contact', email: 'old@a.test', companyIds: [active] });
    await t.db
      .update(contacts)
      .set({ archivedAt: new Date('2025-08-01T00:00:00Z') })
      .where(eq(contacts.id, old));
    const ticket = await addTicket(t.db, { companyId: active, externalId: '77', subject: 'Work' });
    await addTimeEntry(t.db, ticket, { externalId: 'sep', entryDate: '2025-09-30', minutes: 45 });
    await addTimeEntry(t.db, ticket, {
      externalId: 'sep-free',
      entryDate: '2025-09-12',
      minutes: 500,
      billable: false,
    });
    await addTimeEntry(t.db, ticket, { externalId: 'jul', entryDate: '2025-07-02', minutes: 30 });
    await addTimeEntry(t.db, ticket, { externalId: 'oct', entryDate: '2025-10-01', minutes: 60 });
    await addTimeEntry(t.db, ticket, { externalId: 'oct-free', entryDate: '2025-10-31', minutes: 15, billable: false });
    await addTimeEntry(t.db, ticket, { externalId: 'nov', entryDate: '2025-11-01', minutes: 600 });
    await t.db.insert(psaAgents).values([
      { provider: 'freshservice', externalId: 'ag1', name: 'Tech', email: 'Tech@MSP.test' },
      { provider: 'freshservice', externalId: 'ag2', name: 'No mail', email: null },
    ]);
  });
  after(() => t.close());

  const ask = (payload: object, token = ledger) =>
    t.app.inject({ method: 'POST', url: '/api/billing/month', payload, headers: bearer(token) });
  const read = async (payload: object): Promise<MonthAnswer> => {
    const res = await ask(payload);
    assert.equal(res.statusCode, 200, `${JSON.stringify(payload)}: ${res.body}`);
    return JSON.parse(res.body) as MonthAnswer;
  };

  it('lists every company active at any time in the month, by the business time zone', async () => {
    const answer = await read({ month: '2025-10' });
    assert.equal(answer.time_zone, 'America/Chicago');
    assert.deepEqual(
      answer.companies.map((entry) => entry.company.account_number),
      ['A-ACTIVE', 'B-MID', 'C-LATER', 'E-EDGE'],
    );
    assert.equal(answer.companies[1]?.company.archived_at, '2025-10-15T12:00:00.000Z');
    assert.equal(answer.next_after, null);
    const september = await read({ month: '2025-09' });
    assert.deepEqual(
      september.companies.map((entry) => entry.company.account_number),
      ['A-ACTIVE', 'B-MID', 'C-LATER', 'D-BEFORE', 'E-EDGE'],
    );
    const december = await read({ month: '2025-12' });
    assert.deepEqual(
      december.companies.map((entry) => entry.company.account_number),
      ['A-ACTIVE'],
    );
  });

  it("gives each company's assets and contacts present in the month, its entries of the month and earlier months' billable minutes", async () => {
    const answer = await read({
      month: '2025-10',
      account: 'A-ACTIVE',
      prior: { from: '2025-01', accounts: ['A-ACTIVE'] },
    });
    assert.equal(answer.companies.length, 1);
    const [entry] = answer.companies;
    assert.equal(entry?.company.support_level, 'Unlimited');
    assert.deepEqual(
      entry?.assets.map((asset) => [asset.hostname, asset.billing_type, asset.archived_at]),
      [
        ['WS-1', 'workstation', null],
        ['WS-LEFT', 'server', '2025-10-20T00:00:00.000Z'],
      ],
    );
    assert.deepEqual(
      entry?.contacts.map((contact) => contact.name),
      ['Jane'],
    );
    assert.deepEqual(
      entry?.entries.map((row) => [row.entry_date, row.minutes, row.billable]),
      [
        ['2025-10-01', 60, true],
        ['2025-10-31', 15, false],
      ],
    );
    assert.deepEqual(entry?.prior_months, [
      { month: '2025-07', billable_minutes: 30 },
      { month: '2025-09', billable_minutes: 45 },
    ]);
    assert.deepEqual(
      answer.plans.map((plan) => [plan.plan_name, plan.term, plan.prices_cents.per_user]),
      [['Basic', '1 Year', 5000]],
    );
    assert.deepEqual(answer.agent_emails, ['tech@msp.test']);
    const without = await read({ month: '2025-10', account: 'A-ACTIVE' });
    assert.deepEqual(without.companies[0]?.prior_months, [], 'earlier months only when asked');
    const others = await read({ month: '2025-10', prior: { from: '2025-01', accounts: ['B-MID'] } });
    assert.deepEqual(
      others.companies.map((entry) => entry.prior_months.length),
      [0, 0, 0, 0],
      'and only for the companies named',
    );
  });

  it('pages with a keyset: a company archived or added while paging neither shifts nor skips a page', async () => {
    const first = await read({ month: '2025-10', limit: 2 });
    assert.deepEqual(
      first.companies.map((entry) => entry.company.account_number),
      ['A-ACTIVE', 'B-MID'],
    );
    assert.equal(first.next_after, 'B-MID');
    // Between the pages, the first company is archived and a company sorting first is added.
    await archive('A-ACTIVE', '2025-11-03T08:00:00Z');
    await addCompany(t.db, { accountNumber: 'A-AARDVARK', name: 'Added while paging' });
    const second = await read({ month: '2025-10', limit: 2, after: first.next_after });
    assert.deepEqual(
      second.companies.map((entry) => entry.company.account_number),
      ['C-LATER', 'E-EDGE'],
    );
    assert.equal(second.next_after, null, 'the last page says so: no empty page to ask for');
    const fromAfterEnd = await read({ month: '2025-10', limit: 2, after: 'E-EDGE' });
    assert.deepEqual([fromAfterEnd.companies, fromAfterEnd.next_after], [[], null]);
    await t.db.update(companies).set({ archivedAt: null }).where(eq(companies.accountNumber, 'A-ACTIVE'));
    await t.db.delete(companies).where(eq(companies.accountNumber, 'A-AARDVARK'));
  });

  it('is for ledger and billing staff only, and validates its query', async () => {
    const status = async (payload: object, token = ledger) => (await ask(payload, token)).statusCode;
    assert.equal(await status({ month: '2025-10' }, await t.token('billing')), 200);
    assert.equal(await status({ month: '2025-10' }, await t.token('client', { email: 'jane@a.test' })), 403);
    assert.equal(await status({ month: '2025-10' }, await t.serviceToken('beacon')), 403);
    assert.equal(await status({ month: '2025-13' }), 400);
    assert.equal(
      await status({ month: '2025-10', prior: { from: '2024-09', accounts: [] } }),
      400,
      'more than 12 months back',
    );
    assert.equal(await status({ month: '2025-10', prior: { from: '2025-11', accounts: [] } }), 400, 'after the month');
    assert.equal(await status({ month: '2025-10', limit: 1001 }), 400);
    assert.equal(await status({ month: '2025-10', after: '' }), 400);
  });
});
