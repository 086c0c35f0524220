/**
 * The archive of accepted bills. A snapshot freezes the engine's inputs and result, the CSV, the
 * PDF, who accepted it and when, and a sha256 over all of that; rows are never updated or deleted (a
 * database trigger refuses it). A second accept of the same client and month is a 409; a
 * correction is a new version naming the snapshot it supersedes.
 */
import { createHash } from 'node:crypto';
import { and, desc, eq, ilike, or, type SQL } from 'drizzle-orm';
import { AppError, canonicalJson } from '@hivematrix/sdk';
import type { ClientBill } from '../billing/index.js';
import { snapshots } from '../db/index.js';
import type { Snapshot, LedgerDb } from '../db/index.js';
import { periodKey } from '../engine/index.js';
import { billCsv, billPdf, invoiceNumber, latestSnapshot, type InvoiceIssuer } from '../invoicing/index.js';
import { issueCreditNote } from './credit-notes.js';

/** What a snapshot's hash covers (scheme 2); scheme 1 rows (before the PDF) lack the last three. */
export interface FrozenContent {
  inputs: unknown;
  result: unknown;
  csv: string;
  pdf?: Buffer;
  acceptedBy?: string;
  acceptedAt?: Date;
}

/**
 * sha256 (hex) of the frozen content as canonical JSON: inputs, result and CSV, and (scheme 2) the
 * PDF's own sha256, who accepted and when (ISO instant).
 */
export function contentHash(content: FrozenContent): string {
  const { inputs, result, csv } = content;
  const hashed =
    content.pdf === undefined
      ? { inputs, result, csv }
      : {
          inputs,
          result,
          csv,
          pdf_sha256: createHash('sha256').update(content.pdf).digest('hex'),
          accepted_by: content.acceptedBy,
          accepted_at: content.acceptedAt?.toISOString(),
        };
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex');
}

/** Latest version of a client's month, if any (a read that invoicing, below this module, owns). */
export { latestSnapshot };

/** Snapshots matching the filters, newest first (at most `limit`). */
export async function searchSnapshots(
  db: LedgerDb,
  filters: {
    account?: string | undefined;
    client?: string | undefined;
    period?: string | undefined;
    invoice?: string | undefined;
    limit: number;
  },
): Promise<Snapshot[]> {
  const conditions: SQL[] = [];
  if (filters.account !== undefined) conditions.push(eq(snapshots.accountNumber, filters.account));
  if (filters.client !== undefined && filters.client !== '') {
    // A client by account number, or by a part of its name (LIKE wildcards in the input are literal).
    const pattern = `%${filters.client.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const match = or(eq(snapshots.accountNumber, filters.client), ilike(snapshots.companyName, pattern));
    if (match !== undefined) conditions.push(match);
  }
  if (filters.period !== undefined) conditions.push(eq(snapshots.period, filters.period));
  // An invoice number finds its later versions too (620547-202510 → …-v2).
  if (filters.invoice !== undefined && filters.invoice !== '')
    conditions.push(ilike(snapshots.invoiceNumber, `${filters.invoice.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  return db
    .select()
    .from(snapshots)
    .where(conditions.length === 0 ? undefined : and(...conditions))
    .orderBy(desc(snapshots.acceptedAt), desc(snapshots.id))
    .limit(filters.limit);
}

/** A snapshot by invoice number. */
export async function findSnapshot(db: LedgerDb, invoice: string): Promise<Snapshot | undefined> {
  const [row] = await db.select().from(snapshots).where(eq(snapshots.invoiceNumber, invoice)).limit(1);
  return row;
}

/** A correction: the invoice it replaces (the latest version) and the date of its credit note. */
export interface Correction {
  supersedes: string;
  /** `YYYY-MM-DD` in the business time zone. */
  creditNoteDate: string;
}

/**
 * Freezes a bill. Without a correction, refuses (409) when the month was already accepted. With
 * one, `supersedes` must be the latest version's invoice number; in one transaction a new version
 * is stored and a credit note cancels the version it replaces.
 */
export async function acceptBill(
  db: LedgerDb,
  args: {
    bill: ClientBill;
    acceptedBy: string;
    now: Date;
    notes: string | null;
    correction?: Correction;
    issuer: InvoiceIssuer;
  },
): Promise<Snapshot> {
  const { bill } = args;
  if (!bill.result.billable)
    throw new AppError('unprocessable_entity', `Cannot accept: ${bill.result.flags.join('; ')}`);
  const account = bill.client.company.account_number;
  const period = periodKey(bill.input.period);
  const latest = await latestSnapshot(db, account, period);
  const { correction } = args;
  if (correction === undefined && latest !== undefined) {
    throw new AppError(
      'already_accepted',
      `The bill of ${account} for ${period} was already accepted as invoice ${latest.invoiceNumber}; issue a correction instead`,
    );
  }
  if (correction !== undefined && (latest === undefined || latest.invoiceNumber !== correction.supersedes)) {
    throw new AppError(
      'not_latest_invoice',
      `Only the latest invoice of ${account} for ${period} (${latest?.invoiceNumber ?? 'none'}) can be corrected`,
    );
  }
  const version = latest === undefined ? 1 : latest.version + 1;
  const number = invoiceNumber(account, bill.input.period, version);
  const csv = billCsv({ input: bill.input, result: bill.result, invoiceNumber: number });
  const pdf = await billPdf({
    input: bill.input,
    result: bill.result,
    invoiceNumber: number,
    issuer: args.issuer,
    notes: args.notes,
  });
  const content: FrozenContent = {
    inputs: bill.input,
    result: bill.result,
    csv,
    pdf,
    acceptedBy: args.acceptedBy,
    acceptedAt: args.now,
  };
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(snapshots)
        .values({
          accountNumber: account,
          companyName: bill.client.company.name,
          period,
          version,
          invoiceNumber: number,
          supersedesId: latest?.id ?? null,
          totalCents: bill.result.totalCents,
          inputs: bill.input,
          result: bill.result,
          csv,
          pdf,
          hashScheme: 2,
          sha256: contentHash(content),
          acceptedBy: args.acceptedBy,
          acceptedAt: args.now,
          notes: args.notes,
        })
        .returning();
      if (row === undefined) throw new Error('insert returned no row');
      if (correction !== undefined && latest !== undefined) {
        await issueCreditNote(tx, {
          credited: latest,
          reissue: row,
          issuedOn: correction.creditNoteDate,
          reason: args.notes ?? '',
          issuedBy: args.acceptedBy,
          issuedAt: args.now,
          issuer: args.issuer,
        });
      }
      return row;
    });
  } catch (error) {
    // Two accepts racing: the unique (account, period, version) index lets one win.
    if (isUniqueViolation(error))
      throw new AppError('already_accepted', `The bill of ${account} for ${period} was accepted concurrently`);
    throw error;
  }
}

/** True when a stored snapshot still matches its hash. */
export function verifySnapshot(row: Snapshot): boolean {
  const base = { inputs: row.inputs, result: row.result, csv: row.csv };
  if (row.hashScheme === 1) return contentHash(base) === row.sha256;
  if (row.pdf === null) return false;
  return contentHash({ ...base, pdf: row.pdf, acceptedBy: row.acceptedBy, acceptedAt: row.acceptedAt }) === row.sha256;
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e !== null && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

/** A snapshot by id (to name the version a correction supersedes). */
export async function findSnapshotById(db: LedgerDb, id: number): Promise<Snapshot | undefined> {
  const [row] = await db.select().from(snapshots).where(eq(snapshots.id, id)).limit(1);
  return row;
}
