/** Durations, months and calendar dates as billing needs them. */
import { AppError } from '@hivematrix/sdk';

/**
 * Minutes from a PSA duration: Freshservice writes `time_spent` as "hh:mm" (sometimes
 * "hh:mm:ss"); seconds are rounded to the nearest minute. Undefined when it is not a duration.
 */
export function parseDurationMinutes(text: string): number | undefined {
  const match = /^(\d{1,5}):([0-5]\d)(?::([0-5]\d))?$/.exec(text.trim());
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return Number(match[1]) * 60 + Number(match[2]) + Math.round(Number(match[3] ?? 0) / 60);
}

/** A month "YYYY-MM" as its first day and the first day of the next month (half-open range). */
export function monthRange(month: string): { from: string; to: string } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (match?.[1] === undefined || match[2] === undefined)
    throw new AppError('validation_failed', 'month must look like 2026-10');
  const year = Number(match[1]);
  const index = Number(match[2]);
  const next = index === 12 ? `${year + 1}-01` : `${year}-${String(index + 1).padStart(2, '0')}`;
  return { from: `${month}-01`, to: `${next}-01` };
}

/**
 * The calendar date (YYYY-MM-DD) of an instant in a time zone: an entry worked at 23:30 in
 * Chicago on 31 October belongs to October, though it is already November in UTC.
 */
export function localDate(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const get = (type: string): string => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** An instant from a vendor value (ISO text or epoch milliseconds), or null when it is not one. */
export function toInstant(value: unknown): Date | null {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return new Date(value);
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? null : parsed;
  }
  return null;
}

/** A calendar date "YYYY-MM-DD" from a vendor value (a date or the date part of an instant), or null. */
export function toDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(value.trim());
  if (match?.[1] === undefined) return null;
  return Number.isNaN(new Date(`${match[1]}T00:00:00Z`).getTime()) ? null : match[1];
}
