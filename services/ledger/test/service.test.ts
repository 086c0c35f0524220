/**
 * Ledger over HTTP on a real PostgreSQL, with an in-memory codex: who may see bills, the dashboard
 * and client figures, and the archive (accept, second accept refused, correction as a new version).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addLineItem, saveClientOverrides } from '../src/db/store.js';
import { fakeClient, fakeCodex } from './fake-codex.js';
import { FROZEN_NOW, startLedger, type LedgerHarness } from './harness.js';

describe('ledger service', () => {
  let t: LedgerHarness;
  let billing: string;
  const codex = fakeCodex(
    [
      fakeClient('100', 'Alpha Corp', { users: 3, workstations: 2 }),
      fakeClient('200', 'Beta LLC', { plan: 'Gold' }),
      fakeClient('300', 'Gamma', { plan: null }),
    ],
    {
      '2025-10': [
        { id: 1, ticket_number: 'T1', account_number: '100', entry_date: '2025-10-31', minutes: 90, billable: true },
        { id: 2, ticket_number: 'T1', account_number: '100', entry_date: '2025-10-05', minutes: 600, billable: false },
      ],
      '2025-11': [
        { id: 3, ticket_number: 'T2', account_number: '100', entry_date: '2025-11-01', minutes: 60, billable: true },
      ],
    },
  );
  before(async () => {
    t = await startLedger(codex);
    billing = await t.token('billing');
    await addLineItem(t.db, { accountNumber: '100', name: 'M365, "Pro"', recurringCents: 1999 });
  });
  after(() => t.close());

  const get = (url: string, token: string) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const post = (url: string, token: string, payload: object) =>
    t.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}` } });

  it('refuses technicians and clients, on the API and on pages', async () => {
    for (const level of ['technician', 'client'] as const) {
      const token = await t.token(level);
      assert.equal((await get('/api/billing/dashboard?month=2025-10', token)).statusCode, 403);
      assert.equal((await get('/', token)).statusCode, 403);
      assert.equal((await post('/api/bills/100/accept', token, { month: '2025-10' })).statusCode, 403);
    }
    assert.equal((await get('/api/billing/dashboard', await t.token('admin'))).statusCode, 200);
  });

  it('lists every client for the month, flagging those without a plan instead of dropping them', async () => {
    const res = await get('/api/billing/dashboard?month=2025-10', billing);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<{
      period: string;
      total_cents: number;
      clients: { account_number: string; total_cents: number; flags: string[]; hours: string }[];
    }>();
    assert.equal(body.period, '2025-10');
    assert.deepEqual(
      body.clients.map((c) => [c.account_number, c.total_cents, c.flags]),
      [
        // 3 users × $50 + 2 WS × $75 + 1.5 h × $100 + $19.99
        ['100', 15000 + 15000 + 15000 + 1999, []],
        ['200', 0, ['cannot bill: no plan']],
        ['300', 0, ['cannot bill: no plan']],
      ],
    );
    assert.equal(body.clients[0]?.hours, '1.50');
  });

  it('defaults to the current month in the business time zone and reads codex once', async () => {
    // Earlier months are read only for the yearly prepaid drawdown, so client 100 gets yearly hours here.
    await saveClientOverrides(
      t.db,
      '100',
      { planName: null, rateOverrides: {}, prepaidMonthly: 0, prepaidYearly: 10 },
      FROZEN_NOW,
    );
    codex.calls.length = 0;
    const res = await get('/api/billing/dashboard', billing);
    assert.equal(res.json<{ period: string }>().period, '2025-11');
    assert.equal(FROZEN_NOW.toISOString().slice(0, 7), '2025-11');
    assert.deepEqual(codex.calls, ['totals:month:2025-11 prior:2024-12:100'], 'one codex read (of totals) per page');
    await saveClientOverrides(
      t.db,
      '100',
      { planName: null, rateOverrides: {}, prepaidMonthly: 0, prepaidYearly: 0 },
      FROZEN_NOW,
    );
  });

  it('applies enabled rate overrides and shows the bill line by line on the client page', async () => {
    await saveClientOverrides(
      t.db,
      '100',
      { planName: null, rateOverrides: { perUser: 4000 }, prepaidMonthly: 1, prepaidYearly: 0 },
      FROZEN_NOW,
    );
    const api = await get('/api/billing/clients/100?month=2025-10', billing);
    assert.equal(api.json<{ total_cents: number }>().total_cents, 12000 + 15000 + 5000 + 1999);
    const page = await get('/clients/100?month=2025-10', billing);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /User: Person 0 \(Paid\)/);
    assert.match(page.body, /Billable Hours \(0\.50 hrs\)/);
    assert.match(page.body, /M365, &quot;Pro&quot; \(Recurring\)/);
    assert.equal((await get('/api/billing/clients/999?month=2025-10', billing)).statusCode, 404);
    const dashboard = await get('/?month=2025-10', billing);
    assert.match(dashboard.body, /cannot bill: no plan/);
  });

  it('accepts a bill once, storing a snapshot whose CSV matches the bill, and refuses a second accept', async () => {
    const bill = (await get('/api/billing/clients/100?month=2025-10', billing)).json<{
      total_cents: number;
      result: { lines: { amountCents: number }[] };
    }>();
    const first = await post('/api/bills/100/accept', billing, { month: '2025-10', notes: 'ok' });
    assert.equal(first.statusCode, 201, first.body);
    const snapshot = first.json<{
      invoice_number: string;
      version: number;
      total_cents: number;
      accepted_by: string;
      sha256: string;
    }>();
    assert.equal(snapshot.invoice_number, '100-202510');
    assert.equal(snapshot.total_cents, bill.total_cents);
    assert.equal(snapshot.accepted_by, 'billing@msp.test');
    assert.match(snapshot.sha256, /^[0-9a-f]{64}$/);

    const csv = await get('/api/archive/100-202510/csv', billing);
    assert.equal(csv.statusCode, 200);
    const rows = csv.body.trim().split('\r\n');
    assert.equal(rows[0], 'InvoiceNo,Customer,InvoiceDate,DueDate,Item(Product/Service),Description,Qty,Rate,Amount');
    assert.equal(
      rows[1],
      '100-202510,Alpha Corp,2025-10-31,2025-11-30,Managed Services,User: Person 0 (Paid),1,40.00,40.00',
    );
    assert.ok(
      rows.includes(
        '100-202510,Alpha Corp,2025-10-31,2025-11-30,Hourly Labor,Billable Hours (0.50 hrs),0.50,100.00,50.00',
      ),
    );
    assert.ok(
      rows.includes(
        '100-202510,Alpha Corp,2025-10-31,2025-11-30,Custom Charge,"M365, ""Pro"" (Recurring)",1,19.99,19.99',
      ),
    );
    const csvTotal = rows.slice(1).reduce((sum, row) => sum + Math.round(Number(row.split(',').at(-1)) * 100), 0);
    assert.equal(csvTotal, bill.total_cents);
    assert.equal(rows.length - 1, bill.result.lines.filter((l) => l.amountCents !== 0).length);

    const again = await post('/api/bills/100/accept', billing, { month: '2025-10' });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json<{ code: string }>().code, 'already_accepted');
    assert.match(again.json<{ detail: string }>().detail, /already accepted as invoice 100-202510/);

    const stored = await get('/api/archive/100-202510', billing);
    assert.equal(stored.json<{ hash_verified: boolean }>().hash_verified, true);
  });

  it('stores a correction as a new version referencing the earlier one, and never changes a snapshot', async () => {
    await saveClientOverrides(
      t.db,
      '100',
      { planName: null, rateOverrides: { perUser: 4500 }, prepaidMonthly: 1, prepaidYearly: 0 },
      FROZEN_NOW,
    );
    const stale = await post('/api/bills/100/correct', billing, {
      month: '2025-10',
      supersedes: 'nope',
      notes: 'rate fix',
    });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json<{ code: string }>().code, 'not_latest_invoice');
    const corrected = await post('/api/bills/100/correct', billing, {
      month: '2025-10',
      supersedes: '100-202510',
      notes: 'rate fix',
    });
    assert.equal(corrected.statusCode, 201, corrected.body);
    const v2 = corrected.json<{
      invoice_number: string;
      version: number;
      supersedes_id: number;
      total_cents: number;
    }>();
    assert.equal(v2.invoice_number, '100-202510-v2');
    assert.equal(v2.version, 2);
    assert.equal(v2.total_cents, 13500 + 15000 + 5000 + 1999);
    const original = (await get('/api/archive/100-202510', billing)).json<{ total_cents: number }>();
    assert.equal(original.total_cents, 12000 + 15000 + 5000 + 1999);
    const listed = (await get('/api/archive?account=100&period=2025-10', billing)).json<{
      results: { invoice_number: string; supersedes_id: number | null }[];
    }>().results;
    assert.deepEqual(
      listed.map((r) => r.invoice_number),
      ['100-202510-v2', '100-202510'],
    );
    assert.equal(typeof listed[0]?.supersedes_id, 'number');
    await assert.rejects(
      t.query(`UPDATE snapshots SET total_cents = 0 WHERE invoice_number = '100-202510'`),
      /immutable/,
    );
    await assert.rejects(t.query(`DELETE FROM snapshots`), /immutable/);
  });

  it('exports the dashboard as CSV with every client, and a live invoice CSV dated by the period', async () => {
    const dash = await get('/api/billing/dashboard.csv?month=2025-10', billing);
    assert.equal(dash.statusCode, 200);
    assert.match(String(dash.headers['content-disposition']), /billing_dashboard_2025-10\.csv/);
    const lines = dash.body.trim().split('\r\n');
    assert.equal(lines.length, 4);
    assert.ok(
      lines.some((line) => line.startsWith('Beta LLC,200,Gold,') && line.endsWith(',0.00,cannot bill: no plan')),
    );
    const invoice = await get('/api/billing/clients/100/invoice.csv?month=2025-09', billing);
    assert.equal(invoice.statusCode, 200);
    assert.match(invoice.body, /\r\n100-202509,Alpha Corp,2025-09-30,2025-10-30,Managed Services,/);
    assert.equal((await get('/api/billing/clients/300/invoice.csv?month=2025-09', billing)).statusCode, 422);
  });

  it('refuses to accept a client that cannot be billed', async () => {
    const res = await post('/api/bills/200/accept', billing, { month: '2025-10' });
    assert.equal(res.statusCode, 422);
    assert.match(res.json<{ detail: string }>().detail, /no plan/);
  });
});
