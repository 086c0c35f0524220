/**
 * ZIP archives of invoices, written by yazl (UTF-8 names, deflate, DOS timestamps only, so the bytes
 * do not depend on the machine's time zone). Every entry name is sanitised here, whatever its
 * caller did: names are built from data that came from the PSA/RMM (company names, account
 * numbers), and a name such as `../x` or `/etc/x` would make an extractor write outside its folder
 * (ZIP slip). A sanitised name is one plain file name: letters, digits, `.`, `_` and `-`, no path
 * separator, not starting with a dot, unique in the archive.
 */
import yazl from 'yazl';

export interface ZipEntry {
  name: string;
  data: Buffer | string;
}

const MAX_NAME_LENGTH = 120;

/**
 * `text` as a part of a file name: every run of characters other than letters, digits (any
 * script), combining marks, `.`, `_` and `-` becomes `_`; leading dots, underscores and dashes go
 * (no hidden files, no `..`); empty → `fallback`.
 */
export function fileNamePart(text: string, fallback = 'file', maxLength = 80): string {
  const cleaned = text
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}\p{M}._-]+/gu, '_')
    .replace(/^[._-]+/u, '');
  return [...cleaned].slice(0, maxLength).join('') || fallback;
}

/** A safe entry name: a short extension (`.csv`, `.pdf`) is kept, the rest sanitised as one part. */
export function zipEntryName(name: string): string {
  const extension = /\.([A-Za-z0-9]{1,10})$/.exec(name);
  const stem = fileNamePart(extension === null ? name : name.slice(0, extension.index), 'file', MAX_NAME_LENGTH);
  // Without an extension, trailing dots go too (Windows drops them, so `x.` and `x` would clash).
  return extension === null ? stem.replace(/\.+$/u, '') || 'file' : `${stem}.${extension[1] ?? ''}`;
}

/** Makes each name unique by numbering repeats before the extension (`a.pdf`, `a-2.pdf`). */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let n = 2; seen.has(candidate.toLowerCase()); n += 1) {
      const dot = name.lastIndexOf('.');
      candidate = dot > 0 ? `${name.slice(0, dot)}-${n}${name.slice(dot)}` : `${name}-${n}`;
    }
    seen.add(candidate.toLowerCase());
    return candidate;
  });
}

/**
 * The calendar day `YYYY-MM-DD` at 00:00 as a ZIP stamps it: DOS timestamps hold a wall-clock time
 * with no zone and yazl reads the Date's local fields, so the date is built in local time to give
 * the same bytes on every machine.
 */
export function zipDay(day: string): Date {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year ?? 1980, (month ?? 1) - 1, date ?? 1);
}

/**
 * The ZIP archive of `entries` (names sanitised and made unique, in the given order), each stamped
 * with `modified` (a fixed date keeps the output reproducible).
 */
export async function createZip(entries: readonly ZipEntry[], modified: Date): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const names = uniqueNames(entries.map((entry) => zipEntryName(entry.name)));
  entries.forEach((entry, i) => {
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    zip.addBuffer(data, names[i] ?? 'file', {
      mtime: modified,
      mode: 0o100644,
      compress: true,
      forceDosTimestamp: true,
    });
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
