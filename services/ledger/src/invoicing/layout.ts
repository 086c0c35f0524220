/**
 * The PDF invoice: the MSP's header, the client billed, the invoice number, the billing period
 * and the dates it implies, the line table (description, qty, rate, amount), subtotals by kind,
 * the total and notes. Lines of $0 are left out, as in the CSV. Long tables continue on further
 * pages under a repeated table header; every page carries "Page n of m".
 */
import { formatMoney, periodKey, type BillResult, type LineKind, type Period } from '../engine/index.js';
import { invoiceDates, PAYMENT_TERM_DAYS } from './dates.js';
import { measure, PdfDocument, type PdfPage, type Rgb } from './pdf/document.js';
import type { FontFace } from './pdf/fonts.js';

/** Who issues the invoice (ledger's configuration). */
export interface InvoiceIssuer {
  name: string;
  addressLines: readonly string[];
  email: string | null;
}

/** Everything an invoice shows; all of it is stored in a snapshot, so the PDF can be re-rendered. */
export interface InvoiceContent {
  issuer: InvoiceIssuer;
  invoiceNumber: string;
  period: Period;
  customer: { name: string; accountNumber: string; planName: string | null; term: string | null };
  result: BillResult;
  notes: string | null;
  /**
   * Set when the document is a credit note: it cancels invoice `credits` (its result, negated, is
   * `result`), is dated `issuedOn`, and the corrected bill is invoice `reissue`.
   */
  credit?: { credits: string; reissue: string; issuedOn: string };
}

const INK: Rgb = [0.13, 0.15, 0.18];
const MUTED: Rgb = [0.42, 0.45, 0.5];
const ACCENT: Rgb = [0.12, 0.23, 0.37];
const RULE: Rgb = [0.8, 0.82, 0.85];
const STRIPE: Rgb = [0.955, 0.962, 0.972];
const WHITE: Rgb = [1, 1, 1];

const MARGIN = 50;
const BOTTOM = 742; // lowest baseline of body text; the footer sits below
const ROW = 18;
const COLUMNS = { description: MARGIN + 8, qtyRight: 392, rateRight: 472, amountRight: 554 };
const DESCRIPTION_WIDTH = 300;

const SUBTOTAL_LABELS: Record<LineKind, string> = {
  user: 'Users',
  device: 'Devices',
  backup: 'Backup',
  labour: 'Labour',
  line_item: 'Other charges',
};

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `October 2025`. */
export function periodLabel(period: Period): string {
  return `${MONTHS[period.month - 1] ?? ''} ${period.year}`;
}

/** Splits text into lines no wider than `width` (a word longer than a line is cut). */
export function wrap(text: string, width: number, font: FontFace, size: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (measure(candidate, font, size) <= width) {
      current = candidate;
      continue;
    }
    if (current !== '') lines.push(current);
    current = word;
    while (measure(current, font, size) > width && current.length > 1) {
      let cut = current.length - 1;
      while (cut > 1 && measure(current.slice(0, cut), font, size) > width) cut -= 1;
      lines.push(current.slice(0, cut));
      current = current.slice(cut);
    }
  }
  if (current !== '') lines.push(current);
  return lines.length === 0 ? [''] : lines;
}

/** `Invoice 620547-202510` or `Credit note CN-620547-202510`. */
function documentName(content: InvoiceContent): string {
  return `${content.credit === undefined ? 'Invoice' : 'Credit note'} ${content.invoiceNumber}`;
}

/**
 * The document's own date, written as the file's creation and modification date: the invoice date
 * (from the period), or the credit note's date. Never today, so the same content gives the same bytes.
 */
function documentDate(content: InvoiceContent): Date {
  const day = content.credit === undefined ? invoiceDates(content.period).invoiceDate : content.credit.issuedOn;
  return new Date(`${day}T00:00:00Z`);
}

