/**
 * Figures on ledger's pages, grouped with thousands separators by the SDK's `formatNumber` (one
 * fixed grouping, so a page, a CSV and a test read the same figure): hours, TB and signed changes.
 */
import { formatMoney, formatNumber } from '@hivematrix/sdk/html';

/** `1,234` */
export function formatCount(value: number): string {
  return formatNumber(value);
}

/** Minutes as hours with two decimals: `2,310.50` for 138,630 minutes. */
export function formatHours(minutes: number): string {
  return formatNumber(minutes / 60, { decimals: 2 });
}

/** A decimal text of the engine (`1234.5`, `2.55`) grouped with two decimals (`—` when it is not a number). */
export function formatDecimalText(text: string): string {
  return formatNumber(text, { decimals: 2 });
}

/** Hundredths (of a TB) as `1,234.56`. */
export function formatHundredthsValue(hundredths: number): string {
  return formatNumber(hundredths / 100, { decimals: 2 });
}

/** A signed change: `+3`, `−2`, `+$120.00`, `no change`. */
export function formatChange(delta: number, format: (magnitude: number) => string): string {
  if (delta === 0) return 'no change';
  return `${delta > 0 ? '+' : '−'}${format(Math.abs(delta))}`;
}

/** A signed change of money. */
export function formatMoneyChange(cents: number): string {
  return formatChange(cents, (magnitude) => formatMoney(magnitude));
}
