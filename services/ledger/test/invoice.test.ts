/** The QuickBooks variant CSV (reference §3.6b with its today-dating bug fixed). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeBill } from '../src/engine/index.js';
import { quickBooksCsv, quickBooksRows } from '../src/invoicing/quickbooks.js';
import { invoiceDates } from '../src/invoicing/dates.js';
import { baseInput, device, tb, user } from './engine/fixtures.js';

describe('QuickBooks variant', () => {
  const input = baseInput({
    users: [user(1, { name: 'Jane Doe' }), user(2, { name: 'Free Rider', billingType: 'free' })],
    devices: [
      device(1, { hostname: 'WS1', backupBytes: tb(0.5) }),
      device(2, { hostname: 'SRV1', billingType: 'server', backupBytes: tb(3) }),
      device(3, { hostname: 'OLD', billingType: 'not_billed' }),
    ],
    timeEntries: [{ id: 1, ticketNumber: '1', entryDate: '2025-10-03', minutes: 90, billable: true }],
    lineItems: [{ id: 7, name: 'Onboarding', oneOff: { cents: 45000, month: '2025-10' } }],
  });
  const result = computeBill(input);

  it('lists $0 users and devices, splits backup, puts custom items before labour, and sums to the total', () => {
    const rows = quickBooksRows(result);
    assert.deepEqual(
      rows.map((row) => row.item),
      [
        'Managed Services',
        'Managed Services',
        'Managed Services',
        'Managed Services',
        'Managed Services',
        'Workstation Backup Base Fee',
        'Server Backup Base Fee',
        'Storage Overage',
        'Custom Services',
        'Hourly Labor',
      ],
    );
    assert.ok(rows.some((row) => row.description === 'User: Free Rider (Free)' && row.amountCents === 0));
    assert.deepEqual(
      rows.find((row) => row.item === 'Server Backup Base Fee'),
      {
        item: 'Server Backup Base Fee',
        description: 'Server Backup Base Fee',
        quantity: '1',
        rateCents: 4000,
        amountCents: 4000,
      },
    );
    // 3.5 TB used, 2 TB included (1 per backed-up device): 1.50 TB at $15.00.
    assert.deepEqual(
      rows.find((row) => row.item === 'Storage Overage'),
      {
        item: 'Storage Overage',
        description: 'Storage Overage (1.50 TB)',
        quantity: '1.50',
        rateCents: 1500,
        amountCents: 2250,
      },
    );
    assert.equal(rows.find((row) => row.item === 'Custom Services')?.description, 'Custom Item: Onboarding (One-Off)');
    assert.equal(
      rows.reduce((sum, row) => sum + row.amountCents, 0),
      result.totalCents,
    );
  });

  it('is dated and numbered by the billing period', () => {
    const csv = quickBooksCsv({ result, period: input.period, customer: 'Acme', invoiceNumber: '620547-202510' });
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'InvoiceNo,Customer,InvoiceDate,DueDate,Item(Product/Service),Description,Qty,Rate,Amount');
    for (const line of lines.slice(1)) assert.ok(line.startsWith('620547-202510,Acme,2025-10-31,2025-11-30,'), line);
    assert.deepEqual(invoiceDates({ year: 2024, month: 2 }), { invoiceDate: '2024-02-29', dueDate: '2024-03-30' });
    assert.deepEqual(invoiceDates({ year: 2025, month: 12 }), { invoiceDate: '2025-12-31', dueDate: '2026-01-30' });
  });
});
