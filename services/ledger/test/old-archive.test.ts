/**
 * Archives made before ledger moved to pdf-lib still verify. A snapshot's hash covers the PDF's
 * stored bytes, never a re-rendering, so a PDF written by the old hand-written PDF 1.4 writer
 * (Helvetica, WinAnsi: "Łukasz" printed as "?ukasz") keeps its hash, is served exactly as frozen,
 * and can be corrected: the credit note and the new version come from the new renderer while the
 * old version still verifies. The fixture is a snapshot row made by that writer's code.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { contentHash, findSnapshot, verifySnapshot } from '../src/archive/snapshots.js';
import { snapshots } from '../src/db/schema.js';
import { fakeClient, fakeCodex } from './fake-codex.js';
import { startLedger, type LedgerHarness } from './harness.js';
import { pdfText } from './pdf-tools.js';

interface OldSnapshot {
  account_number: string;
  company_name: string;
  period: string;
  version: number;
  invoice_number: string;
  total_cents: number;
  inputs: unknown;
  result: unknown;
  csv: string;
  pdf_base64: string;
  hash_scheme: number;
  sha256: string;
  accepted_by: string;
  accepted_at: string;
  notes: string | null;
}

const fixture = JSON.parse(
  readFileSync(path.join(import.meta.dirname, 'fixtures/snapshot-written-by-the-pdf-1.4-writer.json'), 'utf8'),
) as OldSnapshot;
const oldPdf = Buffer.from(fixture.pdf_base64, 'base64');

describe('snapshots archived with the PDF 1.4 writer', () => {
  let t: LedgerHarness;
  let billing: string;
  before(async () => {
    t = await startLedger(fakeCodex([fakeClient('620547', 'Acme, Inc.')]));
    billing = await t.token('billing');
    await t.db.insert(snapshots).values({
      accountNumber: fixture.account_number,
      companyName: fixture.company_name,
      period: fixture.period,
      version: fixture.version,
      invoiceNumber: fixture.invoice_number,
      supersedesId: null,
      totalCents: fixture.total_cents,
      inputs: fixture.inputs,
      result: fixture.result,
      csv: fixture.csv,
      pdf: oldPdf,
      hashScheme: fixture.hash_scheme,
      sha256: fixture.sha256,
      acceptedBy: fixture.accepted_by,
      acceptedAt: new Date(fixture.accepted_at),
      notes: fixture.notes,
    });
  });
  after(() => t.close());

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${billing}` } });

  it("is the old writer's file, and its archived hash still verifies", async () => {
    assert.equal(oldPdf.subarray(0, 9).toString('latin1'), '%PDF-1.4\n');
    assert.ok(pdfText(oldPdf).includes('?ukasz Nowak'), 'printed by the old writer, which could not show Ł');
    assert.equal((await get('/api/archive/620547-202510')).json<{ hash_verified: boolean }>().hash_verified, true);
    assert.match((await get('/archive/620547-202510?verify=1')).body, /Hash verified/);
    const row = await findSnapshot(t.db, '620547-202510');
    assert.ok(row !== undefined && row.pdf !== null);
    assert.equal(
      contentHash({
        inputs: row.inputs,
        result: row.result,
        csv: row.csv,
        pdf: row.pdf,
        acceptedBy: row.acceptedBy,
        acceptedAt: row.acceptedAt,
      }),
      fixture.sha256,
    );
    assert.equal(
      verifySnapshot({ ...row, pdf: Buffer.concat([row.pdf, Buffer.from('\n')]) }),
      false,
      'a changed byte still fails',
    );
  });

  it("serves the frozen bytes from the archive and from the month's live download", async () => {
    assert.ok((await get('/api/archive/620547-202510/pdf')).rawPayload.equals(oldPdf));
    const live = await get('/api/billing/clients/620547/invoice.pdf?month=2025-10');
    assert.equal(live.headers['x-invoice-status'], 'accepted');
    assert.ok(live.rawPayload.equals(oldPdf));
  });

  it('can be corrected: the new version and the credit note print Ł, the old version still verifies', async () => {
    const corrected = await t.app.inject({
      method: 'POST',
      url: '/api/bills/620547/correct',
      headers: { authorization: `Bearer ${billing}` },
      payload: {
        month: '2025-10',
        supersedes: '620547-202510',
        notes: 'Łukasz left in September',
        confirm_review: true,
      },
    });
    assert.equal(corrected.statusCode, 201, corrected.body);
    const v2 = (await get('/api/archive/620547-202510-v2/pdf')).rawPayload;
    assert.equal(v2.subarray(0, 8).toString('latin1'), '%PDF-1.7');
    assert.ok(pdfText(v2).includes('Łukasz left in September'));
    const note = (await get('/api/credit-notes/CN-620547-202510/pdf')).rawPayload;
    assert.ok(
      pdfText(note).includes('User: Łukasz Nowak (Paid)'),
      'the credit note re-renders the old lines with the new writer',
    );
    assert.equal(
      (await get('/api/credit-notes/CN-620547-202510')).json<{ hash_verified: boolean }>().hash_verified,
      true,
    );
    assert.equal((await get('/api/archive/620547-202510')).json<{ hash_verified: boolean }>().hash_verified, true);
  });
});
