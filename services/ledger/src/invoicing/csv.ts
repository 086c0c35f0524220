/**
 * The invoice CSV in QuickBooks Online's invoice-import columns (reference §3.6a), dated by the
 * billing period (never by today): InvoiceDate = last day of the month, DueDate = 30 days later.
 * Lines of $0 are left out, as QuickBooks imports only what is charged.
 */
import { formatCsv } from '@hivematrix/sdk';
import { formatCents, periodKey, type BillResult, type Period } from '../engine/index.js';
import { invoiceDates } from './dates.js';

export const CSV_HEADER = [
  'InvoiceNo',
  'Customer',
  'InvoiceDate',
  'DueDate',
  'Item(Product/Service)',
  'Description',
  'Qty',
  'Rate',
  'Amount',
] as const;

/** `<account>-<YYYYMM>`, with `-v<n>` for a corrected version. */
export function invoiceNumber(accountNumber: string, period: Period, version: number): string {
  const base = `${accountNumber}-${periodKey(period).replace('-', '')}`;
  return version === 1 ? base : `${base}-v${version}`;
}

/** The CSV of a bill (CRLF line ends, RFC 4180 quoting, spreadsheet formulas defused). */
export function invoiceCsv(args: {
  result: BillResult;
  period: Period;
  customer: string;
  invoiceNumber: string;
}): string {
  const { invoiceDate, dueDate } = invoiceDates(args.period);
  const rows = args.result.lines
    .filter((line) => line.amountCents !== 0)
    .map((line) => [
      args.invoiceNumber,
      args.customer,
      invoiceDate,
      dueDate,
      line.item,
      line.description,
      line.quantity,
      formatCents(line.rateCents),
      formatCents(line.amountCents),
    ]);
  return formatCsv(CSV_HEADER, rows);
}
