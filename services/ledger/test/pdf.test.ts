/**
 * The PDF writer and the invoice layout: the file parses structurally (header, every xref offset
 * points at its object, trailer, %%EOF), strings are escaped, non-WinAnsi text is replaced safely,
 * long bills run onto more pages, and the invoice carries its number, period dates and total. When
 * poppler's pdftotext is installed, the extracted text is checked too; a sample goes to
 * test-artifacts/invoice-sample.pdf (and .png via pdftoppm when present).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { computeBill } from '../src/engine/index.js';
import { formatMoney } from '../src/engine/index.js';
import { renderInvoicePdf, wrap, type InvoiceContent } from '../src/invoice/layout.js';
import { measure, PdfDocument } from '../src/invoice/pdf/document.js';
import { encodeWinAnsi, pdfString } from '../src/invoice/pdf/winansi.js';
import { baseInput, device, tb, user } from './engine/fixtures.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../../test-artifacts');

/** Checks the file's skeleton and returns its objects' bodies by number. */
function parsePdf(bytes: Buffer): Map<number, string> {
  const text = bytes.toString('latin1');
  assert.ok(text.startsWith('%PDF-1.4\n'), 'header');
  assert.ok(text.endsWith('%%EOF\n'), 'ends with %%EOF');
  const startxref = /startxref\n(\d+)\n%%EOF\n$/.exec(text);
  assert.ok(startxref !== null, 'startxref');
  const xrefAt = Number(startxref[1]);
  assert.equal(text.slice(xrefAt, xrefAt + 5), 'xref\n', 'startxref points at the xref table');
  const header = /^xref\n0 (\d+)\n/.exec(text.slice(xrefAt));
  assert.ok(header !== null);
  const count = Number(header[1]);
  const entries = text.slice(xrefAt + header[0].length, xrefAt + header[0].length + count * 20);
  assert.equal(entries.slice(0, 20), '0000000000 65535 f \n');
  const objects = new Map<number, string>();
  for (let n = 1; n < count; n += 1) {
    const entry = entries.slice(n * 20, n * 20 + 20);
    assert.match(entry, /^\d{10} 00000 n \n$/, `entry ${n} is 20 bytes`);
    const offset = Number(entry.slice(0, 10));
    assert.ok(text.startsWith(`${n} 0 obj\n`, offset), `xref offset of object ${n} points at it`);
    const end = text.indexOf('\nendobj\n', offset);
    objects.set(n, text.slice(offset + `${n} 0 obj\n`.length, end));
  }
  const trailer = /trailer\n<< \/Size (\d+) \/Root 1 0 R/.exec(text.slice(xrefAt));
  assert.ok(trailer !== null && Number(trailer[1]) === count, 'trailer size');
  // Each stream's /Length is its exact byte count.
  for (const [n, body] of objects) {
    const stream = /^<< \/Length (\d+) >>\nstream\n([\s\S]*)\nendstream$/.exec(body);
    // The regex leaves out the content's final newline, which /Length counts.
    if (stream !== null) assert.equal((stream[2] ?? '').length + 1, Number(stream[1]), `object ${n} stream length`);
  }
  return objects;
}

function pageCount(objects: Map<number, string>): number {
  return Number(/\/Count (\d+)/.exec(objects.get(2) ?? '')?.[1]);
}

function sampleContent(extraUsers = 0): InvoiceContent {
  const users = [user(1, { name: 'Jane Doe' }), user(2, { name: 'José Müller' }), user(3, { name: 'Zoë (Ops) \\ Łukasz 李' }), user(4, { name: 'Free Rider', billingType: 'free' })];
  for (let i = 0; i < extraUsers; i += 1) users.push(user(100 + i, { name: `Bulk User ${i + 1} with a rather long name that needs wrapping in the description column` }));
  const input = baseInput({
    client: { accountNumber: '620547', name: 'Acme, Inc. (HQ)', planName: 'Basic Support', term: '1 Year', contractStart: null },
    users,
    devices: [device(1, { hostname: 'WS1', backupBytes: tb(0.8) }), device(2, { hostname: 'SRV1', billingType: 'server', backupBytes: tb(2.75) }), device(3, { hostname: 'FW1', billingType: 'firewall' })],
    timeEntries: [{ id: 1, ticketNumber: '1301', entryDate: '2025-10-03', minutes: 135, billable: true }],
    lineItems: [{ id: 1, name: 'Onboarding project', oneOff: { cents: 45000, month: '2025-10' } }],
  });
  return {
    issuer: { name: 'Northwind IT Services', addressLines: ['12 Harbour Road', 'Portland, OR 97201'], email: 'billing@northwind.test' },
    invoiceNumber: '620547-202510', period: input.period, notes: 'Thank you for your business.',
    customer: { name: input.client.name, accountNumber: '620547', planName: 'Basic Support', term: '1 Year' },
    result: computeBill(input),
  };
}