/** Renders the invoice (or credit note) as PDF bytes (deterministic: same content, same bytes). */
export async function renderInvoicePdf(content: InvoiceContent): Promise<Buffer> {
  const doc = new PdfDocument({
    title: documentName(content),
    author: content.issuer.name,
    date: documentDate(content),
  });
  let page = doc.addPage();
  let y = drawHeader(page, content);
  y = drawTableHeader(page, y);
  const lines = content.result.lines.filter((line) => line.amountCents !== 0);
  lines.forEach((line, index) => {
    const wrapped = wrap(line.description, DESCRIPTION_WIDTH, 'regular', 9.5);
    const height = ROW + (wrapped.length - 1) * 12;
    if (y + height > BOTTOM) {
      page = doc.addPage();
      y = drawTableHeader(page, continuationHeader(page, content));
    }
    if (index % 2 === 1) page.rect(MARGIN, y, page.width - 2 * MARGIN, height, STRIPE);
    const baseline = y + 12.5;
    wrapped.forEach((text, i) => page.text(COLUMNS.description, baseline + i * 12, text, { size: 9.5, color: INK }));
    page.text(COLUMNS.qtyRight, baseline, line.quantity, { size: 9.5, color: INK, align: 'right' });
    page.text(COLUMNS.rateRight, baseline, formatMoney(line.rateCents), { size: 9.5, color: INK, align: 'right' });
    page.text(COLUMNS.amountRight, baseline, formatMoney(line.amountCents), { size: 9.5, color: INK, align: 'right' });
    y += height;
  });
  if (lines.length === 0) {
    page.text(COLUMNS.description, y + 12.5, 'Nothing to bill this month.', { size: 9.5, color: MUTED });
    y += ROW;
  }
  page.line(MARGIN, y, page.width - MARGIN, y, { color: RULE });

  const kinds = (Object.keys(SUBTOTAL_LABELS) as LineKind[]).filter((kind) => content.result.subtotals[kind] !== 0);
  const notes = notesLines(content);
  const summaryHeight = 14 + kinds.length * 16 + 34;
  if (y + summaryHeight > BOTTOM) {
    page = doc.addPage();
    y = continuationHeader(page, content);
  }
  y += 18;
  for (const kind of kinds) {
    page.text(COLUMNS.rateRight, y, SUBTOTAL_LABELS[kind], { size: 9.5, color: MUTED, align: 'right' });
    page.text(COLUMNS.amountRight, y, formatMoney(content.result.subtotals[kind]), {
      size: 9.5,
      color: INK,
      align: 'right',
    });
    y += 16;
  }
  page.rect(360, y - 4, page.width - MARGIN - 360, 26, ACCENT);
  page.text(372, y + 13, content.credit === undefined ? 'Total due' : 'Total credited', {
    font: 'bold',
    size: 11,
    color: WHITE,
  });
  page.text(COLUMNS.amountRight, y + 13, formatMoney(content.result.totalCents), {
    font: 'bold',
    size: 12,
    color: WHITE,
    align: 'right',
  });
  y += 50;

  if (y + 20 + notes.length * 12 > BOTTOM) {
    page = doc.addPage();
    y = continuationHeader(page, content);
  }
  page.text(MARGIN, y, 'NOTES', { font: 'bold', size: 8, color: MUTED });
  y += 14;
  for (const text of notes) {
    if (y > BOTTOM) {
      page = doc.addPage();
      y = continuationHeader(page, content);
    }
    page.text(MARGIN, y, text, { size: 9, color: INK });
    y += 12;
  }

  doc.pages.forEach((p, i) => drawFooter(p, content, i + 1, doc.pages.length));
  return doc.toBytes();
}

function notesLines(content: InvoiceContent): string[] {
  const { dueDate } = invoiceDates(content.period);
  const standard =
    content.credit === undefined
      ? `Payment is due within ${PAYMENT_TERM_DAYS} days, by ${dueDate}. Please quote invoice number ${content.invoiceNumber} with your payment.`
      : `This credit note cancels invoice ${content.credit.credits} in full. The corrected bill for ${periodLabel(content.period)} is invoice ${content.credit.reissue}.`;
  const paragraphs = [
    standard,
    ...(content.notes === null || content.notes.trim() === '' ? [] : content.notes.split(/\r?\n/)),
  ];
  return paragraphs.flatMap((paragraph) => wrap(paragraph, 512, 'regular', 9));
}

