/**
 * The review queue: a bill is flagged before acceptance when its counts differ from the PSA's
 * managed counts (codex's `managed_users` / `managed_devices`, synced from the PSA; a count the PSA
 * does not give is not compared), or when its total moved more than the configured percentage from
 * the previous month's accepted bill (its latest version).
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { ClientTotals } from '../billing/index.js';

/** What review reads of a bill: its company and its totals (a whole bill or the dashboard's totals). */
type Reviewed = Pick<ClientTotals, 'client' | 'result'>;
import { snapshots } from '../db/index.js';
import type { LedgerDb } from '../db/index.js';
import { addMonths, formatCents, periodKey, type Period } from '../engine/index.js';

/** Why a bill needs a person to look at it. */
export interface ReviewFlag {
  code: 'users_differ' | 'devices_differ' | 'total_moved';
  message: string;
}

/** Devices a bill counts against the PSA's managed devices: every counted device but those not billed. */
export function billedDeviceCount(bill: Reviewed): number {
  const counts = bill.result.counts.devices;
  return Object.entries(counts).reduce((sum, [type, n]) => (type === 'not_billed' ? sum : sum + n), 0);
}

/** The review flags of a bill given the previous month's accepted total (undefined when none). */
export function reviewFlags(
  bill: Reviewed,
  previousTotalCents: number | undefined,
  thresholdPercent: number,
): ReviewFlag[] {
  const flags: ReviewFlag[] = [];
  const { managed_users: managedUsers, managed_devices: managedDevices } = bill.client.company;
  const users = bill.result.counts.users;
  if (managedUsers !== null && managedUsers !== users) {
    flags.push({ code: 'users_differ', message: `Bills ${users} user(s); the PSA manages ${managedUsers}` });
  }
  const devices = billedDeviceCount(bill);
  if (managedDevices !== null && managedDevices !== devices) {
    flags.push({ code: 'devices_differ', message: `Bills ${devices} device(s); the PSA manages ${managedDevices}` });
  }
  if (previousTotalCents !== undefined) {
    const total = bill.result.totalCents;
    const delta = Math.abs(total - previousTotalCents);
    // Integer comparison: delta / previous > threshold / 100, with no float division of money.
    const moved = previousTotalCents === 0 ? delta > 0 : delta * 100 > thresholdPercent * Math.abs(previousTotalCents);
    if (moved) {
      const percent =
        previousTotalCents === 0 ? 'from $0' : `${((delta * 100) / Math.abs(previousTotalCents)).toFixed(1)}%`;
      flags.push({
        code: 'total_moved',
        message: `Total $${formatCents(total)} moved ${percent} from last month's $${formatCents(previousTotalCents)} (threshold ${thresholdPercent}%)`,
      });
    }
  }
  return flags;
}

/** The latest accepted total of each account for the month before `period`. */
export async function previousTotals(
  db: LedgerDb,
  period: Period,
  accounts: readonly string[],
): Promise<Map<string, number>> {
  if (accounts.length === 0) return new Map();
  const rows = await db
    .select({ account: snapshots.accountNumber, version: snapshots.version, total: snapshots.totalCents })
    .from(snapshots)
    .where(
      and(eq(snapshots.period, periodKey(addMonths(period, -1))), inArray(snapshots.accountNumber, [...accounts])),
    );
  const latest = new Map<string, { version: number; total: number }>();
  for (const row of rows) {
    const seen = latest.get(row.account);
    if (seen === undefined || row.version > seen.version)
      latest.set(row.account, { version: row.version, total: row.total });
  }
  return new Map([...latest].map(([account, value]) => [account, value.total]));
}

/** The accepted invoice numbers (latest version) of each account for `period`. */
export async function acceptedInvoices(
  db: LedgerDb,
  period: Period,
  accounts: readonly string[],
): Promise<Map<string, string>> {
  if (accounts.length === 0) return new Map();
  const rows = await db
    .select({ account: snapshots.accountNumber, version: snapshots.version, invoice: snapshots.invoiceNumber })
    .from(snapshots)
    .where(and(eq(snapshots.period, periodKey(period)), inArray(snapshots.accountNumber, [...accounts])));
  const latest = new Map<string, { version: number; invoice: string }>();
  for (const row of rows) {
    const seen = latest.get(row.account);
    if (seen === undefined || row.version > seen.version) latest.set(row.account, row);
  }
  return new Map([...latest].map(([account, value]) => [account, value.invoice]));
}

/** One client's place in the month's review queue. */
export interface ReviewEntry {
  account_number: string;
  name: string;
  total_cents: number;
  previous_total_cents: number | null;
  billable: boolean;
  accepted_invoice: string | null;
  flags: ReviewFlag[];
}

/** The review state of every client of a month (flagged or not). */
export async function reviewMonth(
  db: LedgerDb,
  bills: readonly Reviewed[],
  period: Period,
  thresholdPercent: number,
): Promise<ReviewEntry[]> {
  const accounts = bills.map((bill) => bill.client.company.account_number);
  const [previous, accepted] = await Promise.all([
    previousTotals(db, period, accounts),
    acceptedInvoices(db, period, accounts),
  ]);
  return bills.map((bill) => {
    const account = bill.client.company.account_number;
    return {
      account_number: account,
      name: bill.client.company.name,
      total_cents: bill.result.totalCents,
      previous_total_cents: previous.get(account) ?? null,
      billable: bill.result.billable,
      accepted_invoice: accepted.get(account) ?? null,
      flags: reviewFlags(bill, previous.get(account), thresholdPercent),
    };
  });
}
