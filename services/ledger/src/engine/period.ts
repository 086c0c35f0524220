/**
 * Billing periods. A month runs from its first day 00:00 to the next month's first day 00:00 in the
 * platform's time zone; time entries carry the calendar date of the work in that zone, so a month
 * is simply the dates `YYYY-MM-01` … last day.
 */

/** A billing month. */
export interface Period {
  readonly year: number;
  readonly month: number; // 1–12
}

/** `YYYY-MM` for a period. */
export function periodKey(period: Period): string {
  return `${String(period.year).padStart(4, '0')}-${String(period.month).padStart(2, '0')}`;
}

/** Parses `YYYY-MM` (throws on anything else). */
export function parsePeriod(key: string): Period {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
  if (match === null) throw new RangeError(`not a month: ${key}`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

/** Months from `a` to `b` (positive when `b` is later). */
export function monthsBetween(a: Period, b: Period): number {
  return (b.year - a.year) * 12 + (b.month - a.month);
}

/** The period `n` months after `period` (negative to go back). */
export function addMonths(period: Period, n: number): Period {
  const index = period.year * 12 + (period.month - 1) + n;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** The last calendar day of a month, `YYYY-MM-DD`. */
export function lastDayOf(period: Period): string {
  const days = new Date(Date.UTC(period.year, period.month, 0)).getUTCDate();
  return `${periodKey(period)}-${String(days).padStart(2, '0')}`;
}

/** True when the calendar date `YYYY-MM-DD` lies in the month. */
export function dateInPeriod(date: string, period: Period): boolean {
  return date.slice(0, 7) === periodKey(period);
}

/**
 * The calendar date (`YYYY-MM-DD`) of an instant in a time zone, via Intl (IANA zone names), for
 * callers that hold instants rather than dates.
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

/**
 * The UTC instants where a month starts and ends (exclusive) in a time zone: the first day 00:00
 * local to the next month's first day 00:00 local. Found by correcting the UTC guess by the zone's
 * offset at that moment (twice, for offsets that change near midnight).
 */
export function monthWindow(period: Period, timeZone: string): { start: Date; end: Date } {
  return { start: localMidnight(period, timeZone), end: localMidnight(addMonths(period, 1), timeZone) };
}

function localMidnight(period: Period, timeZone: string): Date {
  const wall = Date.UTC(period.year, period.month - 1, 1);
  let guess = wall;
  for (let i = 0; i < 2; i += 1) guess = wall - offsetAt(new Date(guess), timeZone);
  return new Date(guess);
}

function offsetAt(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const get = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? '0');
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The first month of the prepaid year that contains `period`: the contract's anniversary month when
 * a contract start (`YYYY-MM-DD`) is known and not later than the period, else January.
 */
export function prepaidYearStart(period: Period, contractStart: string | null): Period {
  if (contractStart !== null) {
    const start = parsePeriod(contractStart.slice(0, 7));
    const elapsed = monthsBetween(start, period);
    if (elapsed >= 0) return addMonths(start, elapsed - (elapsed % 12));
  }
  return { year: period.year, month: 1 };
}