describe('PDF writer', () => {
  it('escapes parentheses and backslashes and encodes WinAnsi, replacing what it cannot show', () => {
    assert.equal(pdfString(encodeWinAnsi('a(b)c\\d')), '(a\\(b\\)c\\\\d)');
    assert.deepEqual(encodeWinAnsi('é€—'), [0xe9, 0x80, 0x97]);
    // ő decomposes to o + a mark; Ł (a stroke, not a mark) and 李 cannot be shown: "?"; a newline is a space.
    assert.deepEqual(encodeWinAnsi('ő Ł李\n'), [0x6f, 0x20, 0x3f, 0x3f, 0x20]);
  });

  it('writes a structurally valid file with correct xref offsets', () => {
    const doc = new PdfDocument({ title: 'T (1)' });
    const page = doc.addPage();
    page.text(50, 50, 'Hello (world) \\ ok');
    page.line(50, 60, 200, 60);
    page.rect(50, 70, 100, 20, [0.5, 0.5, 0.5]);
    doc.addPage().text(50, 50, 'Second');
    const objects = parsePdf(doc.toBytes());
    assert.equal(pageCount(objects), 2);
    assert.ok([...objects.values()].some((body) => body.includes('(Hello \\(world\\) \\\\ ok) Tj')));
    assert.deepEqual(doc.toBytes(), doc.toBytes(), 'deterministic');
  });
});

describe('invoice layout', () => {
  it('renders the invoice number, the period dates (never today), the lines and the total', () => {
    const content = sampleContent();
    const bytes = renderInvoicePdf(content);
    const objects = parsePdf(bytes);
    assert.equal(pageCount(objects), 1);
    const text = bytes.toString('latin1');
    for (const expected of ['(620547-202510) Tj', '(2025-10-31) Tj', '(2025-11-30) Tj', `(${formatMoney(content.result.totalCents)}) Tj`, '(Acme, Inc. \\(HQ\\)) Tj', '(User: Jos\u00e9 M\u00fcller \\(Paid\\)) Tj']) {
      assert.ok(text.includes(expected), expected);
    }
    assert.ok(text.includes('/BaseFont /Helvetica /Encoding /WinAnsiEncoding') && text.includes('/BaseFont /Helvetica-Bold'));
    assert.equal(formatMoney(123456789), '$1,234,567.89');
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'invoice-sample.pdf');
    writeFileSync(file, bytes);
    if (hasTool('pdftoppm')) execFileSync('pdftoppm', ['-png', '-r', '80', '-singlefile', file, path.join(ARTIFACTS, 'invoice-sample')]);
    if (hasTool('pdftotext')) {
      const extracted = execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8');
      for (const expected of ['INVOICE', '620547-202510', 'Acme, Inc. (HQ)', 'José Müller', formatMoney(content.result.totalCents), 'Billing period', 'October 2025']) {
        assert.ok(extracted.includes(expected), `pdftotext finds ${expected}`);
      }
    }
  });

  it('continues long bills on further pages with the total on the last', () => {
    const content = sampleContent(80);
    const bytes = renderInvoicePdf(content);
    const objects = parsePdf(bytes);
    const pages = pageCount(objects);
    assert.ok(pages >= 3, `pages: ${pages}`);
    assert.ok(bytes.toString('latin1').includes(`(Page ${pages} of ${pages}) Tj`));
    writeFileSync(path.join(ARTIFACTS, 'invoice-sample-long.pdf'), bytes);
    if (hasTool('pdftotext')) {
      const extracted = execFileSync('pdftotext', [path.join(ARTIFACTS, 'invoice-sample-long.pdf'), '-']).toString('utf8');
      assert.ok(extracted.includes('Bulk User 80'));
      assert.ok(extracted.includes(formatMoney(content.result.totalCents)));
    }
  });

  it('wraps text to a width, cutting words longer than a line', () => {
    const lines = wrap('a b c '.repeat(40) + 'x'.repeat(300), 200, 'regular', 10);
    assert.ok(lines.length > 3);
    for (const line of lines) assert.ok(measure(line, 'regular', 10) <= 200, line);
    assert.equal(lines.join('').replaceAll(' ', ''), 'abc'.repeat(40) + 'x'.repeat(300));
  });
});

function hasTool(name: string): boolean {
  return ['/usr/bin', '/usr/local/bin', '/bin'].some((dir) => existsSync(path.join(dir, name)));
}
