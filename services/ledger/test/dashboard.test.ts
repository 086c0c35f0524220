/** The dashboard page: every client with links, flags as badges, server-side sorting, month picker, CSV link, grand total. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sortRows, type DashboardRow } from '../src/billing/dashboard-sort.js';
import { billMonth } from '../src/billing/month.js';
import { saveClientOverrides } from '../src/db/store.js';
import { fakeClient, fakeCodex } from './fake-codex.js';
import { FROZEN_NOW, startLedger, type LedgerHarness } from './harness.js';

const row = (name: string, account: string, totalCents: number, hours: string, flags: string[] = []): DashboardRow => ({
  account_number: account,
  name,
  plan_name: 'Basic Support',
  contract_term: '1 Year',
  support_level: null,
  billable: flags.length === 0,
  flags,
  total_cents: totalCents,
  users: totalCents / 100,
  devices: { workstation: 1, server: 0, virtual_machine: 0, switch: 0, firewall: 0, not_billed: 0, custom: 0 },
  hours,
  billable_hours: hours,
  backup_tb: '0.00',
});

describe('sortRows', () => {
  const rows = [
    row('Beta', '20', 500, '10.00'),
    row('alpha', '3', 900, '2.50'),
    row('Gamma', '100', 500, '9.75', ['cannot bill: no plan']),
  ];
  it('sorts by any column in both directions, ties by name', () => {
    assert.deepEqual(
      sortRows(rows, 'name', 'asc').map((r) => r.name),
      ['alpha', 'Beta', 'Gamma'],
    );
    assert.deepEqual(
      sortRows(rows, 'total', 'desc').map((r) => r.name),
      ['alpha', 'Beta', 'Gamma'],
    );
    assert.deepEqual(
      sortRows(rows, 'total', 'asc').map((r) => r.name),
      ['Beta', 'Gamma', 'alpha'],
    );
    // Hours compare as numbers, not text ("10.00" > "9.75").
    assert.deepEqual(
      sortRows(rows, 'hours', 'asc').map((r) => r.name),
      ['alpha', 'Gamma', 'Beta'],
    );
    assert.deepEqual(
      sortRows(rows, 'account', 'asc').map((r) => r.account_number),
      ['3', '20', '100'],
    );
    assert.deepEqual(
      sortRows(rows, 'flags', 'desc').map((r) => r.name),
      ['Gamma', 'alpha', 'Beta'],
    );
  });
});

describe('dashboard page', () => {
  let t: LedgerHarness;
  let billing: string;
  before(async () => {
    t = await startLedger(
      fakeCodex([
        fakeClient('100', 'Alpha <Corp>', { users: 3, workstations: 2 }),
        fakeClient('200', 'Beta LLC', { users: 1, workstations: 1 }),
        fakeClient('300', 'Gamma', { plan: null }),
      ]),
    );
    billing = await t.token('billing');
  });
  after(() => t.close());
  const get = async (url: string, token = billing) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const names = (html: string) =>
    [...html.matchAll(/<td><a href="\/clients\/(\d+)\?month=2025-10">/g)].map((m) => m[1]);

  it('lists every client with its link, flags as badges, the CSV link, the month picker and the grand total', async () => {
    const res = await get('/?month=2025-10');
    assert.equal(res.statusCode, 200);
    const html = res.body;
    assert.match(html, /<table class="data-table" aria-label="Clients">/);
    assert.deepEqual(names(html), ['100', '200', '300']);
    assert.match(html, /Alpha &lt;Corp>/);
    assert.match(html, /<span class="badge badge--danger">cannot bill: no plan<\/span>/);
    assert.match(html, /href="\/api\/billing\/dashboard.csv\?month=2025-10"/);
    assert.match(html, /type="month" name="month" value="2025-10"/);
    assert.match(html, /href="\/\?month=2025-09&amp;sort=name&amp;dir=asc">Previous month/);
    // 3×$50 + 2×$75 + 1×$50 + 1×$75 = $425.00
    assert.match(html, /id="grand-total">\$425.00</);
    assert.match(
      html,
      /<th scope="col" aria-sort="ascending"><a href="\/\?month=2025-10&amp;sort=name&amp;dir=desc">Client ▲<\/a>/,
    );
  });

  it('sorts server-side with aria-sort on the sorted column, and refuses unknown sort keys', async () => {
    const res = await get('/?month=2025-10&sort=total&dir=desc');
    assert.deepEqual(names(res.body), ['100', '200', '300']);
    assert.match(res.body, /aria-sort="descending"><a href="\/\?month=2025-10&amp;sort=total&amp;dir=asc">Total ▼/);
    assert.equal((res.body.match(/aria-sort=/g) ?? []).length, 1);
    assert.deepEqual(names((await get('/?month=2025-10&sort=users&dir=asc')).body), ['200', '300', '100']);
    assert.equal((await get('/?sort=drop_table')).statusCode, 400);
  });

  it('refuses technicians', async () => {
    assert.equal((await get('/?month=2025-10', await t.token('technician'))).statusCode, 403);
  });
});

describe('billMonth reads of codex', () => {
  let t: LedgerHarness;
  const entry = (id: number, account: string, date: string, minutes: number) => ({
    id,
    ticket_number: `T${id}`,
    account_number: account,
    entry_date: date,
    minutes,
    billable: true,
  });
  const codex = fakeCodex([fakeClient('100', 'Alpha'), fakeClient('200', 'Beta')], {
    '2025-09': [entry(1, '100', '2025-09-10', 120), entry(2, '200', '2025-09-11', 120)],
    '2025-10': [entry(3, '100', '2025-10-10', 60), entry(4, '200', '2025-10-11', 60)],
  });
  before(async () => {
    t = await startLedger(codex);
  });
  after(() => t.close());

  it('reads codex once, with earlier months only for the yearly drawdown, and draws the yearly hours down', async () => {
    codex.calls.length = 0;
    const plain = await billMonth({ codex, db: t.db }, { year: 2025, month: 10 });
    assert.deepEqual(
      codex.calls,
      ['month:2025-10'],
      'one codex read; no client has yearly hours: no earlier month is asked for',
    );
    assert.equal(plain[0]?.result.labour.chargeCents, 10000);

    // Alpha: 1 h a year, already exceeded by September's 2 h, so October's hour is billed; Beta has none.
    await saveClientOverrides(
      t.db,
      '100',
      { planName: null, rateOverrides: {}, prepaidMonthly: 0, prepaidYearly: 1 },
      FROZEN_NOW,
    );
    await saveClientOverrides(
      t.db,
      '200',
      { planName: null, rateOverrides: {}, prepaidMonthly: 0, prepaidYearly: 0 },
      FROZEN_NOW,
    );
    codex.calls.length = 0;
    const bills = await billMonth({ codex, db: t.db }, { year: 2025, month: 10 });
    assert.deepEqual(
      codex.calls,
      ['month:2025-10 prior:2024-11:100'],
      'one codex read, with the earlier months a prepaid year can need for the client with yearly hours',
    );
    const alpha = bills.find((bill) => bill.client.company.account_number === '100');
    const beta = bills.find((bill) => bill.client.company.account_number === '200');
    assert.equal(alpha?.result.labour.yearlyUsedBeforeHours, '2.00');
    assert.equal(alpha?.result.labour.chargeCents, 10000);
    assert.deepEqual(beta?.input.priorMonths, []);

    // With 3 h a year, September's 2 h leave 1 h, which covers October's hour.
    await saveClientOverrides(
      t.db,
      '100',
      { planName: null, rateOverrides: {}, prepaidMonthly: 0, prepaidYearly: 3 },
      FROZEN_NOW,
    );
    const october = (await billMonth({ codex, db: t.db }, { year: 2025, month: 10 }, '100'))[0];
    assert.equal(october?.result.labour.yearlyLeftHours, '1.00');
    assert.equal(october?.result.labour.chargeCents, 0);
  });
});
