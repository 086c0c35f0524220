/**
 * Exact money arithmetic. Amounts are integer cents; fractional quantities (hours, terabytes) are
 * carried as integers in a finer unit, so no binary float ever touches an amount.
 */

/** Integer cents. */
export type Cents = number;

/**
 * `numerator / denominator` rounded half-up (half away from zero) to an integer, exactly, with
 * BigInt so that large products never lose precision.
 */
export function divRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const rounded = (2n * magnitude + denominator) / (2n * denominator);
  return negative ? -rounded : rounded;
}

/** A BigInt that must fit a JavaScript number exactly, as a number. */
export function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError('amount out of range');
  }
  return Number(value);
}

/** Cents as a plain decimal string with two places (`1234` → `12.34`), as invoices print them. */
export function formatCents(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const magnitude = Math.abs(cents);
  return `${sign}${Math.trunc(magnitude / 100)}.${String(magnitude % 100).padStart(2, '0')}`;
}

/** Cents for people to read: `$1,234.56` (files for machines, like the CSVs, use `formatCents`). */
export function formatMoney(cents: Cents): string {
  const [whole = '0', fraction = '00'] = formatCents(cents).split('.');
  const negative = whole.startsWith('-');
  const digits = negative ? whole.slice(1) : whole;
  return `${negative ? '-' : ''}$${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction}`;
}

/** A hundredths count as a decimal string (`255` → `2.55`), for hours and terabytes. */
export function formatHundredths(hundredths: number): string {
  return formatCents(hundredths);
}

/**
 * A decimal given with at most two places (prepaid hours, included TB) as an integer count of
 * hundredths. Rounds half-up, so a value typed as 2.005 becomes 2.01.
 */
export function toHundredths(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError('not a finite number');
  return Math.sign(value) * Math.round(Math.abs(value) * 100);
}
