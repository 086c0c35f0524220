/**
 * Money as integer cents. Prices are exact in the database (integer cents) and on the wire
 * (JSON integers); text such as "1,234.50" or "$75" becomes cents only through `parseMoney`,
 * which refuses anything with more than two decimals rather than rounding it silently.
 */

/** Cents from a decimal amount written by a person or a CSV file; undefined when it is not one. */
export function parseMoney(text: string): number | undefined {
  const cleaned = text.trim().replace(/^\$/, '').replaceAll(',', '');
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (match?.[1] === undefined) return undefined;
  const cents = (match[2] ?? '').padEnd(2, '0');
  return Number(match[1]) * 100 + Number(cents);
}

/** "1234.50" for 123450 cents: two decimals, no grouping, no currency sign (CSV and forms). */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(Math.trunc(cents));
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}

/** "$1,234.50" for people. */
export function displayCents(cents: number): string {
  const [whole = '0', fraction = '00'] = formatCents(cents).replace('-', '').split('.');
  return `${cents < 0 ? '-' : ''}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction}`;
}

/** A decimal number with at most two decimals (terabytes), as text; undefined when it is not one. */
export function parseDecimal2(text: string): string | undefined {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (match?.[1] === undefined) return undefined;
  return `${Number(match[1])}.${(match[2] ?? '').padEnd(2, '0')}`;
}
