/**
 * Numbers, money and instants for people, the same on every page.
 *
 * Numbers and money are grouped with thousands separators on the server (`1,234`, `$1,234.50`),
 * in one fixed style: a figure must read the same on a bill, in a CSV export and on screen, and
 * every amount is in the platform's one currency. Instants are different: a reader wants them in
 * their own locale and time zone, which only the browser knows. `DateTime` therefore renders a
 * `<time datetime="…ISO…">` with a plain UTC text that is right without JavaScript, and the design
 * system's `components.js` rewrites that text with `Intl.DateTimeFormat` in `navigator.language`
 * (progressive enhancement; the UTC text stays in the `title`).
 *
 * Each component has a plain-string twin (`formatNumber`, `formatMoney`, `formatDateTime`,
 * `formatCount`) for titles, `aria-label`s and template strings.
 */
import type { JSX } from 'preact';
import { classNames } from './components.js';

/** The server's grouping: fixed, so tests, CSV exports and screens agree. */
const SERVER_LOCALE = 'en-US';

const integerFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(minimumFractionDigits: number, maximumFractionDigits: number): Intl.NumberFormat {
  const key = `${minimumFractionDigits}:${maximumFractionDigits}`;
  let format = integerFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(SERVER_LOCALE, { minimumFractionDigits, maximumFractionDigits, useGrouping: true });
    integerFormats.set(key, format);
  }
  return format;
}

export interface NumberFormatOptions {
  /** Fixed number of decimals (e.g. 2 for hours); default: up to 2, none when whole. */
  decimals?: number;
}

function clampDecimals(decimals: number): number {
  return Math.min(20, Math.max(0, Math.trunc(decimals)));
}

/**
 * `1,234,567` for 1234567; `1,234.5` for 1234.5; `—` for null, undefined, NaN or infinities.
 * Numeric strings (Postgres `numeric` columns arrive as text) are accepted.
 */
export function formatNumber(
  value: number | bigint | string | null | undefined,
  options: NumberFormatOptions = {},
): string {
  const parsed = toNumeric(value);
  if (parsed === undefined) return '—';
  const min = options.decimals === undefined ? 0 : clampDecimals(options.decimals);
  const max = options.decimals === undefined ? 2 : min;
  return numberFormat(min, max).format(parsed);
}

function toNumeric(value: number | bigint | string | null | undefined): number | bigint | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (!/^-?\d+(\.\d+)?$/.test(trimmed)) return undefined;
    const parsed = Number(trimmed);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return Number.isFinite(value) ? value : undefined;
}

/**
 * `1 company`, `1,234 companies`: the count grouped, with the noun that fits. `plural` defaults
 * to the singular with an `s`.
 */
export function formatCount(count: number | bigint, singular: string, plural = `${singular}s`): string {
  const one = typeof count === 'bigint' ? count === 1n : count === 1;
  return `${formatNumber(count)} ${one ? singular : plural}`;
}

/**
 * `$1,234.50` for 123450 cents, `-$12.00` for -1200. Whole cents only (integers or bigints), so the
 * text is exact; a fraction of a cent is refused with `—` rather than rounded silently.
 */
export function formatMoney(cents: number | bigint | null | undefined, currencySymbol = '$'): string {
  if (cents === null || cents === undefined) return '—';
  if (typeof cents === 'number' && !Number.isSafeInteger(cents)) return '—';
  const big = BigInt(cents);
  const negative = big < 0n;
  const absolute = negative ? -big : big;
  const whole = numberFormat(0, 0).format(absolute / 100n);
  const fraction = String(absolute % 100n).padStart(2, '0');
  return `${negative ? '-' : ''}${currencySymbol}${whole}.${fraction}`;
}

export interface NumProps extends NumberFormatOptions {
  value: number | bigint | string | null | undefined;
  /** A unit after the number, e.g. `TB` or `h` (separated by a space). */
  unit?: string;
  class?: string;
}

