/**
 * The platform's log format: pino JSON lines with an ISO `time`, the level as a label, the
 * service name on every record, and credentials redacted before a record leaves the process
 * (the original platform logged live session ids and would have logged Authorization headers).
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths censored in every record. pino's `*` matches one level, so both the top level and one
 * level down are listed (`{ password }` and `{ user: { password } }`).
 */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'password',
  'secret',
  'token',
  '*.password',
  '*.secret',
  '*.token',
];

export interface LoggerSettings {
  /** The service name, written as `service` on every record. */
  service: string;
  /** Lowest level written: fatal, error, warn, info, debug, trace (or silent). */
  level: string;
  /** Where the JSON lines go (see `createLogDestination`); stdout when absent. */
  destination?: DestinationStream | undefined;
  /** Clock for the `time` field; tests freeze it. */
  now?: (() => number) | undefined;
}

/** Options for pino, or for Fastify's `logger` option (which takes the destination as `stream`). */
export type PlatformLoggerOptions = LoggerOptions & { stream?: DestinationStream };

/** Builds the pino options of the platform's log format. */
export function createLoggerOptions(settings: LoggerSettings): PlatformLoggerOptions {
  const now = settings.now;
  const options: PlatformLoggerOptions = {
    level: settings.level,
    base: { service: settings.service },
    timestamp: now === undefined ? pino.stdTimeFunctions.isoTime : () => `,"time":"${new Date(now()).toISOString()}"`,
    // Labels ("info") rather than numbers (30): helm and people read them without a table.
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACTED_PATHS], censor: '[REDACTED]' },
  };
  if (settings.destination !== undefined) options.stream = settings.destination;
  return options;
}

/**
 * A pino logger in the platform format writing to `destination` (stdout by default). Pass it to
 * Fastify as `loggerInstance`.
 */
export function createLogger(settings: LoggerSettings): Logger {
  const { stream, ...options } = createLoggerOptions(settings);
  return pino(options, stream ?? pino.destination(1));
}
