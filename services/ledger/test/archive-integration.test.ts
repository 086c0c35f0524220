/**
 * Issue 8's archive with codex and ledger together on PostgreSQL (codex over real HTTP, as in
 * codex-integration.test.ts): an accepted snapshot's CSV and PDF are the bill's (compared with the
 * live invoice endpoints and with a re-render from the stored inputs and result), a second accept
 * is a 409, a correction is a new version, the review queue holds bills back, the month-end job
 * runs once, and the month's ZIP holds every billable client plus the cannot-bill list.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import { findSnapshot, verifySnapshot } from '../src/archive/snapshots.js';
import type { BillInput, BillResult } from '../src/engine/index.js';
import { billCsv, billPdf, issuerFromConfig } from '../src/invoicing/render.js';
import { pdfText } from './pdf-tools.js';
import { readZip } from './read-zip.js';
import { addAsset, addCompany, addContact, addPlan, addTicket, addTimeEntry } from '../../codex/test/fixtures.js';
import { startCodex, type CodexHarness } from '../../codex/test/harness.js';
import { companies } from '../../codex/src/db/schema.js';
import { startLedger, type LedgerHarness } from './harness.js';
import { codexOverHttp } from './real-codex.js';

describe('archive, review, month-end and invoices with codex', () => {
  let codex: CodexHarness;
  let ledger: LedgerHarness;
  let billing: string;
  let admin: string;
  before(async () => {
    codex = await startCodex();
    const acme = await addCompany(codex.db, {
      accountNumber: '620547',
      name: 'Acme, Inc.',
      planName: 'Basic Support',
      contractTerm: '1 Year',
    });
    const beta = await addCompany(codex.db, {
      accountNumber: '100',
      name: 'Beta LLC',
      planName: 'Basic Support',
      contractTerm: '1 Year',
    });
    const flagged = await addCompany(codex.db, {
      accountNumber: '555',
      name: 'Counted Wrong Ltd',
      planName: 'Basic Support',
      contractTerm: '1 Year',
    });
    await addCompany(codex.db, { accountNumber: '777', name: 'No Plan Co' });
    // The PSA says Counted Wrong has 5 managed users; codex holds one contact for it.
    await codex.db.update(companies).set({ managedUsers: 5 }).where(eq(companies.id, flagged));
    // Beta's PSA counts agree with the bill (one user, one device): not flagged.
    await codex.db.update(companies).set({ managedUsers: 1, managedDevices: 1 }).where(eq(companies.id, beta));
    await addPlan(codex.db, 'Basic Support', '1 Year', { perUserCents: 5000, perWorkstationCents: 7500 });
    await addContact(codex.db, { name: 'Jane Doe', email: 'jane@acme.test', companyIds: [acme] });
    await addContact(codex.db, { name: 'José (Ops) Müller', email: 'jose@acme.test', companyIds: [acme] });
    await addContact(codex.db, { name: 'Bea Beta', email: 'bea@beta.test', companyIds: [beta] });
    await addContact(codex.db, { name: 'Only One', email: 'one@wrong.test', companyIds: [flagged] });
    await addAsset(codex.db, { companyId: acme, hostname: 'WS1' });
    await addAsset(codex.db, { companyId: acme, hostname: 'SRV1', derived: 'server' });
    await addAsset(codex.db, { companyId: beta, hostname: 'BETA-WS' });
    const ticket = await addTicket(codex.db, { companyId: acme, externalId: '1301', subject: 'Printer' });
    await addTimeEntry(codex.db, ticket, { externalId: 'e1', entryDate: '2025-10-03', minutes: 90 });
    ledger = await startLedger(await codexOverHttp(codex));
    billing = await ledger.token('billing');
    admin = await ledger.token('admin');
  });
  after(async () => {
    await ledger.close();
    await codex.close();
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const get = (url: string, token = billing) => ledger.app.inject({ method: 'GET', url, headers: as(token) });
  const post = (url: string, payload: object, token = billing) =>
    ledger.app.inject({ method: 'POST', url, payload, headers: as(token) });
  const postForm = (url: string, form: Record<string, string>) =>
    ledger.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(form).toString(),
      headers: { ...as(billing), 'content-type': 'application/x-www-form-urlencoded' },
    });
  const issuer = issuerFromConfig({ INVOICE_FROM_NAME: 'HiveMatrix MSP', INVOICE_FROM_ADDRESS: '' });
  const snapshotCount = async () =>
    Number(((await ledger.query('SELECT count(*)::int AS n FROM snapshots')) as { rows: { n: number }[] }).rows[0]?.n);

  it("accepting stores a snapshot whose CSV and PDF are the bill's, byte for byte", async () => {
    const liveCsv = await get('/api/billing/clients/620547/invoice.csv?month=2025-10');
    const livePdf = await get('/api/billing/clients/620547/invoice.pdf?month=2025-10');
    assert.equal(livePdf.statusCode, 200, livePdf.body);
    assert.equal(livePdf.headers['content-type'], 'application/pdf');

    const accepted = await post('/api/bills/620547/accept', { month: '2025-10' });
    assert.equal(accepted.statusCode, 201, accepted.body);
    assert.equal(accepted.json<{ has_pdf: boolean }>().has_pdf, true);

    const csv = await get('/api/archive/620547-202510/csv');
    const pdf = await get('/api/archive/620547-202510/pdf');
    assert.equal(csv.body, liveCsv.body);
    assert.deepEqual(pdf.rawPayload, livePdf.rawPayload);
    assert.ok(pdfText(pdf.rawPayload).includes('620547-202510'));

    // Re-rendered from the stored inputs and result, the documents come out identical.
    const row = await findSnapshot(ledger.db, '620547-202510');
    assert.ok(row !== undefined && row.pdf !== null);
    const stored = {
      input: row.inputs as BillInput,
      result: row.result as BillResult,
      invoiceNumber: row.invoiceNumber,
    };
    assert.equal(billCsv(stored), row.csv);
    assert.deepEqual(await billPdf({ ...stored, issuer, notes: row.notes }), row.pdf);
    assert.equal(row.acceptedBy, 'billing@msp.test');

    const detail = (await get('/api/archive/620547-202510')).json<{ hash_verified: boolean }>();
    assert.equal(detail.hash_verified, true);
    // The hash covers the PDF and who accepted: changing either breaks it.
    assert.equal(verifySnapshot({ ...row, pdf: Buffer.concat([row.pdf, Buffer.from(' ')]) }), false);
    assert.equal(verifySnapshot({ ...row, acceptedBy: 'someone@else.test' }), false);
  });

  it('refuses a second accept with a clear 409 and versions a correction', async () => {
    const again = await post('/api/bills/620547/accept', { month: '2025-10' });
    assert.equal(again.statusCode, 409);
    assert.match(String(again.headers['content-type']), /^application\/problem\+json/);
    assert.equal(again.json<{ code: string }>().code, 'already_accepted');
    assert.match(again.json<{ detail: string }>().detail, /already accepted as invoice 620547-202510/);

    const corrected = await post('/api/bills/620547/correct', {
      month: '2025-10',
      supersedes: '620547-202510',
      notes: 'Re-issued with the right address',
    });
    assert.equal(corrected.statusCode, 201, corrected.body);
    assert.deepEqual(
      [corrected.json<{ invoice_number: string }>().invoice_number, corrected.json<{ version: number }>().version],
      ['620547-202510-v2', 2],
    );
    const page = await get('/archive/620547-202510-v2?verify=1');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /This version corrects invoice/);
    assert.match(page.body, /Hash verified/);
    const pdf = await get('/api/archive/620547-202510-v2/pdf');
    assert.ok(pdfText(pdf.rawPayload).includes('Re-issued with the right address'), 'the notes are printed on the PDF');
  });

  it('cancels the corrected version with an immutable credit note of its lines negated', async () => {
    assert.equal(
      (await get('/api/archive/620547-202510-v2')).json<{ credit_note: string | null }>().credit_note,
      'CN-620547-202510',
    );
    const v1 = (await get('/api/archive/620547-202510')).json<{ total_cents: number; credited_by: string | null }>();
    assert.equal(v1.credited_by, 'CN-620547-202510');

    const note = await get('/api/credit-notes/CN-620547-202510');
    assert.equal(note.statusCode, 200, note.body);
    const body = note.json<{
      total_cents: number;
      credits_invoice: string;
      reissue_invoice: string;
      reason: string;
      hash_verified: boolean;
      issued_by: string;
    }>();
    assert.equal(body.total_cents, -v1.total_cents);
    assert.deepEqual(
      [body.credits_invoice, body.reissue_invoice, body.reason, body.issued_by],
      ['620547-202510', '620547-202510-v2', 'Re-issued with the right address', 'billing@msp.test'],
    );
    assert.equal(body.hash_verified, true);

    // The CSV credits every charged line of v1: its amounts are negative and sum to minus v1's total.
    const csv = await get('/api/credit-notes/CN-620547-202510/csv');
    const [header, ...rows] = csv.body.trim().split('\r\n');
    assert.equal(
      header,
      'CreditNoteNo,Customer,CreditNoteDate,CreditsInvoice,Item(Product/Service),Description,Qty,Rate,Amount',
    );
    const dated = /^CN-620547-202510,"Acme, Inc\.",\d{4}-\d{2}-\d{2},620547-202510,/;
    assert.ok(rows.length > 0 && rows.every((row) => dated.test(row)), csv.body);
    const cents = rows.reduce((sum, row) => sum + Math.round(Number(row.slice(row.lastIndexOf(',') + 1)) * 100), 0);
    assert.equal(cents, -v1.total_cents);
    const pdf = (await get('/api/credit-notes/CN-620547-202510/pdf')).rawPayload;
    assert.ok(
      pdf.toString('latin1').startsWith('%PDF-') &&
        pdfText(pdf).includes('CREDIT NOTE') &&
        pdfText(pdf).includes('Total credited'),
    );

    const page = await get('/archive/620547-202510?verify=1');
    assert.match(page.body, /Cancelled by credit note CN-620547-202510/);
    assert.match(page.body, /Credit note hash verified/);
    assert.match((await get('/archive/620547-202510-v2')).body, /which credit note CN-620547-202510 cancels/);

    await assert.rejects(ledger.query(`UPDATE credit_notes SET total_cents = 0`), /immutable/);
    await assert.rejects(ledger.query(`DELETE FROM credit_notes`), /immutable/);
    assert.equal((await get('/api/credit-notes/CN-620547-202510', await ledger.token('technician'))).statusCode, 403);
    assert.equal((await get('/api/credit-notes/CN-nothing')).statusCode, 404);
  });

  it('lists and searches the archive', async () => {
    const byName = await get('/archive?client=acme');
    assert.match(byName.body, /aria-label="Archive"/);
    assert.match(byName.body, /620547-202510-v2/);
    const byInvoice = await get('/archive?invoice=620547-202510&period=2025-10');
    assert.match(byInvoice.body, /2 invoice\(s\)/);
    assert.match((await get('/archive?client=nobody')).body, /No accepted bill matches/);
    assert.equal((await get('/archive', await ledger.token('technician'))).statusCode, 403);
  });

  it('holds back a bill whose counts differ from the PSA until someone confirms it', async () => {
    const review = (await get('/api/review?month=2025-10')).json<{
      flagged: { account_number: string; flags: { code: string }[] }[];
    }>();
    assert.deepEqual(
      review.flagged.map((entry) => [entry.account_number, entry.flags.map((flag) => flag.code)]),
      [['555', ['users_differ']]],
    );
    assert.match((await get('/review?month=2025-10')).body, /Bills 1 user\(s\); the PSA manages 5/);

    const page = await get('/clients/555?month=2025-10');
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /Flagged for review/);
    assert.match(page.body, /name="confirm_review"/);
    const refused = await postForm('/clients/555/accept', { month: '2025-10' });
    assert.equal(refused.statusCode, 303);
    assert.equal(refused.headers.location, '/clients/555?month=2025-10&accept=review');
    const flaggedApi = await post('/api/bills/555/accept', { month: '2025-10' });
    assert.equal(flaggedApi.statusCode, 409);
    assert.equal(flaggedApi.json<{ code: string }>().code, 'review_required');
  });

  it('runs the month-end job once: accepts the rest, reports what it could not or would not bill', async () => {
    assert.equal((await post('/api/month-end/run', { month: '2025-10' })).statusCode, 403, 'admins only');
    const first = await post('/api/month-end/run', { month: '2025-10' }, admin);
    assert.equal(first.statusCode, 200, first.body);
    const report = first.json<{
      status: string;
      accepted: { account_number: string }[];
      already_accepted: { invoice_number: string }[];
      cannot_bill: { account_number: string; reasons: string[] }[];
      flagged: { account_number: string }[];
    }>();
    assert.equal(report.status, 'ran');
    assert.deepEqual(
      report.accepted.map((entry) => entry.account_number),
      ['100'],
    );
    assert.deepEqual(
      report.already_accepted.map((entry) => entry.invoice_number),
      ['620547-202510-v2'],
    );
    assert.deepEqual(report.cannot_bill, [
      { account_number: '777', name: 'No Plan Co', reasons: ['cannot bill: no plan'] },
    ]);
    assert.deepEqual(
      report.flagged.map((entry) => entry.account_number),
      ['555'],
    );

    const before = await snapshotCount();
    const second = await post('/api/month-end/run', { month: '2025-10', force: true }, admin);
    assert.equal(second.json<{ status: string }>().status, 'already_ran');
    assert.equal(await snapshotCount(), before, 'the second run changed nothing');
  });

  it('accepts a flagged bill from the client page once confirmed, with the invoice and its PDF shown', async () => {
    const accepted = await postForm('/clients/555/accept', {
      month: '2025-10',
      notes: 'Checked with the client',
      confirm_review: 'yes',
    });
    assert.equal(accepted.statusCode, 303);
    assert.equal(accepted.headers.location, '/clients/555?month=2025-10&accept=accepted');
    const page = await get('/clients/555?month=2025-10&accept=accepted');
    assert.match(page.body, /Accepted as invoice 555-202510/);
    assert.match(page.body, /<a href="\/api\/archive\/555-202510\/pdf">Download PDF<\/a>/);
    assert.doesNotMatch(page.body, />Accept bill<\/button>/);
    const pdf = await get('/api/archive/555-202510/pdf');
    assert.equal(pdf.statusCode, 200);
    assert.ok(pdf.rawPayload.toString('latin1').startsWith('%PDF-1.7'));
  });

  it('issues a correction from the invoice page as a new version, and only of the newest one', async () => {
    const page = await get('/archive/555-202510');
    assert.match(page.body, /Issue a correction/);
    const empty = await postForm('/archive/555-202510/correct', { notes: ' ' });
    assert.equal(empty.statusCode, 400, 'a correction says why');
    const flagged = await postForm('/archive/555-202510/correct', { notes: 'Two devices were retired' });
    assert.equal(flagged.statusCode, 303);
    assert.equal(
      flagged.headers.location,
      '/archive/555-202510?refused=review',
      'still flagged: needs the confirmation',
    );
    assert.match((await get(String(flagged.headers.location))).body, /flagged for review/);
    const issued = await postForm('/archive/555-202510/correct', {
      notes: 'Two devices were retired',
      confirm_review: 'yes',
    });
    assert.equal(issued.headers.location, '/archive/555-202510-v2');
    const v2 = await get('/archive/555-202510-v2');
    assert.match(v2.body, /This version corrects invoice/);
    assert.match(v2.body, /Issue a correction/);
    const v1 = await get('/archive/555-202510');
    assert.doesNotMatch(v1.body, /Issue a correction/);
    assert.match(v1.body, /A newer version of this bill exists/);
    const stale = await postForm('/archive/555-202510/correct', { notes: 'From an old tab', confirm_review: 'yes' });
    assert.equal(stale.headers.location, '/archive/555-202510?refused=conflict');
  });

  it('zips a month: a CSV and a PDF per billable client and the clients that cannot be billed', async () => {
    const res = await get('/api/billing/invoices.zip?month=2025-10&format=quickbooks');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-disposition'], 'attachment; filename="invoices_2025-10.zip"');
    const entries = await readZip(res.rawPayload);
    assert.deepEqual(entries.map((entry) => entry.name).sort(), [
      'Acme_Inc._620547_2025-10.csv',
      'Acme_Inc._620547_2025-10.pdf',
      'Beta_LLC_100_2025-10.csv',
      'Beta_LLC_100_2025-10.pdf',
      'Counted_Wrong_Ltd_555_2025-10.csv',
      'Counted_Wrong_Ltd_555_2025-10.pdf',
      'cannot-bill.txt',
      'index.csv',
    ]);
    // Every client was accepted by now (Beta by the month-end job): each brings its latest accepted version.
    const index = entries.find((entry) => entry.name === 'index.csv')?.data.toString('utf8') ?? '';
    assert.match(index, /^account,client,invoice,status,total\r\n/);
    assert.match(index, /\r\n620547,"Acme, Inc\.",620547-202510-v2,accepted,\d+\.\d\d\r\n/);
    assert.match(index, /\r\n100,Beta LLC,100-202510,accepted,125\.00\r\n/);
    const acmePdf = entries.find((entry) => entry.name === 'Acme_Inc._620547_2025-10.pdf')?.data;
    assert.deepEqual(acmePdf, (await get('/api/archive/620547-202510-v2/pdf')).rawPayload);
    const cannot = entries.find((entry) => entry.name === 'cannot-bill.txt')?.data.toString('utf8') ?? '';
    assert.match(cannot, /777\tNo Plan Co\tcannot bill: no plan/);
    const betaCsv = entries.find((entry) => entry.name === 'Beta_LLC_100_2025-10.csv')?.data.toString('utf8') ?? '';
    assert.match(betaCsv, /^InvoiceNo,Customer,InvoiceDate,DueDate/);
    assert.match(
      betaCsv,
      /100-202510,Beta LLC,2025-10-31,2025-11-30,Managed Services,User: Bea Beta \(Paid\),1,50.00,50.00/,
    );
    assert.equal(
      (await get('/api/billing/invoices.zip?month=2025-10', await ledger.token('technician'))).statusCode,
      403,
    );
    const quickbooks = await get('/api/billing/clients/620547/invoice-quickbooks.csv?month=2025-10');
    assert.equal(
      quickbooks.headers['content-disposition'],
      'attachment; filename="quickbooks_export_620547_2025-10.csv"',
    );
    assert.equal((await get('/api/billing/clients/777/invoice.pdf?month=2025-10')).statusCode, 422);
  });

  it("serves an accepted month's latest accepted invoice from the live downloads, so one number never names two bills", async () => {
    const accepted = await get('/api/billing/clients/620547/invoice.csv?month=2025-10');
    assert.equal(accepted.headers['x-invoice-status'], 'accepted');
    assert.equal(accepted.body, (await get('/api/archive/620547-202510-v2/csv')).body);
    const pdf = await get('/api/billing/clients/620547/invoice.pdf?month=2025-10');
    assert.deepEqual(pdf.rawPayload, (await get('/api/archive/620547-202510-v2/pdf')).rawPayload);
    assert.match(
      (await get('/api/billing/clients/620547/invoice-quickbooks.csv?month=2025-10')).body,
      /^InvoiceNo,[^\r]*\r\n620547-202510-v2,/,
    );
    const draft = await get('/api/billing/clients/100/invoice.csv?month=2025-11');
    assert.equal(draft.headers['x-invoice-status'], 'draft');
    assert.match(draft.body, /\r\n100-202511,/);
  });
});
