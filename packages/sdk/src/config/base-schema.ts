/**
 * The environment variables every service shares, and zod helpers for the value types that
 * environment variables carry (they are always strings: ports, URLs, lists, flags, durations).
 *
 * A service's schema is `z.object({ ...baseServiceEnv, PORT: servicePort(5040), ...its own })`.
 * Every helper fails with a message saying what was expected ("expected a whole number from 1 to
 * 65535"); `loadConfig` adds the variable name and, unless the name looks secret, the value given.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { LOG_LEVELS, logLevelOf, type LogLevel } from '../logging/levels.js';

/**
 * A schema for one environment variable: the raw string is trimmed and handed to `parse`, which
 * returns the typed value, or `undefined` when the text is not acceptable; the issue then reads
 * `expected <expected>`. Services use it for their own variable types.
 */
export function envValue<T>(expected: string, parse: (raw: string) => T | undefined) {
  return z.string().transform((raw, ctx): T => {
    const value = parse(raw.trim());
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}` });
      return z.NEVER;
    }
    return value;
  });
}

function parseUrl(raw: string, protocols: readonly string[] | undefined): string | undefined {
  if (!URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  if (protocols !== undefined && !protocols.includes(url.protocol)) return undefined;
  // Without the trailing slash, `${url}/api/...` never produces a double slash.
  return raw.replace(/\/+$/, '');
}

/** An absolute URL of any scheme (e.g. `postgres://…`), returned without trailing slashes. */
export const zUrl = envValue('an absolute URL such as http://127.0.0.1:5000', (raw) => parseUrl(raw, undefined));

/** An absolute http(s) URL, returned without trailing slashes. */
export const zHttpUrl = envValue('an http:// or https:// URL', (raw) => parseUrl(raw, ['http:', 'https:']));

/** A TCP port: a whole number from 1 to 65535. */
export const zPort = envValue('a whole number from 1 to 65535', (raw) => {
  if (!/^\d{1,5}$/.test(raw)) return undefined;
  const port = Number(raw);
  return port >= 1 && port <= 65535 ? port : undefined;
});

/** A comma-separated list; items are trimmed and empty items dropped (`"a, b,"` → `["a","b"]`). */
export const zCsv = envValue('a comma-separated list', splitCsv);

function splitCsv(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * A comma-separated list whose items must each pass `test`. The message names the position of a
 * bad item, not its text, so a list that holds secrets is not echoed.
 */
export function zCsvOf(expected: string, test: (item: string) => boolean) {
  return z.string().transform((raw, ctx): string[] => {
    const items = splitCsv(raw);
    const bad = items.findIndex((item) => !test(item));
    if (bad !== -1) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a comma-separated list of ${expected} (item ${bad + 1} is not)`,
      });
      return z.NEVER;
    }
    return items;
  });
}

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

/** A flag: true/false, 1/0 or yes/no (any case). */
export const zBoolean = envValue('true/false, 1/0 or yes/no', (raw) => {
  const word = raw.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
});

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration in milliseconds: a bare number is milliseconds; `ms`, `s`, `m`, `h` suffixes are accepted. */
export const zDurationMs = envValue('a duration such as 1500, 1500ms, 30s, 5m or 1h', (raw) => {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(raw);
  if (match === null || match[1] === undefined) return undefined;
  const unit = DURATION_UNITS[(match[2] ?? 'ms').toLowerCase()] ?? 1;
  return Math.round(Number(match[1]) * unit);
});

export { LOG_LEVELS, type LogLevel } from '../logging/levels.js';

/** A log level; case-insensitive, and Python's WARNING/CRITICAL are accepted as warn/fatal. */
export const zLogLevel = envValue<LogLevel>(`one of ${LOG_LEVELS.join(', ')}`, (raw) => logLevelOf(raw));

/** A service name: a lowercase slug (core's `/service-token` accepts the same shape). */
export const zServiceName = envValue('a lowercase name of letters, digits, "-" or "_" (at most 50)', (raw) =>
  /^[a-z0-9][a-z0-9_-]{0,49}$/.test(raw) ? raw : undefined,
);

function isIpOrCidr(item: string): boolean {
  const [address = '', prefix, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The service's listening port, defaulting to `defaultPort` (each service has its own). */
export function servicePort(defaultPort: number) {
  return zPort.default(defaultPort).describe('TCP port the service listens on');
}

/** The fields every service's schema spreads in: `z.object({ ...baseServiceEnv, PORT: servicePort(5040) })`. */
export const baseServiceEnv = {
  SERVICE_NAME: zServiceName.describe('This service\'s name, a lowercase slug such as "codex"'),
  HOST: z
    .string()
    .trim()
    .min(1, { error: 'expected a host name or address' })
    .default('127.0.0.1')
    .describe('Address to listen on; only nexus faces the network, so the default is loopback'),
  PORT: zPort.describe('TCP port the service listens on'),
  LOG_LEVEL: zLogLevel.default('info').describe(`Lowest level logged: ${LOG_LEVELS.join(', ')}`),
  CORE_SERVICE_URL: zHttpUrl.default('http://127.0.0.1:5000').describe('Base URL of core (tokens, keys, revocations)'),
  HELM_SERVICE_URL: zHttpUrl.optional().describe('Base URL of helm; logs are shipped there, and not at all when unset'),
  NEXUS_URL: zHttpUrl
    .default('https://localhost:8443')
    .describe('Public URL of the gateway, used to build links users follow'),
  SERVICE_SECRET: z
    .string()
    .min(32, { error: 'expected at least 32 characters' })
    .optional()
    .describe(
      "This service's secret for core's /service-token (helm generates it); without it the service cannot call others",
    ),
  TRUSTED_PROXIES: zCsvOf('IP addresses or CIDR ranges', isIpOrCidr)
    .default(['127.0.0.1', '::1'])
    .describe('Comma-separated addresses allowed to send X-Forwarded-* headers (the gateway)'),
  SERVICES_FILE: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('Path to services.json (the service directory helm generates)'),
  REDIS_URL: envValue('a redis:// or rediss:// URL', (raw) => parseUrl(raw, ['redis:', 'rediss:']))
    .optional()
    .describe(
      'Redis shared by every instance of this service: rate limits are counted there (unset: each instance counts its own)',
    ),
  REVOCATION_GRACE: zDurationMs
    .default(30_000)
    .describe("How long the revocation feed may be down before tokens issued earlier need core's confirmation"),
};
