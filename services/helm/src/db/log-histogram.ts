/**
 * The logs page's histogram: how many entries of each level fall in each of `buckets` equal slices
 * of a time range, under the viewer's other filters. One grouped query over the time index (the
 * range bounds it), so its cost follows the entries in the range, not the table.
 */
import { and, sql } from 'drizzle-orm';
import { conditions, isLogLevel, type LogFilter, type LogLevel } from './log-query.js';
import type { HelmDb } from './logs.js';
import { logEntries } from './schema.js';

/** One slice of the range. */
export interface HistogramBucket {
  start: Date;
  counts: Record<LogLevel, number>;
  total: number;
}

/** The histogram of a range. */
export interface LogHistogram {
  from: Date;
  to: Date;
  bucketMs: number;
  buckets: HistogramBucket[];
}

const emptyCounts = (): Record<LogLevel, number> => ({ DEBUG: 0, INFO: 0, WARNING: 0, ERROR: 0, CRITICAL: 0 });

/**
 * Counts entries by level in `buckets` slices of [from, to] matching `filter` (its own time bounds,
 * cursor and live-follow position are replaced by the range). Levels outside the known five are
 * not drawn (ingest accepts only those five).
 */
export async function logHistogram(
  db: HelmDb,
  filter: LogFilter,
  from: Date,
  to: Date,
  buckets = 30,
): Promise<LogHistogram> {
  const span = Math.max(to.getTime() - from.getTime(), 1);
  const bucketMs = Math.ceil(span / buckets);
  const { after: _after, sinceId: _sinceId, ...rest } = filter;
  const where = conditions({ ...rest, from, to }, false);
  const slice = sql<number>`least(floor(extract(epoch from (${logEntries.timestamp} - ${from.toISOString()}::timestamptz)) * 1000 / ${bucketMs})::int, ${buckets - 1})`;
  const rows = await db
    .select({
      bucket: slice.mapWith(Number),
      level: logEntries.level,
      count: sql<number>`count(*)::int`.mapWith(Number),
    })
    .from(logEntries)
    .where(and(...where))
    .groupBy(sql`1`, logEntries.level);
  const result: HistogramBucket[] = Array.from({ length: buckets }, (_, index) => ({
    start: new Date(from.getTime() + index * bucketMs),
    counts: emptyCounts(),
    total: 0,
  }));
  for (const row of rows) {
    const bucket = result[row.bucket];
    if (bucket === undefined || !isLogLevel(row.level)) continue;
    bucket.counts[row.level] += row.count;
    bucket.total += row.count;
  }
  return { from, to, bucketMs, buckets: result };
}
