/**
 * Helm's log entry format, and the conversion from one pino JSON line to it. Kept apart from the
 * shipper so helm's ingest side can share the format.
 */
import { helmLevel, type HelmLevel } from './levels.js';

export { helmLevel, type HelmLevel } from './levels.js';

/** One record as helm's ingest endpoint takes it. */
export interface HelmLogEntry {
  level: HelmLevel;
  message: string;
  timestamp: string;
  context: Record<string, unknown>;
  trace_id: string | null;
  user_id: string | null;
}

// Fields pino (or our logger's base) adds, or that have their own place in the entry.
const NOT_CONTEXT = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v', 'service', 'correlation_id', 'user_id']);
/** The longest message helm keeps (its ingest cuts there too, for shippers other than ours); cutting here keeps requests small. */
export const HELM_MESSAGE_LIMIT = 10_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Converts one pino JSON line to helm's entry; `undefined` when it is not a JSON object. */
export function toHelmEntry(line: string, now: () => number = Date.now): HelmLogEntry | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(record)) return undefined;
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (!NOT_CONTEXT.has(key)) context[key] = value;
  const err = record.err;
  const message =
    typeof record.msg === 'string' ? record.msg : isRecord(err) && typeof err.message === 'string' ? err.message : '';
  const time = record.time;
  const timestamp = typeof time === 'string' ? time : new Date(typeof time === 'number' ? time : now()).toISOString();
  const userId = record.user_id;
  return {
    level: helmLevel(record.level),
    message: message.slice(0, HELM_MESSAGE_LIMIT),
    timestamp,
    context,
    trace_id: typeof record.correlation_id === 'string' ? record.correlation_id : null,
    user_id: typeof userId === 'string' || typeof userId === 'number' ? String(userId) : null,
  };
}
