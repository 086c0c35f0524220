/**
 * A client's bill opens with its summary (total, users, devices, hours, backup, line items) and
 * what changed since the month before, computed from both months' bills, before the lines.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addClientLineItem } from '../src/billing/edit.js';
import { billSummary } from '../src/billing/summary.js';
import { computeBill, type BillInput } from '../src/engine/index.js';
import { fakeClient, fakeCodex } from './fake-codex.js';
import { startLedger, type LedgerHarness } from './harness.js';

const RATES = {
  perUser: 5000,
  perWorkstation: 7500,
  perServer: 15000,
  perVirtualMachine: 10000,
  perSwitch: 2500,
  perFirewall: 5000,
  perHour: 10000,
  backupBaseWorkstation: 2000,
  backupBaseServer: 4000,
  backupPerTb: 1500,
  backupIncludedTb: 1,
};
const TB = 1024 ** 4;

function input(
  month: number,
  users: number,
  minutes: number,
  backupTb: number,
  items: BillInput['lineItems'],
): BillInput {
  return {
    period: { year: 2025, month },
    client: { accountNumber: '1', name: 'A', planName: 'Basic', term: '1 Year', contractStart: null },
    planRates: RATES,
    rateOverrides: {},
    prepaidHours: { monthly: 0, yearly: 0 },
    users: Array.from({ length: users }, (_, i) => ({
      id: `contact:${i}`,
      name: `U${i}`,
      source: 'codex' as const,
      active: true,
      isAgent: false,
      billingType: 'paid' as const,
      customCents: null,
    })),
    devices: [
      {
        id: 'asset:1',
        hostname: 'WS1',
        source: 'codex',
        active: true,
        billingType: 'workstation',
        customCents: null,
        backupBytes: backupTb * TB,
      },
      {
        id: 'asset:2',
        hostname: 'SW1',
        source: 'codex',
        active: true,
        billingType: 'not_billed',
        customCents: null,
        backupBytes: 0,
      },
    ],
    timeEntries:
      minutes === 0
        ? []
        : [
            {
              id: 1,
              ticketNumber: 'T1',
              entryDate: `2025-${String(month).padStart(2, '0')}-03`,
              minutes,
              billable: true,
            },
          ],
    priorMonths: [],
    lineItems: items,
  };
}

describe('billSummary', () => {
  const september = computeBill(
    input(9, 3, 60, 2, [{ id: 1, name: 'M365', recurring: { cents: 1999, firstMonth: null, lastMonth: null } }]),
  );
  const october = computeBill(
    input(10, 5, 150, 1.5, [{ id: 2, name: 'Setup', oneOff: { cents: 25000, month: '2025-10' } }]),
  );

  it('gives the figures of the bill and each change since the previous bill, exactly', () => {
    const summary = billSummary(october, september);
    assert.deepEqual(summary.current, {
      totalCents: october.totalCents,
      users: 5,
      devices: 1,
      minutes: 150,
      backupHundredthsTb: 150,
      lineItems: 1,
      lineItemCents: 25000,
    });
    assert.deepEqual(summary.change, {
      totalCents: october.totalCents - september.totalCents,
      users: 2,
      devices: 0,
      minutes: 90,
      backupHundredthsTb: -50,
      lineItems: 0,
      lineItemCents: 25000 - 1999,
    });
    assert.deepEqual(summary.lineItemsAdded, ['Setup (One-Off)']);
    assert.deepEqual(summary.lineItemsRemoved, ['M365 (Recurring)']);
    // Subtotals that moved, largest first, and their sum is the total's change.
    assert.equal(summary.movedSubtotals[0]?.kind, 'line_item');
    assert.equal(
      summary.movedSubtotals.reduce((sum, row) => sum + row.cents, 0),
      october.totalCents - september.totalCents,
    );
  });

  it('has no change for a client without a bill the month before', () => {
    const summary = billSummary(october, null);
    assert.equal(summary.previous, null);
    assert.equal(summary.change, null);
    assert.equal(summary.current.users, 5);
  });
});

describe('client page summary', () => {
  let t: LedgerHarness;
  let billing: string;
  before(async () => {
    const client = fakeClient('100', 'Alpha Corp', { users: 3, workstations: 2 });
    // One contact left in September: billed in September, not in October.
    const leaver = client.contacts[2];
    if (leaver !== undefined) leaver.archived_at = '2025-09-20T00:00:00.000Z';
    const entry = (id: number, date: string, minutes: number) => ({
      id,
      ticket_number: 'T1',
      account_number: '100',
      entry_date: date,
      minutes,
      billable: true,
    });
    t = await startLedger(
      fakeCodex([client], {
        '2025-09': [entry(1, '2025-09-04', 60)],
        '2025-10': [entry(2, '2025-10-02', 90), entry(3, '2025-10-20', 1230)],
      }),
    );
    await addClientLineItem(t.db, '100', {
      name: 'Onboarding',
      recurringCents: null,
      firstMonth: null,
      lastMonth: null,
      oneOffCents: 125000,
      oneOffMonth: '2025-10',
      yearlyCents: null,
      yearlyMonth: null,
    });
    billing = await t.token('billing');
  });
  after(() => t.close());
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${billing}` } });

  it('opens with the summary and the changes since last month, before the lines', async () => {
    const res = await get('/clients/100?month=2025-10');
    assert.equal(res.statusCode, 200, res.body);
    const html = res.body;
    const summaryAt = html.indexOf('id="bill-summary"');
    assert.ok(summaryAt > 0 && summaryAt < html.indexOf('id="bill"'), 'the summary comes before the bill');
    const [september, october] = await Promise.all(
      ['2025-09', '2025-10'].map(async (month) =>
        (await get(`/api/billing/clients/100?month=${month}`)).json<{ total_cents: number }>(),
      ),
    );
    const delta = (october?.total_cents ?? 0) - (september?.total_cents ?? 0);
    assert.ok(delta > 100_000, 'the one-off fee and the hours raise the total');
    const money = (cents: number) =>
      `$${Math.trunc(cents / 100).toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`;
    const change = (key: string) => new RegExp(`data-change="${key}">([^<]*)<`).exec(html)?.[1];
    assert.equal(change('totalCents'), `+${money(delta)} since 2025-09`);
    assert.equal(change('users'), '−1 since 2025-09');
    assert.equal(change('devices'), 'no change since 2025-09');
    assert.equal(change('minutes'), '+21.00 h since 2025-09');
    assert.match(html, /<strong>22\.00 h<\/strong>/);
    assert.match(html, /<strong>1 · \$1,250\.00<\/strong>/);
    assert.match(html, /Line item added: Onboarding \(One-Off\)/);
    assert.match(html, /2025-09 computed now: \$[\d,]+\.\d\d \(not accepted\)/);
  });
});
