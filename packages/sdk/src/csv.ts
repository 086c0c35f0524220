/**
 * Writing CSV as RFC 4180 defines it (commas, CRLF record ends, a field holding a comma, quote,
 * line break or edge whitespace quoted, a quote inside doubled), for every export of the platform.
 *
 * A text cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR)
 * gets a leading apostrophe (OWASP "CSV injection"), except a plain decimal number such as
 * `-12.50`, which is data. A reader that wants the values back removes exactly that apostrophe
 * (see `CSV_FORMULA_START`).
 */

/** What makes a cell a formula to a spreadsheet. */
export const CSV_FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** One cell as written to a file; null and undefined are empty. */
export function formatCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && CSV_FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, ending with CRLF. */
export function formatCsvRow(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(formatCell).join(',')}\r\n`;
}

/** A whole document: a header row and one row per record, CRLF line ends, ending with CRLF. */
export function formatCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
): string {
  return [header, ...rows].map(formatCsvRow).join('');
}