/** A number with thousands separators in a `<data value>` (machine-readable, tabular figures). */
export function Num({ value, unit, decimals, class: extra }: NumProps): JSX.Element {
  const text = formatNumber(value, decimals === undefined ? {} : { decimals });
  if (text === '—') return <span class={classNames('num', extra)}>—</span>;
  return (
    <data class={classNames('num', extra)} value={String(value).trim()}>
      {unit === undefined ? text : `${text} ${unit}`}
    </data>
  );
}

export interface MoneyProps {
  /** Integer cents. */
  cents: number | bigint | null | undefined;
  class?: string;
}

/** An amount of money (`$1,234.50`) in a `<data value="1234.50">`. */
export function Money({ cents, class: extra }: MoneyProps): JSX.Element {
  const text = formatMoney(cents);
  if (text === '—') return <span class={classNames('num', 'money', extra)}>—</span>;
  return (
    <data class={classNames('num', 'money', extra)} value={text.replace(/[$,]/g, '')}>
      {text}
    </data>
  );
}

/**
 * How much of an instant to show: `datetime` to the minute, `date`, `time`, or `precise` to the
 * millisecond (log entries, where the order within a second matters).
 */
export type DateTimeStyle = 'datetime' | 'date' | 'time' | 'precise';

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface ParsedInstant {
  /** The `datetime` attribute: full ISO for instants, `YYYY-MM-DD` for calendar dates. */
  iso: string;
  /** The server's text, in UTC. */
  text: string;
  /** A calendar date has no time zone: the browser must not move it to the day before. */
  calendar: boolean;
}

function parseInstant(value: Date | string | number, style: DateTimeStyle): ParsedInstant | undefined {
  if (typeof value === 'string') {
    const calendar = CALENDAR_DATE.exec(value.trim());
    if (calendar !== null) {
      const date = new Date(`${value.trim()}T00:00:00Z`);
      if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value.trim()) return undefined;
      return { iso: value.trim(), text: value.trim(), calendar: true };
    }
  }
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return undefined;
  const iso = date.toISOString();
  const day = iso.slice(0, 10);
  const minute = iso.slice(11, 16);
  const texts: Record<DateTimeStyle, string> = {
    datetime: `${day} ${minute} UTC`,
    date: day,
    time: `${minute} UTC`,
    precise: `${day} ${iso.slice(11, 23)} UTC`,
  };
  const text = texts[style];
  return { iso, text, calendar: false };
}

/**
 * The server's text of an instant: `2026-11-25 12:00 UTC` (`datetime`), `2026-11-25` (`date`),
 * `12:00 UTC` (`time`) or `2026-11-25 12:00:05.123 UTC` (`precise`); a calendar date string
 * (`2026-11-25`) stays as it is; `—` when empty.
 */
export function formatDateTime(
  value: Date | string | number | null | undefined,
  style: DateTimeStyle = 'datetime',
): string {
  if (value === null || value === undefined || value === '') return '—';
  return parseInstant(value, style)?.text ?? (typeof value === 'string' ? value : '—');
}

export interface DateTimeProps {
  /** A `Date`, an ISO string, epoch milliseconds, or a calendar date `YYYY-MM-DD`. */
  value: Date | string | number | null | undefined;
  /** Default `datetime`. */
  style?: DateTimeStyle;
  /** Shown when there is no value; default `—`. */
  empty?: string;
  class?: string;
}

/**
 * `<time datetime="2026-11-25T12:00:00.000Z" data-hm-format="datetime">2026-11-25 12:00 UTC</time>`:
 * right without JavaScript, and rewritten in the reader's locale and time zone by `components.js`.
 * A string that is not a date is shown as it is (escaped), so nothing the source said is lost.
 */
export function DateTime({ value, style = 'datetime', empty = '—', class: extra }: DateTimeProps): JSX.Element {
  if (value === null || value === undefined || value === '') return <span class={extra}>{empty}</span>;
  const parsed = parseInstant(value, style);
  if (parsed === undefined) return <span class={extra}>{typeof value === 'string' ? value : empty}</span>;
  return (
    <time
      class={classNames('datetime', extra)}
      datetime={parsed.iso}
      data-hm-format={parsed.calendar ? 'date' : style}
      data-hm-calendar={parsed.calendar ? 'true' : undefined}
    >
      {parsed.text}
    </time>
  );
}
