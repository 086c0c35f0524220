/**
 * Credit notes as documents: the cancelled bill's lines negated (quantities kept, no -0), a CSV
 * that credits exactly the invoice's total, and a PDF titled as a credit note that names the
 * invoice it cancels and the one that replaces it, on every page of a long bill (its text read with
 * pdftotext). A sample goes to test-artifacts/credit-note-sample.pdf and .png.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { creditNoteDocuments, creditNoteNumber, negatedResult } from '../src/archive/credit-notes.js';
import { computeBill } from '../src/engine/index.js';
import { issuerFromConfig } from '../src/invoicing/render.js';
import { baseInput, device, user } from './engine/fixtures.js';
import { pdfInfo, pdfText, saveArtifacts } from './pdf-tools.js';

const issuer = issuerFromConfig({ INVOICE_FROM_NAME: 'HiveMatrix MSP', INVOICE_FROM_ADDRESS: '1 Main St' });

describe('credit notes', () => {
  const input = baseInput({
    users: [user(1), user(2, { billingType: 'free' })],
    devices: [device(1), device(2, { billingType: 'server' })],
  });
  const result = computeBill(input);

  it('negates every amount and subtotal, and keeps quantities', () => {
    const negated = negatedResult(result);
    assert.equal(negated.totalCents, -result.totalCents);
    assert.deepEqual(
      negated.lines.map((line) => line.quantity),
      result.lines.map((line) => line.quantity),
    );
    assert.deepEqual(
      negated.lines.map((line) => line.amountCents),
      result.lines.map((line) => (line.amountCents === 0 ? 0 : -line.amountCents)),
    );
    assert.ok(negated.lines.every((line) => !Object.is(line.amountCents, -0) && !Object.is(line.rateCents, -0)));
    for (const [kind, cents] of Object.entries(negated.subtotals))
      assert.equal(cents, -result.subtotals[kind as keyof typeof result.subtotals] || 0);
    assert.equal(negatedResult(negated).totalCents, result.totalCents);
  });

  it('credits exactly the cancelled total in its CSV and names both invoices on the PDF', async () => {
    const credited = { invoiceNumber: '620547-202510', companyName: input.client.name, inputs: input, result };
    const documents = await creditNoteDocuments({
      credited,
      reissue: '620547-202510-v2',
      issuedOn: '2025-11-12',
      reason: 'Wrong device count',
      issuer,
    });
    assert.equal(documents.number, creditNoteNumber('620547-202510'));
    assert.equal(documents.totalCents, -result.totalCents);
    const rows = documents.csv.trim().split('\r\n').slice(1);
    assert.equal(rows.length, result.lines.filter((line) => line.amountCents !== 0).length);
    const sum = rows.reduce((cents, row) => cents + Math.round(Number(row.slice(row.lastIndexOf(',') + 1)) * 100), 0);
    assert.equal(sum, -result.totalCents);
    const pdf = pdfText(documents.pdf);
    for (const text of [
      'CREDIT NOTE',
      'CN-620547-202510',
      'Credits invoice',
      '620547-202510',
      '2025-11-12',
      'Total credited',
      'Reason: Wrong device count',
    ]) {
      assert.ok(pdf.includes(text), text);
    }
    assert.ok(!pdf.includes('Due date'), 'a credit note asks for no payment');
    assert.equal(pdfInfo(documents.pdf).get('CreationDate'), '2025-11-12T00:00:00Z', 'dated the day it was issued');
    const again = await creditNoteDocuments({
      credited,
      reissue: '620547-202510-v2',
      issuedOn: '2025-11-12',
      reason: 'Wrong device count',
      issuer,
    });
    assert.deepEqual(again.pdf, documents.pdf, 'deterministic bytes');
    saveArtifacts(documents.pdf, 'credit-note-sample');
  });

  it('names itself on continuation pages of a long credit note', async () => {
    const many = baseInput({ devices: Array.from({ length: 120 }, (_, i) => device(i + 1)) });
    const credited = {
      invoiceNumber: '1-202510',
      companyName: many.client.name,
      inputs: many,
      result: computeBill(many),
    };
    const pdf = pdfText(
      (await creditNoteDocuments({ credited, reissue: '1-202510-v2', issuedOn: '2025-11-01', reason: 'x', issuer }))
        .pdf,
    );
    assert.ok(pdf.includes('Credit note CN-1-202510 (continued)'), 'continuation header');
    assert.ok(pdf.includes('Page 2 of'), 'more than one page');
  });
});
