/**
 * CSV as RFC 4180 defines it: fields separated by commas, records by CRLF (LF accepted), fields
 * holding a comma, quote or line break enclosed in double quotes, a quote inside doubled. Writing
 * is the SDK's (`formatCell`, `formatCsv`), which puts an apostrophe before a cell a spreadsheet
 * would run as a formula; parsing here removes exactly that apostrophe again, so an export read
 * back gives the same values.
 */
import { AppError, CSV_FORMULA_START } from '@hivematrix/sdk';

export { formatCell, formatCsv } from '@hivematrix/sdk';

/** Undoes the formula guard of `formatCell`: `'=x` reads as `=x`; any other text is untouched. */
function unguard(cell: string): string {
  return cell.startsWith("'") && CSV_FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/**
 * Parses a document into rows of cells. A leading byte-order mark is ignored, blank lines are
 * skipped, an unterminated quote is a `validation_failed` error naming the line.
 */
export function parseCsv(text: string): string[][] {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  let i = 0;
  const endCell = (): void => {
    row.push(unguard(cell));
    cell = '';
  };
  const endRow = (): void => {
    endCell();
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  };
  while (i < input.length) {
    const char = input[i] as string;
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (char === '"') quoted = false;
      else {
        if (char === '\n') line += 1;
        cell += char;
      }
      i += 1;
      continue;
    }
    if (char === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
    } else if (char === ',') endCell();
    else if (char === '\r' && input[i + 1] === '\n') {
      endRow();
      line += 1;
      i += 1;
    } else if (char === '\n' || char === '\r') {
      endRow();
      line += 1;
    } else cell += char;
    i += 1;
  }
  if (quoted) throw new AppError('validation_failed', `CSV: the quote opened on line ${quoteLine} is never closed.`);
  if (cell !== '' || row.length > 0) endRow();
  return rows;
}

/**
 * Rows as records keyed by the header's names (trimmed, lower-case). Each record carries its line
 * number for error messages; a row with a different number of cells than the header is an error.
 */
export function csvRecords(text: string): { line: number; values: Record<string, string> }[] {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) return [];
  const names = header.map((name) => name.trim().toLowerCase());
  return rows.map((cells, index) => {
    if (cells.length !== names.length) {
      throw new AppError(
        'validation_failed',
        `CSV: row ${index + 2} has ${cells.length} cells, the header has ${names.length}.`,
      );
    }
    return { line: index + 2, values: Object.fromEntries(names.map((name, column) => [name, cells[column] ?? ''])) };
  });
}
