/**
 * The logs viewer's query: filters applied in SQL (every value a bind parameter) and keyset
 * paging on ("timestamp", id), newest first, so page 1 000 costs what page 1 does. A correlation
 * id filter reads oldest first instead: it is a request's path across services, told in order.
 */
import { and, asc, desc, eq, gt, gte, ilike, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { HELM_LEVELS, type HelmLevel } from '@hivematrix/sdk';
import type { HelmDb } from './logs.js';
import { logEntries, type LogEntryRow } from './schema.js';

/** Helm's level names, lowest first (the SDK's table). */
export const LOG_LEVELS = HELM_LEVELS;
export type LogLevel = HelmLevel;

/** Whether a stored level is one of helm's five (the column is text: a row may hold another). */
export function isLogLevel(value: string): value is LogLevel {
  return LOG_LEVELS.some((level) => level === value);
}

/** A position in the listing: the last row shown. */
export interface LogCursor {
  timestamp: Date;
  id: number;
}

/** What the viewer filters on; every field optional. */
export interface LogFilter {
  service?: string;
  /** The lowest level shown (WARNING shows WARNING, ERROR and CRITICAL). */
  level?: LogLevel;
  from?: Date;
  to?: Date;
  traceId?: string;
  /** Text the message contains, case-insensitive, taken literally (no wildcards). */
  text?: string;
  /** Rows after this one in the listing's order. */
  after?: LogCursor;
  /** Only rows with an id above this (the live follow). */
  sinceId?: number;
}

/** `%`, `_` and `\` are LIKE wildcards and escape; a search for them means the characters. */
function likeLiteral(text: string): string {
  return `%${text.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
}

/** The columns the filters read: the table's, or the same columns of a subquery over it. */
type LogColumns = Record<'id' | 'timestamp' | 'serviceName' | 'level' | 'message' | 'traceId', PgColumn>;

/** The WHERE conditions of `filter` (shared with the histogram, log-histogram.ts). */
export function conditions(filter: LogFilter, ascending: boolean, columns: LogColumns = logEntries): SQL[] {
  const where: (SQL | undefined)[] = [];
  if (filter.service !== undefined) where.push(eq(columns.serviceName, filter.service));
  if (filter.level !== undefined)
    where.push(inArray(columns.level, LOG_LEVELS.slice(LOG_LEVELS.indexOf(filter.level))));
  if (filter.from !== undefined) where.push(gte(columns.timestamp, filter.from));
  if (filter.to !== undefined) where.push(lte(columns.timestamp, filter.to));
  if (filter.traceId !== undefined) where.push(eq(columns.traceId, filter.traceId));
  if (filter.text !== undefined && filter.text !== '') where.push(ilike(columns.message, likeLiteral(filter.text)));
  if (filter.sinceId !== undefined) where.push(gt(columns.id, filter.sinceId));
  const after = filter.after;
  if (after !== undefined) {
    const beyond = ascending ? gt : lt;
    // The plain bound on "timestamp" is implied by the OR, but only it can start an index scan at
    // the cursor: without it a page half a million rows deep read those rows first (190 ms).
    where.push((ascending ? gte : lte)(columns.timestamp, after.timestamp));
    where.push(
      or(
        beyond(columns.timestamp, after.timestamp),
        and(eq(columns.timestamp, after.timestamp), beyond(columns.id, after.id)),
      ),
    );
  }
  return where.filter((condition): condition is SQL => condition !== undefined);
}

/** One page of entries and the cursor of the next page (null on the last). */
export interface LogPage {
  entries: LogEntryRow[];
  next: LogCursor | null;
}

/**
 * How many of the newest rows (within the time range) a text search reads before it changes plan.
 * Reading them along the time index costs a few milliseconds; a word that fills a page within them
 * is common enough that this is the fastest answer.
 */
export const RECENT_WINDOW = 10_000;

function orderOf(ascending: boolean) {
  return ascending
    ? [asc(logEntries.timestamp), asc(logEntries.id)]
    : [desc(logEntries.timestamp), desc(logEntries.id)];
}

function pageOf(rows: LogEntryRow[], limit: number): LogPage {
  const entries = rows.slice(0, limit);
  const last = entries.at(-1);
  return {
    entries,
    next: rows.length > limit && last !== undefined ? { timestamp: last.timestamp, id: last.id } : null,
  };
}

/**
 * Reads one page of `limit` entries matching `filter`.
 *
 * Without a text filter every filter has an index that reads rows in the listing's order (time;
 * service and time; service, level and time; correlation id), so the planner's plan stops after a
 * page. Text is the hard case: PostgreSQL cannot know how often a word occurs alongside a service
 * or level, and when it guesses "often" but the answer is "never" it walks the whole table along
 * the time index (measured: 0.77 s over 1 000 000 rows). So a text search goes in two steps:
 * 1. the newest `recentWindow` rows of the range, filtered: bounded work, and enough for a common
 *    word;
 * 2. if that did not fill the page, the rows beyond the window with plain index scans disabled for
 *    the statement, which leaves bitmap scans: the trigram index (which holds the service too, see
 *    migration 0005) intersected with a level index, whose cost is bounded by how many rows contain
 *    the text, not by the table size.
 * bench/helm-logs.ts measures both steps over 1 000 000 rows.
 */
export async function queryLogs(
  db: HelmDb,
  filter: LogFilter,
  limit: number,
  recentWindow = RECENT_WINDOW,
): Promise<LogPage> {
  const ascending = filter.traceId !== undefined || filter.sinceId !== undefined;
  const textSearch = filter.text !== undefined && filter.text !== '' && !ascending;
  if (!textSearch) {
    const rows = await db
      .select()
      .from(logEntries)
      .where(and(...conditions(filter, ascending)))
      .orderBy(...orderOf(ascending))
      .limit(limit + 1);
    return pageOf(rows, limit);
  }

  // Step 1: the window is the range and cursor alone, read along ("timestamp", id).
  const { from, to, after, ...rest } = filter;
  const range: LogFilter = {};
  if (from !== undefined) range.from = from;
  if (to !== undefined) range.to = to;
  if (after !== undefined) range.after = after;
  const recent = db
    .select()
    .from(logEntries)
    .where(and(...conditions(range, false)))
    .orderBy(...orderOf(false))
    .limit(recentWindow)
    .as('recent');
  const rows: LogEntryRow[] = await db
    .select()
    .from(recent)
    .where(and(...conditions(rest, false, recent)))
    .orderBy(desc(recent.timestamp), desc(recent.id))
    .limit(limit + 1);
  if (rows.length > limit) return pageOf(rows, limit);

  // The window's last row: step 2 continues after it, or there is nothing beyond the window.
  const [edge] = await db
    .select({ timestamp: logEntries.timestamp, id: logEntries.id })
    .from(logEntries)
    .where(and(...conditions(range, false)))
    .orderBy(...orderOf(false))
    .offset(recentWindow - 1)
    .limit(1);
  if (edge === undefined) return pageOf(rows, limit);

  const older = await db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL enable_indexscan = off`);
    return tx
      .select()
      .from(logEntries)
      .where(and(...conditions({ ...filter, after: edge }, false)))
      .orderBy(...orderOf(false))
      .limit(limit + 1 - rows.length);
  });
  return pageOf([...rows, ...older], limit);
}

/** `2026-11-25T12:00:00.000Z_42`: a cursor as a URL parameter. */
export function encodeCursor(cursor: LogCursor): string {
  return `${cursor.timestamp.toISOString()}_${cursor.id}`;
}

/** The inverse of `encodeCursor`; undefined for anything malformed. */
export function decodeCursor(text: string | undefined): LogCursor | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)_(\d{1,15})$/.exec(text ?? '');
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  const timestamp = new Date(match[1]);
  return Number.isNaN(timestamp.getTime()) ? undefined : { timestamp, id: Number(match[2]) };
}
