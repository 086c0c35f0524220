/**
 * Reading what was accepted, as the invoice downloads need it: the latest accepted version of a
 * client's month, and of every client of a month. Writing snapshots (accepting, correcting,
 * verifying) belongs to `archive/`, which builds on this module, not the other way round.
 */
import { and, desc, eq } from 'drizzle-orm';
import { snapshots } from '../db/index.js';
import type { Snapshot, LedgerDb } from '../db/index.js';

/** Latest version of a client's month (`YYYY-MM`), if any. */
export async function latestSnapshot(
  db: LedgerDb,
  accountNumber: string,
  period: string,
): Promise<Snapshot | undefined> {
  const [row] = await db
    .select()
    .from(snapshots)
    .where(and(eq(snapshots.accountNumber, accountNumber), eq(snapshots.period, period)))
    .orderBy(desc(snapshots.version))
    .limit(1);
  return row;
}

/** The latest accepted version of every client accepted for a month, by account number. */
export async function latestSnapshotsOf(db: LedgerDb, period: string): Promise<Map<string, Snapshot>> {
  const rows = await db
    .selectDistinctOn([snapshots.accountNumber])
    .from(snapshots)
    .where(eq(snapshots.period, period))
    .orderBy(snapshots.accountNumber, desc(snapshots.version));
  return new Map(rows.map((row) => [row.accountNumber, row]));
}