/** The first page's header: issuer, INVOICE (or CREDIT NOTE) with its number and dates, bill-to. Returns the y below. */
function drawHeader(page: PdfPage, content: InvoiceContent): number {
  const right = page.width - MARGIN;
  page.rect(0, 0, page.width, 8, ACCENT);
  page.text(MARGIN, 62, content.issuer.name, { font: 'bold', size: 18, color: ACCENT });
  let y = 80;
  for (const line of [
    ...content.issuer.addressLines,
    ...(content.issuer.email === null ? [] : [content.issuer.email]),
  ]) {
    page.text(MARGIN, y, line, { size: 9, color: MUTED });
    y += 12;
  }
  page.text(right, 62, content.credit === undefined ? 'INVOICE' : 'CREDIT NOTE', {
    font: 'bold',
    size: 24,
    color: ACCENT,
    align: 'right',
  });
  const { invoiceDate, dueDate } = invoiceDates(content.period);
  const billingPeriod: [string, string] = [
    'Billing period',
    `${periodLabel(content.period)} (${periodKey(content.period)})`,
  ];
  const facts: [string, string][] =
    content.credit === undefined
      ? [['Invoice number', content.invoiceNumber], billingPeriod, ['Invoice date', invoiceDate], ['Due date', dueDate]]
      : [
          ['Credit note number', content.invoiceNumber],
          ['Credits invoice', content.credit.credits],
          billingPeriod,
          ['Date', content.credit.issuedOn],
        ];
  let factY = 84;
  for (const [label, value] of facts) {
    page.text(right - 150, factY, label, { size: 9, color: MUTED, align: 'right' });
    page.text(right, factY, value, { font: 'bold', size: 9, color: INK, align: 'right' });
    factY += 13;
  }
  y = Math.max(y, factY) + 14;
  page.line(MARGIN, y, right, y, { color: RULE });
  y += 22;
  page.text(MARGIN, y, 'BILL TO', { font: 'bold', size: 8, color: MUTED });
  y += 16;
  page.text(MARGIN, y, content.customer.name, { font: 'bold', size: 12, color: INK });
  y += 14;
  page.text(MARGIN, y, `Account ${content.customer.accountNumber}`, { size: 9, color: MUTED });
  y += 12;
  const plan = [content.customer.planName, content.customer.term]
    .filter((part): part is string => part !== null && part !== '')
    .join(' · ');
  if (plan !== '') {
    page.text(MARGIN, y, `Plan: ${plan}`, { size: 9, color: MUTED });
    y += 12;
  }
  return y + 18;
}

/** The top of a continuation page. */
function continuationHeader(page: PdfPage, content: InvoiceContent): number {
  page.rect(0, 0, page.width, 8, ACCENT);
  page.text(MARGIN, 50, content.issuer.name, { font: 'bold', size: 11, color: ACCENT });
  page.text(page.width - MARGIN, 50, `${documentName(content)} (continued)`, { size: 9, color: MUTED, align: 'right' });
  return 70;
}

function drawTableHeader(page: PdfPage, y: number): number {
  page.rect(MARGIN, y, page.width - 2 * MARGIN, 20, ACCENT);
  const baseline = y + 13.5;
  page.text(COLUMNS.description, baseline, 'Description', { font: 'bold', size: 9, color: WHITE });
  page.text(COLUMNS.qtyRight, baseline, 'Qty', { font: 'bold', size: 9, color: WHITE, align: 'right' });
  page.text(COLUMNS.rateRight, baseline, 'Rate', { font: 'bold', size: 9, color: WHITE, align: 'right' });
  page.text(COLUMNS.amountRight, baseline, 'Amount', { font: 'bold', size: 9, color: WHITE, align: 'right' });
  return y + 22;
}

function drawFooter(page: PdfPage, content: InvoiceContent, index: number, count: number): void {
  page.line(MARGIN, 760, page.width - MARGIN, 760, { color: RULE });
  page.text(MARGIN, 774, `${content.issuer.name} · ${documentName(content)}`, { size: 8, color: MUTED });
  page.text(page.width - MARGIN, 774, `Page ${index} of ${count}`, { size: 8, color: MUTED, align: 'right' });
}
