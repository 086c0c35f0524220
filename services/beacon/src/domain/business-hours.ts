/**
 * Business time: how many minutes of the MSP's working week lie between two instants. SLA clocks
 * that pause overnight, at weekends and on holidays are what MSPs sell; with no calendar the clock
 * runs round the clock. Pure functions of their inputs (no clock, no environment).
 */

/** A working week: open on `days` (0 = Sunday … 6 = Saturday) from `start` to `end` minutes after local midnight. */
export interface BusinessCalendar {
  /** IANA time zone the hours and holidays are in. */
  timeZone: string;
  days: readonly number[];
  /** Minutes after local midnight, e.g. 480 for 08:00. */
  startMinute: number;
  /** Minutes after local midnight, after `startMinute`, e.g. 1080 for 18:00. */
  endMinute: number;
  /** Local dates (`YYYY-MM-DD`) on which the desk is closed. */
  holidays: readonly string[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Past this many calendar days the answer is far beyond any SLA threshold; stop counting. */
const MAX_DAYS = 400;

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** The wall-clock parts of `at` in `timeZone`. */
function partsOf(at: number, timeZone: string): LocalDate & { hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(at))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The zone's offset from UTC at `at`, in milliseconds. */
function offsetAt(at: number, timeZone: string): number {
  const p = partsOf(at, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at / 1000) * 1000;
}

/** The instant at which the wall clock in `timeZone` shows `minute` minutes past midnight of `date`. */
export function zonedInstant(date: LocalDate, minute: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minute * MINUTE;
  // Two passes settle the offset, also next to a daylight-saving change.
  let guess = wall - offsetAt(wall, timeZone);
  guess = wall - offsetAt(guess, timeZone);
  return guess;
}

function isoDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

function nextDate(date: LocalDate): LocalDate {
  const next = new Date(Date.UTC(date.year, date.month - 1, date.day) + DAY);
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

/**
 * Milliseconds of business time in [from, to); negative when `to` is before `from`. Without a
 * calendar, the plain difference.
 */
export function businessMs(from: Date, to: Date, calendar: BusinessCalendar | null): number {
  const a = from.getTime();
  const b = to.getTime();
  if (calendar === null) return b - a;
  if (b < a) return -businessMs(to, from, calendar);
  const holidays = new Set(calendar.holidays);
  const open = new Set(calendar.days);
  let date: LocalDate = partsOf(a, calendar.timeZone);
  let total = 0;
  for (let i = 0; i < MAX_DAYS; i += 1) {
    const dayStart = zonedInstant(date, 0, calendar.timeZone);
    if (dayStart >= b) break;
    const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
    if (open.has(weekday) && !holidays.has(isoDate(date))) {
      const opens = zonedInstant(date, calendar.startMinute, calendar.timeZone);
      const closes = zonedInstant(date, calendar.endMinute, calendar.timeZone);
      total += Math.max(0, Math.min(b, closes) - Math.max(a, opens));
    }
    date = nextDate(date);
  }
  return total;
}

/** Parses `HH:MM` into minutes after midnight, or undefined. */
export function parseClock(text: string): number | undefined {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  if (match === null) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 1440 ? minutes : undefined;
}
