/**
 * Reading the services' log files (instance/logs/<service>.log and its rotations): parse the
 * JSON lines services write, filter by level, time and text, merge several services by time,
 * and follow files as they grow (and are rotated).
 */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LEVEL_TABLE, severityOf as levelSeverity } from '@hivematrix/sdk';

/** One line of a log, parsed when it is JSON. */
export interface LogLine {
  service: string;
  raw: string;
  /** Epoch ms; lines without a time inherit the previous line's. */
  time: number | undefined;
  /** Severity on pino's scale (10 trace … 60 fatal); 30 for lines that do not say. */
  severity: number;
  level: string;
  message: string;
}

/** Filters of `hivematrix logs`. */
export interface LogFilter {
  minSeverity?: number;
  since?: number;
  grep?: string;
}

/** The severity of a level name (pino's or Python's); undefined when unknown. */
export function severityOf(level: string): number | undefined {
  return levelSeverity(level);
}

/** The name shown for a severity: pino's nearest level, in capitals. */
function nameOf(severity: number): string {
  return LEVEL_TABLE.find((row) => row.severity === Math.round(severity / 10) * 10)?.name.toUpperCase() ?? 'INFO';
}

/** Milliseconds per unit of a `--since` duration. */
const SINCE_UNIT_MS: ReadonlyMap<string, number> = new Map([
  ['s', 1000],
  ['m', 60_000],
  ['h', 3_600_000],
  ['d', 86_400_000],
]);

/** Parses `--since`: a duration back from now (30s, 10m, 2h, 1d) or an ISO date. */
export function parseSince(text: string, now: number): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd])$/i.exec(text.trim());
  const unit = match?.[2] === undefined ? undefined : SINCE_UNIT_MS.get(match[2].toLowerCase());
  if (match?.[1] !== undefined && unit !== undefined) return now - Number(match[1]) * unit;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : date;
}

/** Parses one line of `service`'s log. */
export function parseLine(service: string, raw: string, previousTime: number | undefined): LogLine {
  let record: Record<string, unknown> | undefined;
  if (raw.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'object' && parsed !== null) record = parsed as Record<string, unknown>;
    } catch {
      record = undefined;
    }
  }
  if (record === undefined) return { service, raw, time: previousTime, severity: 30, level: 'INFO', message: raw };
  const level = record.level;
  const severity = typeof level === 'number' ? level : typeof level === 'string' ? (severityOf(level) ?? 30) : 30;
  const time =
    typeof record.time === 'string'
      ? Date.parse(record.time)
      : typeof record.time === 'number'
        ? record.time
        : previousTime;
  const err = record.err as { message?: unknown } | undefined;
  const message = typeof record.msg === 'string' ? record.msg : '';
  const detail = typeof err?.message === 'string' && err.message !== message ? ` (${err.message})` : '';
  return { service, raw, time, severity, level: nameOf(severity), message: `${message}${detail}` };
}

/** Whether `line` passes `filter`. */
export function matches(line: LogLine, filter: LogFilter): boolean {
  if (filter.minSeverity !== undefined && line.severity < filter.minSeverity) return false;
  if (filter.since !== undefined && (line.time === undefined || line.time < filter.since)) return false;
  if (filter.grep !== undefined && !line.raw.toLowerCase().includes(filter.grep.toLowerCase())) return false;
  return true;
}

/** A line for people: `time LEVEL [service] message`. */
export function formatLine(line: LogLine): string {
  const time = line.time === undefined || Number.isNaN(line.time) ? ''.padEnd(24) : new Date(line.time).toISOString();
  return `${time} ${line.level.padEnd(5)} [${line.service}] ${line.message}`;
}

/** The services that have a log file in `logsDir`. */
export async function loggedServices(logsDir: string): Promise<string[]> {
  try {
    return (await readdir(logsDir))
      .filter((name) => name.endsWith('.log'))
      .map((name) => name.slice(0, -4))
      .sort();
  } catch {
    return [];
  }
}

/** Every line of a service's log, oldest first; rotated files too when `withRotated`. */
export async function readServiceLog(
  logsDir: string,
  service: string,
  withRotated: boolean,
  keep = 10,
): Promise<LogLine[]> {
  const file = path.join(logsDir, `${service}.log`);
  const files = withRotated ? [...Array.from({ length: keep }, (_, index) => `${file}.${keep - index}`), file] : [file];
  const lines: LogLine[] = [];
  let previous: number | undefined;
  for (const candidate of files) {
    let text: string;
    try {
      text = await readFile(candidate, 'utf8');
    } catch {
      continue;
    }
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      const line = parseLine(service, raw, previous);
      previous = line.time;
      lines.push(line);
    }
  }
  return lines;
}

/** Merges several services' lines by time (stable: a service's own order is kept). */
export function mergeByTime(groups: readonly LogLine[][]): LogLine[] {
  return groups
    .flatMap((lines, group) => lines.map((line, index) => ({ line, group, index })))
    .sort((a, b) => (a.line.time ?? 0) - (b.line.time ?? 0) || a.group - b.group || a.index - b.index)
    .map((entry) => entry.line);
}

/**
 * Follows the logs of `services` (all services when empty, new files included) from their current
 * end, calling `onLine` for each new line, until `signal` aborts. A file that shrank was rotated
 * or truncated and is read again from its start.
 */
export async function followLogs(
  logsDir: string,
  services: readonly string[],
  onLine: (line: LogLine) => void,
  signal: AbortSignal,
  intervalMs = 300,
): Promise<void> {
  const offsets = new Map<string, number>();
  const pending = new Map<string, string>();
  const names = async (): Promise<string[]> => (services.length > 0 ? [...services] : loggedServices(logsDir));
  for (const service of await names())
    offsets.set(service, (await stat(path.join(logsDir, `${service}.log`)).catch(() => undefined))?.size ?? 0);
  while (!signal.aborted) {
    for (const service of await names()) {
      const file = path.join(logsDir, `${service}.log`);
      const size = (await stat(file).catch(() => undefined))?.size;
      if (size === undefined) continue;
      let offset = offsets.get(service) ?? 0;
      if (size < offset) offset = 0;
      if (size > offset) {
        const handle = await open(file, 'r');
        try {
          const buffer = Buffer.alloc(size - offset);
          await handle.read(buffer, 0, buffer.length, offset);
          const text = (pending.get(service) ?? '') + buffer.toString('utf8');
          const parts = text.split('\n');
          pending.set(service, parts.pop() ?? '');
          for (const raw of parts) if (raw.trim() !== '') onLine(parseLine(service, raw, Date.now()));
        } finally {
          await handle.close();
        }
      }
      offsets.set(service, size);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
