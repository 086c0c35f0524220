/**
 * Parsing what people type into ledger's forms. Money is a plain decimal string ("125", "125.5",
 * "125.00") turned into integer cents by string arithmetic, so no binary float ever rounds it;
 * exponents ("1e3"), signs, thousands separators and a third decimal are refused rather than guessed.
 */

/** The largest amount a form accepts: $1,000,000.00 (the JSON API's limit too). */
export const MAX_CENTS = 100_000_000;

const DECIMAL_2 = /^(\d{1,9})(?:\.(\d{1,2}))?$/;

/** Hundredths of a decimal with at most two places, or undefined when the text is not one. */
function hundredths(text: string): number | undefined {
  const match = DECIMAL_2.exec(text.trim());
  if (match === null) return undefined;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  return whole * 100 + fraction;
}

/** "125.00" → 12500 cents; undefined for anything that is not a non-negative amount ≤ $1,000,000.00. */
export function parseMoneyCents(text: string): number | undefined {
  const cents = hundredths(text);
  return cents === undefined || cents > MAX_CENTS ? undefined : cents;
}

/**
 * A quantity with at most two decimals (hours, terabytes) up to `max`, as a number whose
 * hundredths are exact (the engine converts it back with `toHundredths`).
 */
export function parseDecimal2(text: string, max = 100_000): number | undefined {
  const value = hundredths(text);
  return value === undefined || value > max * 100 ? undefined : value / 100;
}

/** Cents as the form shows them again ("12500" → "125.00"). */
export function centsText(cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
