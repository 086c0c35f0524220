/**
 * "The QuickBooks variant" of the invoice CSV (reference §3.6b): the same QuickBooks Online import
 * columns as the standard CSV, but every counted user and device is listed (also at $0), line items
 * come before labour as "Custom Services", and backup is split into its base fees and the storage
 * overage. Unlike the original it is dated and numbered by the billing period, never by today.
 */
import { formatCsv } from '@hivematrix/sdk';
import { CSV_HEADER } from './csv.js';
import { formatCents, type BillResult, type InvoiceLine, type Period } from '../engine/index.js';
import { invoiceDates } from './dates.js';

interface Row {
  item: string;
  description: string;
  quantity: string;
  rateCents: number;
  amountCents: number;
}

/** The rows of the variant; their amounts sum to the bill's total. */
export function quickBooksRows(result: BillResult): Row[] {
  const byKind = (kind: InvoiceLine['kind']) => result.lines.filter((line) => line.kind === kind);
  const rows: Row[] = [...byKind('user'), ...byKind('device')].map((line) => ({ ...line }));
  const backup = byKind('backup')[0];
  if (backup !== undefined) rows.push(...splitBackup(result, backup.amountCents));
  for (const line of byKind('line_item'))
    rows.push({ ...line, item: 'Custom Services', description: `Custom Item: ${line.description}` });
  rows.push(...byKind('labour').map((line) => ({ ...line })));
  return rows;
}

/** Base fees per backed-up workstation and server, then the overage: what is left of the charge. */
function splitBackup(result: BillResult, chargeCents: number): Row[] {
  const rates = result.rates;
  const { workstations, servers, overageTb } = result.backup;
  if (rates === null)
    return [
      {
        item: 'Backup Services',
        description: 'Backup Services',
        quantity: '1',
        rateCents: chargeCents,
        amountCents: chargeCents,
      },
    ];
  const rows: Row[] = [];
  const wsCents = workstations * rates.backupBaseWorkstation;
  const srvCents = servers * rates.backupBaseServer;
  if (wsCents > 0)
    rows.push({
      item: 'Workstation Backup Base Fee',
      description: 'Workstation Backup Base Fee',
      quantity: String(workstations),
      rateCents: rates.backupBaseWorkstation,
      amountCents: wsCents,
    });
  if (srvCents > 0)
    rows.push({
      item: 'Server Backup Base Fee',
      description: 'Server Backup Base Fee',
      quantity: String(servers),
      rateCents: rates.backupBaseServer,
      amountCents: srvCents,
    });
  const overageCents = chargeCents - wsCents - srvCents;
  if (overageCents > 0)
    rows.push({
      item: 'Storage Overage',
      description: `Storage Overage (${overageTb} TB)`,
      quantity: overageTb,
      rateCents: rates.backupPerTb,
      amountCents: overageCents,
    });
  return rows;
}

/** The variant CSV of a bill (CRLF, RFC 4180 quoting, formulas defused). */
export function quickBooksCsv(args: {
  result: BillResult;
  period: Period;
  customer: string;
  invoiceNumber: string;
}): string {
  const { invoiceDate, dueDate } = invoiceDates(args.period);
  const rows = quickBooksRows(args.result).map((row) => [
    args.invoiceNumber,
    args.customer,
    invoiceDate,
    dueDate,
    row.item,
    row.description,
    row.quantity,
    formatCents(row.rateCents),
    formatCents(row.amountCents),
  ]);
  return formatCsv(CSV_HEADER, rows);
}
