/**
 * Codex's configuration: the shared service variables plus its database, the key that encrypts
 * stored secrets, the PSA/RMM credentials and the sync schedules. This is the only file of the
 * service that reads the environment; credentials live here (the original rewrote them into a
 * plaintext INI file from an admin form).
 */
import path from 'node:path';
import { z } from 'zod';
import { baseServiceEnv, envValue, loadConfig, servicePort, zBoolean, zDurationMs, zHttpUrl } from '@hivematrix/sdk';
import { databaseEnv } from '@hivematrix/sdk/db';
import { SYNC_JOBS, isSyncJob } from './domain/index.js';
import type { SyncJobName } from './domain/index.js';

export const SERVICE_NAME = 'codex';
export const DEFAULT_PORT = 5010;

/** A 256-bit key as 64 hex digits or base64 (44 characters with padding). */
const zSecretKey = envValue('a 256-bit key: 64 hex digits or 32 bytes in base64', (raw) => {
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(raw)) return Buffer.from(raw, 'base64');
  return undefined;
});

/** An IANA time zone name that this runtime knows (`Europe/Berlin`, `UTC`). */
const zTimeZone = envValue('an IANA time zone such as UTC or America/Chicago', (raw) => {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: raw });
    return raw;
  } catch {
    return undefined;
  }
});

/** Milliseconds per unit of a schedule's duration (lower-case; a missing unit means ms). */
const SCHEDULE_UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `job=duration` pairs, e.g. `freshservice=24h,datto=6h`; a duration of 0 turns a job's schedule off. */
const zSchedule = envValue(`job=duration pairs, jobs among ${SYNC_JOBS.join(', ')}`, (raw) => {
  const schedule: Partial<Record<SyncJobName, number>> = {};
  for (const item of raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([a-z-]+)\s*=\s*(\d+)\s*(ms|s|m|h)?$/i.exec(item);
    const job = match?.[1];
    if (match === null || job === undefined || !isSyncJob(job)) return undefined;
    const unit = SCHEDULE_UNIT_MS[(match[3] ?? 'ms').toLowerCase()];
    if (unit === undefined) return undefined;
    schedule[job] = Number(match[2]) * unit;
  }
  return schedule;
});

/** `udfN=kind` pairs naming the Datto UDFs that hold secrets (encrypted at rest, never in the UDF list). */
const zSecretUdfs = envValue('udfN=kind pairs such as udf2=bitlocker_key', (raw) => {
  const map: Record<string, string> = {};
  for (const item of raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^(udf\d{1,2})\s*=\s*([a-z_]{1,40})$/.exec(item);
    if (match?.[1] === undefined || match[2] === undefined) return undefined;
    map[match[1]] = match[2];
  }
  return map;
});

/** `id=status` pairs extending Freshservice's standard status ids (2 open … 5 closed). */
const zStatusMap = envValue('id=status pairs such as 8=scheduled,9=waiting_customer', (raw) => {
  const map: Record<number, string> = {};
  for (const item of raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^(\d{1,4})\s*=\s*([a-z_]{1,40})$/.exec(item);
    if (match?.[1] === undefined || match[2] === undefined) return undefined;
    map[Number(match[1])] = match[2];
  }
  return map;
});

/** `all`, or the Freshservice workspace ids to read tickets from (`2,5`). */
const zWorkspaces = envValue('all, or workspace ids such as 2,5', (raw) => {
  if (raw.trim().toLowerCase() === 'all') return 'all' as const;
  const ids = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  return ids.length > 0 && ids.every((id) => /^\d{1,12}$/.test(id)) ? [...new Set(ids)] : undefined;
});

/** Older keys of `CODEX_SECRET_KEY`, comma-separated, still accepted for reading while secrets are re-sealed. */
const zPreviousKeys = envValue('comma-separated 256-bit keys (64 hex digits or base64)', (raw) => {
  const keys: Buffer[] = [];
  for (const part of raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)) {
    if (/^[0-9a-fA-F]{64}$/.test(part)) keys.push(Buffer.from(part, 'hex'));
    else if (/^[A-Za-z0-9+/]{43}=?$/.test(part)) keys.push(Buffer.from(part, 'base64'));
    else return undefined;
  }
  return keys;
});

