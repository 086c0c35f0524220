/** A log entry as the API shows it (viewer, export). */
import type { LogEntryRow } from '../../db/index.js';

/** An entry as JSON. */
export function entryJson(entry: LogEntryRow) {
  return {
    id: entry.id,
    timestamp: entry.timestamp.toISOString(),
    service: entry.serviceName,
    level: entry.level,
    message: entry.message,
    context: entry.context,
    trace_id: entry.traceId,
    user_id: entry.userId,
  };
}
