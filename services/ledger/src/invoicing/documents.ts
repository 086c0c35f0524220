/**
 * An account's invoice documents for a period, through one entry point. Once a month is accepted,
 * its invoice number names frozen content, so the documents are the latest accepted version: the
 * standard CSV and the PDF exactly as frozen, the QuickBooks variant rendered from the frozen
 * inputs and result. Before that, a draft computed for that account alone and numbered as version
 * 1, which is what accepting would freeze. So one invoice number never names two different bills,
 * and an accepted month stays downloadable after the client has left codex.
 */
import { AppError } from '@hivematrix/sdk';
import { billMonth } from '../billing/index.js';
import type { ClientBill } from '../billing/index.js';
import type { CodexSource } from '../codex/index.js';
import type { Snapshot, LedgerDb } from '../db/index.js';
import { periodKey, type BillInput, type BillResult, type Period } from '../engine/index.js';
import { latestSnapshot } from './accepted.js';
import { invoiceNumber } from './csv.js';
import type { InvoiceIssuer } from './layout.js';
import { billCsv, billPdf, billQuickBooksCsv } from './render.js';

/** What the documents are made from: ledger's database, codex (for drafts) and the issuer. */
export interface InvoicingDeps {
  db: LedgerDb;
  codex: CodexSource;
  issuer: InvoiceIssuer;
}

export interface InvoiceDocuments {
  number: string;
  /** `accepted`: the latest archived version; `draft`: computed now, not accepted yet. */
  status: 'accepted' | 'draft';
  accountNumber: string;
  companyName: string;
  totalCents: number;
  csv: () => string;
  quickBooksCsv: () => string;
  pdf: () => Promise<Buffer>;
}

/** The documents of an archived version (a PDF is rendered from the frozen data for rows archived before PDFs). */
export function acceptedDocuments(row: Snapshot, issuer: InvoiceIssuer): InvoiceDocuments {
  const frozen = { input: row.inputs as BillInput, result: row.result as BillResult, invoiceNumber: row.invoiceNumber };
  return {
    number: row.invoiceNumber,
    status: 'accepted',
    accountNumber: row.accountNumber,
    companyName: row.companyName,
    totalCents: row.totalCents,
    csv: () => row.csv,
    quickBooksCsv: () => billQuickBooksCsv(frozen),
    pdf: () => (row.pdf === null ? billPdf({ ...frozen, issuer, notes: row.notes }) : Promise.resolve(row.pdf)),
  };
}

/** The documents of a bill computed now, numbered as its first version; 422 when it cannot be billed. */
export function draftDocuments(bill: ClientBill, period: Period, issuer: InvoiceIssuer): InvoiceDocuments {
  if (!bill.result.billable)
    throw new AppError('unprocessable_entity', `Cannot invoice: ${bill.result.flags.join('; ')}`);
  const account = bill.client.company.account_number;
  const current = { input: bill.input, result: bill.result, invoiceNumber: invoiceNumber(account, period, 1) };
  return {
    number: current.invoiceNumber,
    status: 'draft',
    accountNumber: account,
    companyName: bill.client.company.name,
    totalCents: bill.result.totalCents,
    csv: () => billCsv(current),
    quickBooksCsv: () => billQuickBooksCsv(current),
    pdf: () => billPdf({ ...current, issuer, notes: null }),
  };
}

/**
 * The entry point: an account's documents for a period. The accepted snapshot when there is one
 * (codex is not asked); otherwise the account's bill computed alone, as a draft. 404 when the
 * month was never accepted and codex lists no such client for it; 422 when it cannot be billed.
 */
export async function accountDocuments(
  deps: InvoicingDeps,
  account: string,
  period: Period,
): Promise<InvoiceDocuments> {
  const accepted = await latestSnapshot(deps.db, account, periodKey(period));
  if (accepted !== undefined) return acceptedDocuments(accepted, deps.issuer);
  const [bill] = await billMonth({ codex: deps.codex, db: deps.db }, period, account);
  if (bill === undefined)
    throw new AppError('not_found', `No client ${account} in codex for ${periodKey(period)}, and no accepted invoice`);
  return draftDocuments(bill, period, deps.issuer);
}
