import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invoiceCsv, invoiceNumber } from '../../src/invoicing/csv.js';
import { computeBill } from '../../src/engine/index.js';
import { baseInput, user } from './fixtures.js';

describe('invoice CSV', () => {
  it('numbers invoices by account and period, versions after the first', () => {
    assert.equal(invoiceNumber('620547', { year: 2025, month: 10 }, 1), '620547-202510');
    assert.equal(invoiceNumber('620547', { year: 2025, month: 10 }, 3), '620547-202510-v3');
  });

  it('dates the invoice by the billing period (last day, due 30 days later) and leaves out $0 lines', () => {
    const result = computeBill(
      baseInput({ period: { year: 2024, month: 2 }, users: [user(1), user(2, { billingType: 'free' })] }),
    );
    const csv = invoiceCsv({ result, period: { year: 2024, month: 2 }, customer: 'Acme', invoiceNumber: 'A-202402' });
    assert.equal(
      csv,
      'InvoiceNo,Customer,InvoiceDate,DueDate,Item(Product/Service),Description,Qty,Rate,Amount\r\nA-202402,Acme,2024-02-29,2024-03-30,Managed Services,User: User 1 (Paid),1,50.00,50.00\r\n',
    );
  });
});
