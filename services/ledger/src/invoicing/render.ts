/**
 * The documents of one bill: standard CSV, the QuickBooks variant and the PDF, all from the
 * engine's input and result (plus the invoice number, issuer and notes). A snapshot stores exactly
 * these inputs, so its documents can be rendered again and compared with what was frozen.
 */
import { invoiceCsv } from './csv.js';
import type { BillInput, BillResult } from '../engine/index.js';
import { renderInvoicePdf, type InvoiceIssuer } from './layout.js';
import { quickBooksCsv } from './quickbooks.js';

export interface BillDocumentsArgs {
  input: BillInput;
  result: BillResult;
  invoiceNumber: string;
  issuer: InvoiceIssuer;
  notes: string | null;
}

/** The standard (QuickBooks Online import) CSV. */
export function billCsv(args: Pick<BillDocumentsArgs, 'input' | 'result' | 'invoiceNumber'>): string {
  return invoiceCsv({
    result: args.result,
    period: args.input.period,
    customer: args.input.client.name,
    invoiceNumber: args.invoiceNumber,
  });
}

/** The QuickBooks variant CSV. */
export function billQuickBooksCsv(args: Pick<BillDocumentsArgs, 'input' | 'result' | 'invoiceNumber'>): string {
  return quickBooksCsv({
    result: args.result,
    period: args.input.period,
    customer: args.input.client.name,
    invoiceNumber: args.invoiceNumber,
  });
}

/** The PDF invoice. */
export async function billPdf(args: BillDocumentsArgs): Promise<Buffer> {
  const { client, period } = args.input;
  return renderInvoicePdf({
    issuer: args.issuer,
    invoiceNumber: args.invoiceNumber,
    period,
    result: args.result,
    notes: args.notes,
    customer: { name: client.name, accountNumber: client.accountNumber, planName: client.planName, term: client.term },
  });
}

/** A file-name-safe form of a company name. */
export function safeFileName(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 80) || 'client'
  );
}

/** The issuer from ledger's configuration. */
export function issuerFromConfig(config: {
  INVOICE_FROM_NAME: string;
  INVOICE_FROM_ADDRESS: string;
  INVOICE_FROM_EMAIL?: string | undefined;
}): InvoiceIssuer {
  return {
    name: config.INVOICE_FROM_NAME,
    addressLines: config.INVOICE_FROM_ADDRESS.split('|')
      .map((line) => line.trim())
      .filter((line) => line !== ''),
    email:
      config.INVOICE_FROM_EMAIL === undefined || config.INVOICE_FROM_EMAIL === '' ? null : config.INVOICE_FROM_EMAIL,
  };
}
