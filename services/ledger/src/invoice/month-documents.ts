/**
 * The documents a client's month is invoiced with. Once a month is accepted, its invoice number
 * names frozen content, so the live downloads serve the latest accepted version: the standard CSV
 * and the PDF exactly as frozen, the QuickBooks variant rendered from the frozen inputs and result.
 * Before that, they serve a draft computed now and numbered as version 1, which is what accepting
 * would freeze. So one invoice number never names two different bills.
 */
import { desc, eq } from 'drizzle-orm';
import { AppError } from '@hivematrix/sdk';
import { invoiceNumber } from '../archive/csv.js';
import { latestSnapshot } from '../archive/snapshots.js';
import type { ClientBill } from '../billing/month.js';
import { snapshots, type Snapshot } from '../db/schema.js';
import type { LedgerDb } from '../db/store.js';
import { periodKey, type BillInput, type BillResult, type Period } from '../engine/index.js';
import type { InvoiceIssuer } from './layout.js';
import { billCsv, billPdf, billQuickBooksCsv } from './render.js';

export interface InvoiceDocuments {
  number: string;
  /** `accepted`: the latest archived version; `draft`: computed now, not accepted yet. */
  status: 'accepted' | 'draft';
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
    number: row.invoiceNumber, status: 'accepted', companyName: row.companyName, totalCents: row.totalCents,
    csv: () => row.csv,
    quickBooksCsv: () => billQuickBooksCsv(frozen),
    pdf: () => (row.pdf === null ? billPdf({ ...frozen, issuer, notes: row.notes }) : Promise.resolve(row.pdf)),
  };
}

/** The documents of a bill computed now, numbered as its first version; 422 when it cannot be billed. */
export function draftDocuments(bill: ClientBill, period: Period, issuer: InvoiceIssuer): InvoiceDocuments {
  if (!bill.result.billable) throw new AppError('unprocessable_entity', `Cannot invoice: ${bill.result.flags.join('; ')}`);
  const current = { input: bill.input, result: bill.result, invoiceNumber: invoiceNumber(bill.client.company.account_number, period, 1) };
  return {
    number: current.invoiceNumber, status: 'draft', companyName: bill.client.company.name, totalCents: bill.result.totalCents,
    csv: () => billCsv(current),
    quickBooksCsv: () => billQuickBooksCsv(current),
    pdf: () => billPdf({ ...current, issuer, notes: null }),
  };
}

/** One client's month: the accepted documents if the month was accepted, else the draft. */
export async function monthDocuments(db: LedgerDb, bill: ClientBill, period: Period, issuer: InvoiceIssuer): Promise<InvoiceDocuments> {
  const accepted = await latestSnapshot(db, bill.client.company.account_number, periodKey(period));
  return accepted === undefined ? draftDocuments(bill, period, issuer) : acceptedDocuments(accepted, issuer);
}

/** The latest accepted version of every client accepted for a month, by account number. */
export async function latestSnapshotsOf(db: LedgerDb, period: string): Promise<Map<string, Snapshot>> {
  const rows = await db.selectDistinctOn([snapshots.accountNumber]).from(snapshots)
    .where(eq(snapshots.period, period)).orderBy(snapshots.accountNumber, desc(snapshots.version));
  return new Map(rows.map((row) => [row.accountNumber, row]));
}
