/** The logs viewer's query string, shared by the page, `GET /api/logs` and the live stream. */
import { z } from 'zod';
import { decodeCursor, LOG_LEVELS } from '../../db/index.js';
import type { LogFilter } from '../../db/index.js';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((value) => (value === '' ? undefined : value));
const optionalDate = z
  .string()
  .trim()
  .optional()
  .transform((value, context) => {
    if (value === undefined || value === '') return undefined;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      context.addIssue({ code: 'custom', message: 'not a date' });
      return z.NEVER;
    }
    return date;
  });

/** The time-range presets of the filter bar; `from` (an exact time) wins over a preset. */
export const RANGE_PRESETS = {
  '15m': 15 * 60_000,
  '1h': 60 * 60_000,
  '24h': 24 * 60 * 60_000,
  '7d': 7 * 24 * 60 * 60_000,
} as const;
export type RangePreset = keyof typeof RANGE_PRESETS;
const RANGE_NAMES = Object.keys(RANGE_PRESETS) as [RangePreset, ...RangePreset[]];

export const logQuerySchema = z.object({
  service: optionalText(50),
  range: z.enum(RANGE_NAMES).or(z.literal('')).optional(),
  level: z.enum(LOG_LEVELS).or(z.literal('')).optional(),
  from: optionalDate,
  to: optionalDate,
  trace_id: optionalText(200),
  q: optionalText(500),
  after: z.string().max(60).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type LogQuery = z.infer<typeof logQuerySchema>;

/** The filter a query string describes; a range preset counts back from `now`. */
export function filterOf(query: LogQuery, now: Date = new Date()): LogFilter {
  const filter: LogFilter = {};
  if (query.service !== undefined) filter.service = query.service;
  if (query.level !== undefined && query.level !== '') filter.level = query.level;
  if (query.from !== undefined) filter.from = query.from;
  else if (query.range !== undefined && query.range !== '')
    filter.from = new Date(now.getTime() - RANGE_PRESETS[query.range]);
  if (query.to !== undefined) filter.to = query.to;
  if (query.trace_id !== undefined) filter.traceId = query.trace_id;
  if (query.q !== undefined) filter.text = query.q;
  const after = decodeCursor(query.after);
  if (after !== undefined) filter.after = after;
  return filter;
}

/** The query string back, for links (empty values left out). */
export function linkQuery(query: LogQuery): Record<string, string | undefined> {
  return {
    service: query.service,
    range: query.range === '' ? undefined : query.range,
    level: query.level === '' ? undefined : query.level,
    from: query.from?.toISOString(),
    to: query.to?.toISOString(),
    trace_id: query.trace_id,
    q: query.q,
  };
}
