/**
 * A month's invoices in one ZIP: one CSV and one PDF per invoiced client (its latest accepted
 * version, else a draft), `index.csv` listing each invoice with its status and total, and
 * `cannot-bill.txt` naming every client left out and why (never dropped silently). A month
 * accepted for a client that codex no longer lists still has its invoice here.
 */
import { formatCsv } from '@hivematrix/sdk';
import { billMonth } from '../billing/index.js';
import { formatCents, periodKey, type Period } from '../engine/index.js';
import { latestSnapshotsOf } from './accepted.js';
import { invoiceDates } from './dates.js';
import { acceptedDocuments, draftDocuments, type InvoiceDocuments, type InvoicingDeps } from './documents.js';
import { createZip, fileNamePart, zipDay, type ZipEntry } from './zip.js';

/** `qbo`: QuickBooks Online import CSV (standard); `quickbooks`: the QuickBooks variant (§3.6b). */
export type CsvFormat = 'qbo' | 'quickbooks';

/** The ZIP's file name and bytes. */
export async function monthZip(
  deps: InvoicingDeps,
  period: Period,
  format: CsvFormat,
): Promise<{ fileName: string; zip: Buffer }> {
  const key = periodKey(period);
  const [bills, accepted] = await Promise.all([
    billMonth({ codex: deps.codex, db: deps.db }, period),
    latestSnapshotsOf(deps.db, key),
  ]);
  const invoiced: InvoiceDocuments[] = [];
  const refused: string[] = [];
  for (const bill of bills) {
    const account = bill.client.company.account_number;
    const snapshot = accepted.get(account);
    accepted.delete(account);
    if (snapshot !== undefined) invoiced.push(acceptedDocuments(snapshot, deps.issuer));
    else if (bill.result.billable) invoiced.push(draftDocuments(bill, period, deps.issuer));
    else refused.push(`${account}\t${bill.client.company.name}\t${bill.result.flags.join('; ')}`);
  }
  for (const snapshot of accepted.values()) invoiced.push(acceptedDocuments(snapshot, deps.issuer));

  const entries: ZipEntry[] = [];
  const index: string[][] = [];
  for (const documents of invoiced.sort(
    (a, b) => a.companyName.localeCompare(b.companyName) || a.accountNumber.localeCompare(b.accountNumber),
  )) {
    // The account number comes from the PSA/RMM as it is: sanitised like the name (`../x` → `x`).
    const stem = `${fileNamePart(documents.companyName, 'client')}_${fileNamePart(documents.accountNumber, 'account')}_${key}`;
    entries.push({ name: `${stem}.csv`, data: format === 'quickbooks' ? documents.quickBooksCsv() : documents.csv() });
    entries.push({ name: `${stem}.pdf`, data: await documents.pdf() });
    index.push([
      documents.accountNumber,
      documents.companyName,
      documents.number,
      documents.status,
      formatCents(documents.totalCents),
    ]);
  }
  entries.push({ name: 'index.csv', data: formatCsv(['account', 'client', 'invoice', 'status', 'total'], index) });
  const list =
    refused.length === 0
      ? 'Every client of the month could be billed.\n'
      : `account\tname\treason\n${refused.join('\n')}\n`;
  entries.push({
    name: 'cannot-bill.txt',
    data: `Clients that could not be billed for ${key}: ${refused.length}\n${list}`,
  });
  // Stamped with the month's invoice date, not now: the same month's documents give the same bytes.
  return { fileName: `invoices_${key}.zip`, zip: await createZip(entries, zipDay(invoiceDates(period).invoiceDate)) };
}
