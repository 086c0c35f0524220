/**
 * The logs viewer's query: filters applied in SQL (every value a bind parameter) and keyset
 * paging on ("timestamp", id), newest first, so page 1 000 costs what page 1 does. A correlation
 * id filter reads oldest first instead: it is a request's path across services, told in order.
 */
import { and, asc, desc, eq, gt, gte, ilike, inArray, lt, lte, or, type SQL } from 'drizzle-orm';
import type { HelmDb } from './logs.js';
import { logEntries, type LogEntryRow } from './schema.js';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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

function conditions(filter: LogFilter, ascending: boolean): SQL[] {
  const where: (SQL | undefined)[] = [];
  if (filter.service !== undefined) where.push(eq(logEntries.serviceName, filter.service));
  if (filter.level !== undefined) where.push(inArray(logEntries.level, LOG_LEVELS.slice(LOG_LEVELS.indexOf(filter.level))));
  if (filter.from !== undefined) where.push(gte(logEntries.timestamp, filter.from));
  if (filter.to !== undefined) where.push(lte(logEntries.timestamp, filter.to));
  if (filter.traceId !== undefined) where.push(eq(logEntries.traceId, filter.traceId));
  if (filter.text !== undefined && filter.text !== '') where.push(ilike(logEntries.message, likeLiteral(filter.text)));
  if (filter.sinceId !== undefined) where.push(gt(logEntries.id, filter.sinceId));
  const after = filter.after;
  if (after !== undefined) {
    const beyond = ascending ? gt : lt;
    where.push(or(beyond(logEntries.timestamp, after.timestamp), and(eq(logEntries.timestamp, after.timestamp), beyond(logEntries.id, after.id))));
  }
  return where.filter((condition): condition is SQL => condition !== undefined);
}

/** One page of entries and the cursor of the next page (null on the last). */
export interface LogPage {
  entries: LogEntryRow[];
  next: LogCursor | null;
}

/** Reads one page of `limit` entries matching `filter`. */
export async function queryLogs(db: HelmDb, filter: LogFilter, limit: number): Promise<LogPage> {
  const ascending = filter.traceId !== undefined || filter.sinceId !== undefined;
  const order = ascending ? [asc(logEntries.timestamp), asc(logEntries.id)] : [desc(logEntries.timestamp), desc(logEntries.id)];
  const rows = await db
    .select()
    .from(logEntries)
    .where(and(...conditions(filter, ascending)))
    .orderBy(...order)
    .limit(limit + 1);
  const entries = rows.slice(0, limit);
  const last = entries.at(-1);
  return { entries, next: rows.length > limit && last !== undefined ? { timestamp: last.timestamp, id: last.id } : null };
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
