/** Queries on log_entries: batch insert and retention. Plain functions taking the database. */
import { count, desc, inArray, lt, lte, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { logEntries, type NewLogEntry, type schema } from './schema.js';

export type HelmDb = NodePgDatabase<typeof schema>;

/**
 * Stores a batch with one INSERT … SELECT FROM unnest(arrays): one parameter per column whatever
 * the batch size, so the statement is parsed once and there is no 65 535-parameter ceiling to chunk
 * around; one statement is also all or nothing. Returns how many rows were written.
 */
export async function insertLogEntries(db: HelmDb, entries: readonly NewLogEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const column = <T>(pick: (entry: NewLogEntry) => T) => sql.param(entries.map(pick));
  // Times travel as ISO text and contexts as JSON text: node-postgres would otherwise format them
  // inside the array literal by its own rules (local-time dates, objects without a type).
  await db.execute(sql`
    INSERT INTO log_entries ("timestamp", received_at, service_name, level, message, context, trace_id, user_id, hostname, process_id)
    SELECT t::timestamptz, COALESCE(r::timestamptz, now()), s, l, m, COALESCE(c::jsonb, '{}'::jsonb), tr, u, h, p
    FROM unnest(
      ${column((entry) => entry.timestamp.toISOString())}::text[],
      ${column((entry) => entry.receivedAt?.toISOString() ?? null)}::text[],
      ${column((entry) => entry.serviceName)}::text[],
      ${column((entry) => entry.level)}::text[],
      ${column((entry) => entry.message)}::text[],
      ${column((entry) => (entry.context === undefined ? null : JSON.stringify(entry.context)))}::text[],
      ${column((entry) => entry.traceId ?? null)}::text[],
      ${column((entry) => entry.userId ?? null)}::text[],
      ${column((entry) => entry.hostname ?? null)}::text[],
      ${column((entry) => entry.processId ?? null)}::integer[]
    ) AS batch(t, r, s, l, m, c, tr, u, h, p)`);
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

/** Deletes every entry with an id up to `boundary`, in batches of `batch`; returns how many. */
async function deleteThrough(db: HelmDb, boundary: number, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const old = db.select({ id: logEntries.id }).from(logEntries).where(lte(logEntries.id, boundary)).limit(batch);
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
  const [boundary] = await db
    .select({ id: logEntries.id })
    .from(logEntries)
    .orderBy(desc(logEntries.id))
    .offset(maxRows)
    .limit(1);
  return boundary === undefined ? 0 : deleteThrough(db, boundary.id, batch);
}

/**
 * What one entry weighs on disk, for retention by bytes: each variable column as stored (after
 * PostgreSQL's own compression, so a long repetitive message counts for what it takes) plus the
 * fixed part (tuple header, id, two times, process id). Counted per column because the size of the
 * whole row as a composite value depends on how the query builds it (measured: 109 or 112 bytes
 * for the same row), and retention must be reproducible.
 */
export const ENTRY_FIXED_BYTES = 56;
export const entryBytes = sql`(${ENTRY_FIXED_BYTES} + pg_column_size(service_name) + pg_column_size(level) + pg_column_size(message)
  + pg_column_size(context) + coalesce(pg_column_size(trace_id), 0) + coalesce(pg_column_size(user_id), 0) + coalesce(pg_column_size(hostname), 0))`;

/**
 * Keeps the newest entries that add up to at most `maxBytes` (see `entryBytes`), so a few huge
 * messages count for what they weigh, unlike a row cap. The table's file size would be the wrong
 * measure: deleted rows leave space PostgreSQL reuses but does not give back, so a cap on it would
 * go on deleting after every run. The running sum walks the primary key newest first and stops at
 * the first entry beyond the budget, so a table within budget is read once and nothing else is
 * touched. Returns how many were deleted.
 */
export async function trimLogEntriesToBytes(db: HelmDb, maxBytes: number, batch = 10_000): Promise<number> {
  const result = await db.execute<{ id: string }>(sql`
    SELECT id FROM (
      SELECT id, sum(${entryBytes}) OVER (ORDER BY id DESC ROWS UNBOUNDED PRECEDING) AS kept
      FROM log_entries
    ) AS running
    WHERE kept > ${maxBytes}
    ORDER BY id DESC
    LIMIT 1`);
  const boundary = result.rows[0];
  return boundary === undefined ? 0 : deleteThrough(db, Number(boundary.id), batch);
}

/** The retention limits; each optional, all applied. */
export interface LogRetention {
  /** Entries received before this are deleted. */
  receivedBefore?: Date;
  /** At most this many entries are kept, the newest. */
  maxRows?: number;
  /** At most this many bytes of stored rows are kept, the newest. */
  maxBytes?: number;
}

/** Applies retention by age, then by row count, then by bytes; returns how many were deleted. */
export async function enforceLogRetention(db: HelmDb, retention: LogRetention): Promise<number> {
  let deleted = 0;
  if (retention.receivedBefore !== undefined) deleted += await purgeLogEntries(db, retention.receivedBefore);
  if (retention.maxRows !== undefined) deleted += await trimLogEntries(db, retention.maxRows);
  if (retention.maxBytes !== undefined) deleted += await trimLogEntriesToBytes(db, retention.maxBytes);
  return deleted;
}

/** How many entries are stored (status and tests). */
export async function countLogEntries(db: HelmDb, service?: string): Promise<number> {
  const query = db.select({ value: count() }).from(logEntries);
  const rows = service === undefined ? await query : await query.where(sql`${logEntries.serviceName} = ${service}`);
  return rows[0]?.value ?? 0;
}