export const codexEnvSchema = z.object({
  ...baseServiceEnv,
  PORT: servicePort(DEFAULT_PORT),
  ...databaseEnv,
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(500)
    .describe('Requests allowed per user or calling service per minute'),
  CODEX_SECRET_KEY: zSecretKey
    .optional()
    .describe(
      'AES-256-GCM key for stored secrets (BitLocker and Windows keys); without it secrets are neither stored nor revealed',
    ),
  CODEX_SECRET_KEY_PREVIOUS: zPreviousKeys
    .default([])
    .describe(
      'Former CODEX_SECRET_KEY values (comma-separated): secrets sealed with them are still read and re-sealed with the current key in the background',
    ),
  BUSINESS_TIMEZONE: zTimeZone
    .default('UTC')
    .describe('Time zone whose calendar dates time entries are booked on (the month they count in)'),
  FRESHSERVICE_URL: zHttpUrl
    .optional()
    .describe('Freshservice base URL, e.g. https://acme.freshservice.com; unset turns the adapter off'),
  FRESHSERVICE_API_KEY: z.string().min(8).optional().describe('Freshservice API key (HTTP Basic user, password "X")'),
  FRESHSERVICE_WORKSPACES: zWorkspaces
    .default('all')
    .describe(
      'Freshservice workspaces whose tickets are synced: all (every workspace the key sees) or ids such as 2,5',
    ),
  FRESHSERVICE_STATUS_MAP: zStatusMap
    .default({})
    .describe('Custom Freshservice status ids, e.g. 8=scheduled,9=waiting_customer'),
  DATTO_API_URL: zHttpUrl
    .optional()
    .describe(
      'Datto RMM API URL of your platform, e.g. https://pinotage-api.centrastage.net; unset turns the adapter off',
    ),
  DATTO_API_KEY: z.string().min(4).optional().describe('Datto RMM API key'),
  DATTO_API_SECRET: z.string().min(4).optional().describe('Datto RMM API secret key'),
  DATTO_ACCOUNT_VARIABLE: z
    .string()
    .min(1)
    .default('AccountNumber')
    .describe('Datto site variable holding the company account number'),
  DATTO_DEVICE_TYPE_UDF: z
    .string()
    .regex(/^udf\d{1,2}$/)
    .default('udf7')
    .describe('Datto UDF with a declared device type (wins over the device category)'),
  DATTO_BACKUP_UDF: z
    .string()
    .regex(/^udf\d{1,2}$/)
    .default('udf6')
    .describe('Datto UDF with backup usage in bytes'),
  DATTO_SECRET_UDFS: zSecretUdfs
    .default({ udf2: 'bitlocker_key', udf9: 'windows_key' })
    .describe('Datto UDFs holding secrets, stored encrypted'),
  SUPEROPS_API_URL: zHttpUrl
    .optional()
    .describe('SuperOps GraphQL endpoint, e.g. https://api.superops.ai/msp; unset turns the adapter off'),
  SUPEROPS_API_TOKEN: z.string().min(8).optional().describe('SuperOps API token'),
  SUPEROPS_SUBDOMAIN: z.string().min(1).optional().describe('SuperOps customer subdomain (CustomerSubDomain header)'),
  SUPEROPS_ACCOUNT_NUMBER_FIELD: z
    .string()
    .min(1)
    .default('account_number')
    .describe('SuperOps client custom field holding the account number'),
  SYNC_SCHEDULE: zSchedule
    .default({
      freshservice: 86_400_000,
      'freshservice-tickets': 900_000,
      datto: 86_400_000,
      superops: 86_400_000,
      'superops-tickets': 900_000,
    })
    .describe('How often each sync job runs (job=duration, 0 = manual only); only configured providers run'),
  SYNC_SCHEDULER: zBoolean
    .default(true)
    .describe('Run scheduled syncs in this instance (runs are still single across instances)'),
  SYNC_STALE_AFTER: zDurationMs
    .default(900_000)
    .describe('A running sync without progress for this long is marked interrupted'),
  VENDOR_TIMEOUT: zDurationMs.default(30_000).describe('Timeout of one request to a vendor API'),
  KNOWLEDGETREE_SERVICE_URL: zHttpUrl
    .default('http://127.0.0.1:5020')
    .describe("Base URL of knowledgetree (a company page's Knowledge card); services.json wins"),
  KNOWLEDGETREE_TIMEOUT: zDurationMs
    .default(1500)
    .describe('How long a company page waits for knowledgetree before showing the Knowledge card as unavailable'),
});

export type CodexConfig = z.infer<typeof codexEnvSchema>;

/** Where runtime state lives: `HIVEMATRIX_INSTANCE_DIR`, else `instance/` at the repository root. */
function instanceDirFrom(env: Record<string, string | undefined>): string {
  return env.HIVEMATRIX_INSTANCE_DIR ?? path.resolve(import.meta.dirname, '../../../instance');
}

/**
 * Reads the configuration from the environment and `instance/codex/.env` (the environment wins).
 * Throws a ConfigError naming every bad variable at once.
 */
export function loadCodexConfig(env: Record<string, string | undefined>): CodexConfig {
  return loadConfig(codexEnvSchema, {
    env: { SERVICE_NAME, ...env },
    envFile: path.join(instanceDirFrom(env), SERVICE_NAME, '.env'),
  });
}
