/**
 * Helm's log entry format, and the conversion from one pino JSON line to it. Kept apart from the
 * shipper so helm's ingest side can share the format.
 */

/** Helm's level names (the original's Python levels). */
export type HelmLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

/** One record as helm's ingest endpoint takes it. */
export interface HelmLogEntry {
  level: HelmLevel;
  message: string;
  timestamp: string;
  context: Record<string, unknown>;
  trace_id: string | null;
  user_id: string | null;
}


const LABEL_LEVELS: Record<string, HelmLevel> = {
  trace: 'DEBUG', debug: 'DEBUG', info: 'INFO', warn: 'WARNING', warning: 'WARNING',
  error: 'ERROR', fatal: 'CRITICAL', critical: 'CRITICAL',
};

/** Maps a pino level (number or label) to helm's names; anything unknown is INFO. */
export function helmLevel(level: unknown): HelmLevel {
  if (typeof level === 'number') {
    return level < 30 ? 'DEBUG' : level < 40 ? 'INFO' : level < 50 ? 'WARNING' : level < 60 ? 'ERROR' : 'CRITICAL';
  }
  return (typeof level === 'string' ? LABEL_LEVELS[level.toLowerCase()] : undefined) ?? 'INFO';
}

// Fields pino (or our logger's base) adds, or that have their own place in the entry.
const NOT_CONTEXT = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v', 'service', 'correlation_id', 'user_id']);
// Helm cuts messages at this length anyway; cutting here keeps requests small.
const MAX_MESSAGE = 10_000;

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
  const timestamp =
    typeof time === 'string' ? time : new Date(typeof time === 'number' ? time : now()).toISOString();
  const userId = record.user_id;
  return {
    level: helmLevel(record.level),
    message: message.slice(0, MAX_MESSAGE),
    timestamp,
    context,
    trace_id: typeof record.correlation_id === 'string' ? record.correlation_id : null,
    user_id: typeof userId === 'string' || typeof userId === 'number' ? String(userId) : null,
  };
}

