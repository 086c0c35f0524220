/**
 * The one table of log levels: pino's name and number (what services write) beside helm's name
 * (the original platform's Python levels, what helm stores and shows). Configuration (LOG_LEVEL),
 * the log shipper, helm's ingest, its log viewer and `hivematrix logs` all read this table.
 */

/** pino's level, its number and helm's name for it, lowest first. */
export const LEVEL_TABLE = [
  { name: 'trace', severity: 10, helm: 'DEBUG' },
  { name: 'debug', severity: 20, helm: 'DEBUG' },
  { name: 'info', severity: 30, helm: 'INFO' },
  { name: 'warn', severity: 40, helm: 'WARNING' },
  { name: 'error', severity: 50, helm: 'ERROR' },
  { name: 'fatal', severity: 60, helm: 'CRITICAL' },
] as const;

type LevelRow = (typeof LEVEL_TABLE)[number];

/** The log levels a service accepts in LOG_LEVEL (pino's names), most severe first. */
export const LOG_LEVELS = LEVEL_TABLE.map((row) => row.name).reverse() as [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
];
export type LogLevel = LevelRow['name'];

/** Helm's level names, lowest first (its filter "at least" keeps a suffix of this list). */
export const HELM_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type HelmLevel = (typeof HELM_LEVELS)[number];

// Helm's generated files and the original platform spell levels the Python way.
const ALIASES: Readonly<Record<string, LogLevel>> = { warning: 'warn', critical: 'fatal' };

function rowOf(level: unknown): LevelRow | undefined {
  if (typeof level === 'number') {
    // pino's custom levels fall between the named ones: a number counts as the named level below it.
    return (
      [...LEVEL_TABLE].reverse().find((row) => level >= row.severity) ??
      (Number.isFinite(level) ? LEVEL_TABLE[0] : undefined)
    );
  }
  if (typeof level !== 'string') return undefined;
  const word = level.toLowerCase();
  const name = ALIASES[word] ?? word;
  return LEVEL_TABLE.find((row) => row.name === name);
}

/** A level name (pino's or Python's, any case) as pino's name; undefined when unknown. */
export function logLevelOf(level: string): LogLevel | undefined {
  return rowOf(level)?.name;
}

/** The severity (pino's number: 10 trace … 60 fatal) of a level name or number; undefined when unknown. */
export function severityOf(level: unknown): number | undefined {
  return rowOf(level)?.severity;
}

/** Maps a level (pino's number or any known name) to helm's names; anything unknown is INFO. */
export function helmLevel(level: unknown): HelmLevel {
  return rowOf(level)?.helm ?? 'INFO';
}
