/**
 * Ledger's configuration: the shared service variables plus its own.
 * This is the only file of the service that reads the environment.
 */
import path from 'node:path';
import { z } from 'zod';
import { baseServiceEnv, loadConfig, servicePort } from '@hivematrix/sdk';
import { databaseEnv } from '@hivematrix/sdk/db';

export const SERVICE_NAME = 'ledger';
export const DEFAULT_PORT = 5030;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const ledgerEnvSchema = z.object({
  ...baseServiceEnv,
  PORT: servicePort(DEFAULT_PORT),
  ...databaseEnv,
  SERVICE_SECRET: z
    .string()
    .min(32, { error: 'expected at least 32 characters' })
    .optional()
    .describe("Ledger's secret for core's /service-token (helm generates it); needed to read codex"),
  CODEX_SERVICE_URL: z.url().default('http://127.0.0.1:5010').describe('Base URL of codex'),
  BUSINESS_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(isTimeZone, { error: 'expected an IANA time zone such as Europe/Berlin' })
    .describe('Time zone in which billing months start and end'),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(500)
    .describe('Requests allowed per user or calling service per minute'),
  INVOICE_FROM_NAME: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .default('HiveMatrix MSP')
    .describe('The MSP name printed at the top of PDF invoices'),
  INVOICE_FROM_ADDRESS: z
    .string()
    .max(500)
    .default('')
    .describe('The MSP address on PDF invoices; lines separated by "|"'),
  INVOICE_FROM_EMAIL: z.string().trim().max(200).optional().describe('Billing contact e-mail printed on PDF invoices'),
  REVIEW_THRESHOLD_PERCENT: z.coerce
    .number()
    .min(0)
    .max(10_000)
    .default(20)
    .describe(
      'A bill whose total moved more than this percentage from the previous accepted month is flagged for review',
    ),
  MONTH_END_ENABLED: z
    .stringbool()
    .default(true)
    .describe("Run the month-end job (accept every client's bill for the previous month) on schedule"),
  MONTH_END_DAY: z.coerce
    .number()
    .int()
    .min(1)
    .max(28)
    .default(1)
    .describe('Day of the month (1-28, business time zone) on which the month-end job runs'),
  MONTH_END_HOUR: z.coerce
    .number()
    .int()
    .min(0)
    .max(23)
    .default(2)
    .describe('Hour (0-23, business time zone) at or after which the month-end job runs on that day'),
});

export type LedgerConfig = z.infer<typeof ledgerEnvSchema>;

function instanceDirFrom(env: Record<string, string | undefined>): string {
  return env.HIVEMATRIX_INSTANCE_DIR ?? path.resolve(import.meta.dirname, '../../../instance');
}

/**
 * Reads the configuration from the environment and `instance/ledger/.env` (the environment
 * wins). Throws a ConfigError naming every bad variable at once.
 */
export function loadLedgerConfig(env: Record<string, string | undefined>): LedgerConfig {
  return loadConfig(ledgerEnvSchema, {
    env: { SERVICE_NAME, ...env },
    envFile: path.join(instanceDirFrom(env), SERVICE_NAME, '.env'),
  });
}
