/**
 * Credit notes. A correction never overwrites an invoice: it cancels the version it replaces with a
 * credit note, whose lines are that version's lines negated, and re-issues the bill as the next
 * version. The credit note is frozen like a snapshot (CSV, PDF, who, when, a sha256) and is never
 * changed or deleted (a database trigger refuses it).
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { canonicalJson, formatCsv } from '@hivematrix/sdk';
import { creditNotes } from '../db/index.js';
import type { CreditNote, Snapshot, LedgerDb } from '../db/index.js';
import { formatCents, type BillInput, type BillResult, type InvoiceLine, type LineKind } from '../engine/index.js';
import { renderInvoicePdf, type InvoiceIssuer } from '../invoicing/index.js';

/** A database handle or an open transaction (a credit note is written with its re-issue). */
export type LedgerTx = LedgerDb | Parameters<Parameters<LedgerDb['transaction']>[0]>[0];

export const CREDIT_NOTE_CSV_HEADER = [
  'CreditNoteNo',
  'Customer',
  'CreditNoteDate',
  'CreditsInvoice',
  'Item(Product/Service)',
  'Description',
  'Qty',
  'Rate',
  'Amount',
] as const;

/** `CN-<number of the invoice it cancels>`. */
export function creditNoteNumber(creditedInvoice: string): string {
  return `CN-${creditedInvoice}`;
}

/** A bill's result with every amount negated: quantities stay, rates and amounts change sign. */
export function negatedResult(result: BillResult): BillResult {
  const negate = (cents: number): number => (cents === 0 ? 0 : -cents);
  const subtotals = Object.fromEntries(
    Object.entries(result.subtotals).map(([kind, cents]) => [kind, negate(cents)]),
  ) as Record<LineKind, number>;
  const lines = result.lines.map((line): InvoiceLine => ({
    ...line,
    rateCents: negate(line.rateCents),
    amountCents: negate(line.amountCents),
  }));
  return { ...result, lines, subtotals, totalCents: negate(result.totalCents) };
}

export interface CreditNoteDocumentsArgs {
  credited: Pick<Snapshot, 'invoiceNumber' | 'companyName' | 'inputs' | 'result'>;
  reissue: string;
  issuedOn: string;
  reason: string;
  issuer: InvoiceIssuer;
}

/** The credit note's number, total, CSV and PDF, from the snapshot it cancels. */
export async function creditNoteDocuments(
  args: CreditNoteDocumentsArgs,
): Promise<{ number: string; totalCents: number; csv: string; pdf: Buffer }> {
  const input = args.credited.inputs as BillInput;
  const result = negatedResult(args.credited.result as BillResult);
  const number = creditNoteNumber(args.credited.invoiceNumber);
  const csv = formatCsv(
    CREDIT_NOTE_CSV_HEADER,
    result.lines
      .filter((line) => line.amountCents !== 0)
      .map((line) => [
        number,
        input.client.name,
        args.issuedOn,
        args.credited.invoiceNumber,
        line.item,
        line.description,
        line.quantity,
        formatCents(line.rateCents),
        formatCents(line.amountCents),
      ]),
  );
  const pdf = await renderInvoicePdf({
    issuer: args.issuer,
    invoiceNumber: number,
    period: input.period,
    result,
    notes: `Reason: ${args.reason}`,
    customer: {
      name: input.client.name,
      accountNumber: input.client.accountNumber,
      planName: input.client.planName,
      term: input.client.term,
    },
    credit: { credits: args.credited.invoiceNumber, reissue: args.reissue, issuedOn: args.issuedOn },
  });
  return { number, totalCents: result.totalCents, csv, pdf };
}

/** What a credit note's hash covers. */
type HashedCreditNote = Pick<
  CreditNote,
  'number' | 'totalCents' | 'issuedOn' | 'reason' | 'csv' | 'pdf' | 'issuedBy' | 'issuedAt'
> & { credits: string; reissue: string };

function creditNoteHash(note: HashedCreditNote): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        number: note.number,
        credits: note.credits,
        reissue: note.reissue,
        total_cents: note.totalCents,
        issued_on: note.issuedOn,
        reason: note.reason,
        csv: note.csv,
        pdf_sha256: createHash('sha256').update(note.pdf).digest('hex'),
        issued_by: note.issuedBy,
        issued_at: note.issuedAt.toISOString(),
      }),
    )
    .digest('hex');
}

/** Writes the credit note cancelling `credited`, replaced by `reissue` (inside the correction's transaction). */
export async function issueCreditNote(
  tx: LedgerTx,
  args: {
    credited: Snapshot;
    reissue: Snapshot;
    issuedOn: string;
    reason: string;
    issuedBy: string;
    issuedAt: Date;
    issuer: InvoiceIssuer;
  },
): Promise<CreditNote> {
  const documents = await creditNoteDocuments({
    credited: args.credited,
    reissue: args.reissue.invoiceNumber,
    issuedOn: args.issuedOn,
    reason: args.reason,
    issuer: args.issuer,
  });
  const frozen = {
    ...documents,
    issuedOn: args.issuedOn,
    reason: args.reason,
    issuedBy: args.issuedBy,
    issuedAt: args.issuedAt,
  };
  const [row] = await tx
    .insert(creditNotes)
    .values({
      ...frozen,
      creditsId: args.credited.id,
      reissueId: args.reissue.id,
      accountNumber: args.credited.accountNumber,
      companyName: args.credited.companyName,
      period: args.credited.period,
      sha256: creditNoteHash({ ...frozen, credits: args.credited.invoiceNumber, reissue: args.reissue.invoiceNumber }),
    })
    .returning();
  if (row === undefined) throw new Error('insert returned no row');
  return row;
}

/** A credit note by number. */
export async function findCreditNote(db: LedgerDb, number: string): Promise<CreditNote | undefined> {
  const [row] = await db.select().from(creditNotes).where(eq(creditNotes.number, number)).limit(1);
  return row;
}

/** The credit note that cancels a snapshot, or the one its re-issue came with. */
export async function creditNoteOf(
  db: LedgerDb,
  snapshotId: number,
  role: 'credits' | 'reissue',
): Promise<CreditNote | undefined> {
  const column = role === 'credits' ? creditNotes.creditsId : creditNotes.reissueId;
  const [row] = await db.select().from(creditNotes).where(eq(column, snapshotId)).limit(1);
  return row;
}

/** True when a stored credit note still matches its hash (given the invoice numbers it links). */
export function verifyCreditNote(row: CreditNote, links: { credits: string; reissue: string }): boolean {
  return creditNoteHash({ ...row, ...links }) === row.sha256;
}
