/**
 * The invoice PDF as a reader meets it, checked with poppler-utils: the text a viewer extracts
 * (number, period dates, lines, total, and names in Polish, Danish, Turkish, Greek and Russian as
 * written), DejaVu Sans embedded as a subset with a Unicode map, long bills running onto more
 * pages, and the same content giving the same bytes (dates from the period, fixed identifier).
 * Samples go to test-artifacts/invoice-*.pdf with a PNG of the first page.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { computeBill, formatMoney } from '../src/engine/index.js';
import { renderInvoicePdf, wrap, type InvoiceContent } from '../src/invoicing/layout.js';
import { measure, PdfDocument } from '../src/invoicing/pdf/document.js';
import { printable } from '../src/invoicing/pdf/fonts.js';
import { baseInput, device, tb, user } from './engine/fixtures.js';
import { pdfFonts, pdfInfo, pdfText, saveArtifacts } from './pdf-tools.js';

const NAMES = ['Łukasz Wróblewski', 'Ørsted Ærø', 'Şahin Çağrı Öztürk', 'Дмитрий Шостакович', 'Αθηνά Παπαδοπούλου'];

function sampleContent(options: { extraUsers?: number; customer?: string } = {}): InvoiceContent {
  const users = [
    user(1, { name: 'Jane Doe' }),
    user(2, { name: 'José Müller' }),
    user(3, { name: 'Zoë (Ops) \\ 李' }),
    user(4, { name: 'Free Rider', billingType: 'free' }),
  ];
  NAMES.forEach((name, i) => users.push(user(10 + i, { name })));
  for (let i = 0; i < (options.extraUsers ?? 0); i += 1)
    users.push(
      user(100 + i, {
        name: `Bulk User ${i + 1} with a rather long name that needs wrapping in the description column`,
      }),
    );
  const customer = options.customer ?? 'Acme, Inc. (HQ)';
  const input = baseInput({
    client: { accountNumber: '620547', name: customer, planName: 'Basic Support', term: '1 Year', contractStart: null },
    users,
    devices: [
      device(1, { hostname: 'WS1', backupBytes: tb(0.8) }),
      device(2, { hostname: 'SRV1', billingType: 'server', backupBytes: tb(2.75) }),
      device(3, { hostname: 'FW1', billingType: 'firewall' }),
    ],
    timeEntries: [{ id: 1, ticketNumber: '1301', entryDate: '2025-10-03', minutes: 135, billable: true }],
    lineItems: [{ id: 1, name: 'Onboarding project', oneOff: { cents: 45000, month: '2025-10' } }],
  });
  return {
    issuer: {
      name: 'Northwind IT Services',
      addressLines: ['12 Harbour Road', 'Portland, OR 97201'],
      email: 'billing@northwind.test',
    },
    invoiceNumber: '620547-202510',
    period: input.period,
    notes: 'Thank you for your business.',
    customer: { name: customer, accountNumber: '620547', planName: 'Basic Support', term: '1 Year' },
    result: computeBill(input),
  };
}

describe('invoice PDF', () => {
  it('shows the invoice number, the period dates (never today), the lines and the total', async () => {
    const content = sampleContent();
    const bytes = await renderInvoicePdf(content);
    const info = pdfInfo(bytes);
    assert.equal(info.get('Pages'), '1');
    assert.equal(info.get('Title'), 'Invoice 620547-202510');
    const text = pdfText(bytes, { layout: true });
    for (const expected of [
      'INVOICE',
      'Invoice number',
      '620547-202510',
      'October 2025 (2025-10)',
      '2025-10-31',
      '2025-11-30',
      'Acme, Inc. (HQ)',
      'User: José Müller (Paid)',
      'Asset: SRV1 (Server)',
      'Onboarding project',
      'Total due',
      formatMoney(content.result.totalCents),
      'Page 1 of 1',
      'Thank you for your business.',
    ]) {
      assert.ok(text.includes(expected), `pdftotext finds ${expected}`);
    }
    assert.equal(formatMoney(123456789), '$1,234,567.89');
  });

  it('prints Polish, Danish, Turkish, Greek and Russian names as written, in an embedded subset of DejaVu Sans', async () => {
    const content = sampleContent({ customer: 'Дмитрий и Łukasz Şahin Ørsted' });
    const bytes = await renderInvoicePdf(content);
    const text = pdfText(bytes);
    assert.ok(text.includes('Дмитрий и Łukasz Şahin Ørsted'), 'the client billed');
    for (const name of NAMES) assert.ok(text.includes(`User: ${name} (Paid)`), `pdftotext finds ${name}`);
    assert.ok(!text.includes('?ukasz') && !text.includes('??????'), 'nothing replaced by "?"');
    // A character the font lacks (CJK) is shown as "?", never dropped.
    assert.ok(text.includes('User: Zoë (Ops) \\ ? (Paid)'), text);

    const fonts = pdfFonts(bytes);
    assert.deepEqual(fonts.map((font) => font.name).sort(), ['HMLDGB+DejaVuSans-Bold', 'HMLDGR+DejaVuSans']);
    for (const font of fonts) {
      assert.equal(font.type, 'CID TrueType');
      assert.ok(font.embedded && font.subset && font.unicode, `${font.name} embedded, subset, with a ToUnicode map`);
    }
    // A subset: the file is far smaller than the two font files it draws on (757 KB + 706 KB).
    assert.ok(bytes.length < 80_000, `size ${bytes.length}`);

    const png = saveArtifacts(bytes, 'invoice-sample');
    assert.ok(existsSync(png), png);
  });

  it('gives the same bytes for the same content, dated by the period, with a fixed producer and identifier', async () => {
    const first = await renderInvoicePdf(sampleContent());
    await renderInvoicePdf(sampleContent({ customer: 'Someone else' })); // whatever was rendered in between
    const second = await renderInvoicePdf(sampleContent());
    assert.ok(first.equals(second), 'byte-identical');
    const info = pdfInfo(first);
    assert.equal(info.get('CreationDate'), '2025-10-31T00:00:00Z');
    assert.equal(info.get('ModDate'), '2025-10-31T00:00:00Z');
    assert.equal(info.get('Producer'), 'HiveMatrix Ledger');
    assert.match(first.toString('latin1'), /\/ID \[ <[0-9a-f]{32}> <[0-9a-f]{32}> \]/i);
    const other = await renderInvoicePdf({ ...sampleContent(), invoiceNumber: '620547-202510-v2' });
    assert.ok(!other.equals(first));
    const id = (pdf: Buffer) => /\/ID \[ <([0-9a-f]+)>/i.exec(pdf.toString('latin1'))?.[1];
    assert.notEqual(id(other), id(first), 'another document, another identifier');
  });

  it('continues long bills on further pages under a repeated header, with the total on the last', async () => {
    const content = sampleContent({ extraUsers: 80 });
    const bytes = await renderInvoicePdf(content);
    const pages = Number(pdfInfo(bytes).get('Pages'));
    assert.ok(pages >= 3, `pages: ${pages}`);
    const text = pdfText(bytes);
    assert.ok(text.includes(`Page ${pages} of ${pages}`));
    assert.ok(text.includes('Invoice 620547-202510 (continued)'));
    assert.ok(text.includes('Bulk User 80'));
    assert.equal(text.split('Description').length - 1, pages, 'the table header on every page');
    const lastPage =
      text
        .split('\f')
        .filter((page) => page.trim() !== '')
        .at(-1) ?? '';
    assert.ok(
      lastPage.includes(formatMoney(content.result.totalCents)) && lastPage.includes('Total due'),
      'the total on the last page',
    );
    saveArtifacts(bytes, 'invoice-sample-long');
  });

  it('draws text with parentheses and backslashes as written, and flattens line breaks', async () => {
    const doc = new PdfDocument({ title: 'T (1)', date: new Date('2025-10-31T00:00:00Z') });
    doc.addPage().text(50, 50, 'Hello (world) \\ ok\nnext');
    doc.addPage().text(50, 50, 'Second', { font: 'bold' });
    const bytes = await doc.toBytes();
    const text = pdfText(bytes);
    assert.ok(text.includes('Hello (world) \\ ok next'), text);
    assert.ok(text.includes('Second'));
    assert.equal(pdfInfo(bytes).get('Pages'), '2');
    assert.equal(printable('ő Ł李\t', 'regular'), 'ő Ł? ');
  });

  it('wraps text to a width, cutting words longer than a line', () => {
    const lines = wrap('a b c '.repeat(40) + 'x'.repeat(300), 200, 'regular', 10);
    assert.ok(lines.length > 3);
    for (const line of lines) assert.ok(measure(line, 'regular', 10) <= 200, line);
    assert.equal(lines.join('').replaceAll(' ', ''), 'abc'.repeat(40) + 'x'.repeat(300));
    assert.ok(measure('Дмитрий', 'bold', 10) > measure('Дмитрий', 'regular', 10), 'bold is wider');
  });
});
