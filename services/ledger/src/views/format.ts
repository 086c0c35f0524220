/**
 * Numbers on ledger's pages with thousands separators (`1,234`, `38,329.50 h`), in the server's one
 * fixed grouping so a page, a CSV and a test read the same figure. Money uses the engine's
 * `formatMoney` (`$1,234.56`). The SDK's shared `formatNumber` was not yet committed when these
 * pages were written; this is the same `Intl.NumberFormat` style, to be replaced by it.
 */
import { formatMoney } from '../engine/index.js';

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const twoPlaces = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** `1,234` */
export function formatCount(value: number): string {
  return whole.format(value);
}

/** Minutes as hours with two decimals: `2,310.50` for 138,630 minutes. */
export function formatHours(minutes: number): string {
  return twoPlaces.format(minutes / 60);
}

/** A decimal text of the engine (`1234.5`, `2.55`) grouped with two decimals, or as it is when it is not a number. */
export function formatDecimalText(text: string): string {
  return /^-?\d+(\.\d+)?$/.test(text) ? twoPlaces.format(Number(text)) : text;
}

/** Hundredths (of a TB) as `1,234.56`. */
export function formatHundredthsValue(hundredths: number): string {
  return twoPlaces.format(hundredths / 100);
}

/** A signed change: `+3`, `−2`, `+$120.00`, `no change`. */
export function formatChange(delta: number, format: (magnitude: number) => string): string {
  if (delta === 0) return 'no change';
  return `${delta > 0 ? '+' : '−'}${format(Math.abs(delta))}`;
}

/** A signed change of money. */
export function formatMoneyChange(cents: number): string {
  return formatChange(cents, formatMoney);
}
