/**
 * Invoicing: invoice numbering, the standard and QuickBooks CSVs, the PDF and the month's ZIP,
 * entered through `accountDocuments` (an account's documents for a period: accepted, else a draft)
 * and `monthZip`. Below `archive/` (which freezes what this renders) and above `billing/`.
 */
export { latestSnapshot, latestSnapshotsOf } from './accepted.js';
export { CSV_HEADER, invoiceCsv, invoiceNumber } from './csv.js';
export { invoiceDates, PAYMENT_TERM_DAYS } from './dates.js';
export {
  accountDocuments,
  acceptedDocuments,
  draftDocuments,
  type InvoiceDocuments,
  type InvoicingDeps,
} from './documents.js';
export { renderInvoicePdf, type InvoiceContent, type InvoiceIssuer } from './layout.js';
export { monthZip, type CsvFormat } from './month-zip.js';
export { billCsv, billPdf, billQuickBooksCsv, issuerFromConfig, safeFileName } from './render.js';
