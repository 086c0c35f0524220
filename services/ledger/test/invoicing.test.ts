/**
 * Invoicing's one entry point (issue 17): an account's documents for a period are its accepted
 * snapshot when there is one, whether or not codex still lists the client (before, its PDF was a
 * 404 while the month's ZIP served it), and otherwise a draft computed for that account alone (one
 * codex read filtered to the account, not the whole month).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accountDocuments, issuerFromConfig } from '../src/invoicing/index.js';
import { fakeClient, fakeCodex } from './fake-codex.js';
import { startLedger, type LedgerHarness } from './harness.js';
import { pdfText } from './pdf-tools.js';
import { readZip } from './read-zip.js';

describe("invoicing: an account's documents for a period", () => {
  let t: LedgerHarness;
  let billing: string;
  const clients = [
    fakeClient('100', 'Alpha Corp', { users: 3 }),
    fakeClient('200', 'Beta LLC'),
    fakeClient('300', 'Gone Ltd'),
    fakeClient('400', 'No Plan Co', { plan: null }),
  ];
  const codex = fakeCodex(clients);
  const issuer = issuerFromConfig({ INVOICE_FROM_NAME: 'HiveMatrix MSP', INVOICE_FROM_ADDRESS: '' });
  before(async () => {
    t = await startLedger(codex);
    billing = await t.token('billing');
  });
  after(() => t.close());

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${billing}` } });

  it('computes a draft for the one account asked for, reading codex for that account only', async () => {
    codex.calls.length = 0;
    const res = await get('/api/billing/clients/100/invoice.pdf?month=2025-10');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['x-invoice-status'], 'draft');
    assert.ok(pdfText(res.rawPayload).includes('100-202510'));
    assert.deepEqual(codex.calls, ['month:2025-10 account:100']);

    const documents = await accountDocuments({ db: t.db, codex, issuer }, '200', { year: 2025, month: 10 });
    assert.deepEqual(
      [documents.status, documents.number, documents.accountNumber, documents.companyName],
      ['draft', '200-202510', '200', 'Beta LLC'],
    );
    assert.match(documents.csv(), /\r\n200-202510,Beta LLC,2025-10-31,2025-11-30,/);
  });

  it('serves an accepted month without asking codex, also after the client left codex, as the ZIP does', async () => {
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/bills/300/accept',
      payload: { month: '2025-10' },
      headers: { authorization: `Bearer ${billing}` },
    });
    assert.equal(accepted.statusCode, 201, accepted.body);
    const frozen = (await get('/api/archive/300-202510/pdf')).rawPayload;
    clients.splice(
      clients.findIndex((client) => client.company.account_number === '300'),
      1,
    );

    codex.calls.length = 0;
    const pdf = await get('/api/billing/clients/300/invoice.pdf?month=2025-10');
    assert.equal(pdf.statusCode, 200, pdf.body);
    assert.equal(pdf.headers['x-invoice-status'], 'accepted');
    assert.ok(pdf.rawPayload.equals(frozen));
    const csv = await get('/api/billing/clients/300/invoice.csv?month=2025-10');
    assert.equal(csv.statusCode, 200);
    assert.match(csv.body, /\r\n300-202510,Gone Ltd,/);
    assert.equal((await get('/api/billing/clients/300/invoice-quickbooks.csv?month=2025-10')).statusCode, 200);
    assert.deepEqual(codex.calls, [], 'an accepted month is served from the archive alone');

    const zip = await readZip((await get('/api/billing/invoices.zip?month=2025-10')).rawPayload);
    assert.ok(
      zip.find((entry) => entry.name === 'Gone_Ltd_300_2025-10.pdf')?.data.equals(frozen),
      'the ZIP holds the same PDF',
    );
  });

  it('answers 404 for a client neither accepted nor in codex, and 422 for one that cannot be billed', async () => {
    const missing = await get('/api/billing/clients/999/invoice.pdf?month=2025-10');
    assert.equal(missing.statusCode, 404);
    assert.match(String(missing.headers['content-type']), /^application\/problem\+json/);
    assert.equal(
      (await get('/api/billing/clients/300/invoice.pdf?month=2025-11')).statusCode,
      404,
      'another month of the client that left',
    );
    const unbillable = await get('/api/billing/clients/400/invoice.pdf?month=2025-10');
    assert.equal(unbillable.statusCode, 422);
    assert.match(unbillable.json<{ detail: string }>().detail, /cannot bill: no plan/);
  });
});
