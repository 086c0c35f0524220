/**
 * `GET /api/logs/export?format=ndjson|csv` (admins only): every entry matching the viewer's filters,
 * in the viewer's order, streamed page by page along the keyset cursor (so memory stays flat), up
 * to `EXPORT_MAX` entries. CSV cells that a spreadsheet would run as a formula are defused.
 */
import { Readable } from 'node:stream';
import { formatCsvRow } from '@hivematrix/sdk';
import { queryLogs } from '../../db/index.js';
import type { LogFilter, HelmDb, LogEntryRow } from '../../db/index.js';
import { entryJson } from './entry-json.js';

/** The most entries one export holds: a narrower filter (a time range) gets the rest. */
export const EXPORT_MAX = 200_000;
const PAGE = 2_000;

const CSV_COLUMNS = ['id', 'timestamp', 'service', 'level', 'message', 'trace_id', 'user_id', 'context'] as const;

function csvLine(entry: LogEntryRow): string {
  const json = entryJson(entry);
  return formatCsvRow([
    json.id,
    json.timestamp,
    json.service,
    json.level,
    json.message,
    json.trace_id,
    json.user_id,
    JSON.stringify(json.context),
  ]);
}

/** The export as a stream of text chunks, one page at a time. */
export function exportLogs(db: HelmDb, filter: LogFilter, format: 'ndjson' | 'csv', max = EXPORT_MAX): Readable {
  async function* lines(): AsyncGenerator<string> {
    if (format === 'csv') yield formatCsvRow(CSV_COLUMNS);
    let sent = 0;
    let cursor = filter.after;
    while (sent < max) {
      const page = await queryLogs(
        db,
        { ...filter, ...(cursor === undefined ? {} : { after: cursor }) },
        Math.min(PAGE, max - sent),
      );
      if (page.entries.length === 0) return;
      yield page.entries
        .map((entry) => (format === 'csv' ? csvLine(entry) : `${JSON.stringify(entryJson(entry))}\n`))
        .join('');
      sent += page.entries.length;
      if (page.next === null) return;
      cursor = page.next;
    }
  }
  return Readable.from(lines());
}
