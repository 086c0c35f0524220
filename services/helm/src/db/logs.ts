/** Queries on log_entries: batch insert and retention. Plain functions taking the database. */
import { count, desc, inArray, lt, lte, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { logEntries, type NewLogEntry, type schema } from './schema.js';

export type HelmDb = NodePgDatabase<typeof schema>;

/** Rows per INSERT: PostgreSQL allows 65535 bind parameters, we use 10 per row. */
const INSERT_CHUNK = 2000;

/** Stores a batch in one transaction (all or nothing) and returns how many rows were written. */
export async function insertLogEntries(db: HelmDb, entries: readonly NewLogEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  await db.transaction(async (tx) => {
    for (let start = 0; start < entries.length; start += INSERT_CHUNK) {
      await tx.insert(logEntries).values(entries.slice(start, start + INSERT_CHUNK));
    }
  });
  return entries.length;
}

/**
 * Deletes entries received before `cutoff`, in bounded batches so a large backlog never holds one
 * huge transaction (or its locks) open. Returns how many were deleted.
 */
export async function purgeLogEntries(db: HelmDb, cutoff: Date, batch = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    const old = db.select({ id: logEntries.id }).from(logEntries).where(lt(logEntries.receivedAt, cutoff)).limit(batch);
    const deleted = await db.delete(logEntries).where(inArray(logEntries.id, old)).returning({ id: logEntries.id });
    total += deleted.length;
    if (deleted.length < batch) return total;
  }
}

/**
 * Keeps only the newest `maxRows` entries (by id, i.e. arrival order): retention by size, so a
 * flood of logs cannot fill the disk before retention by age catches up. Returns how many were
 * deleted, in bounded batches like `purgeLogEntries`.
 */
export async function trimLogEntries(db: HelmDb, maxRows: number, batch = 10_000): Promise<number> {
  const [boundary] = await db.select({ id: logEntries.id }).from(logEntries).orderBy(desc(logEntries.id)).offset(maxRows).limit(1);
  if (boundary === undefined) return 0;
  let total = 0;
  for (;;) {
    const old = db.select({ id: logEntries.id }).from(logEntries).where(lte(logEntries.id, boundary.id)).limit(batch);
    const deleted = await db.delete(logEntries).where(inArray(logEntries.id, old)).returning({ id: logEntries.id });
    total += deleted.length;
    if (deleted.length < batch) return total;
  }
}

/** How many entries are stored (status and tests). */
export async function countLogEntries(db: HelmDb, service?: string): Promise<number> {
  const query = db.select({ value: count() }).from(logEntries);
  const rows = service === undefined ? await query : await query.where(sql`${logEntries.serviceName} = ${service}`);
  return rows[0]?.value ?? 0;
}
