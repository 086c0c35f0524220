/**
 * The knowledgetree service's configuration: the shared service variables plus its own.
 * This is the only file of the service that reads the environment.
 */
import path from 'node:path';
import { z } from 'zod';
import { baseServiceEnv, loadConfig, servicePort } from '@hivematrix/sdk';
import { databaseEnv } from '@hivematrix/sdk/db';

export const SERVICE_NAME = 'knowledgetree';
export const DEFAULT_PORT = 5020;

export const knowledgetreeEnvSchema = z.object({
  ...baseServiceEnv,
  PORT: servicePort(DEFAULT_PORT),
  ...databaseEnv,
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(500)
    .describe('Requests allowed per user or calling service per minute'),
  CODEX_SERVICE_URL: z.url().default('http://127.0.0.1:5010').describe("Base URL of codex (client users' companies)"),
  TRASH_RETENTION_DAYS: z.coerce
    .number()
    .min(0)
    .max(3650)
    .default(30)
    .describe('Days a deleted folder or article stays restorable before it is purged'),
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(50 * 1024 * 1024)
    .describe('Largest attachment accepted, in bytes (413 beyond)'),
  CODEX_SYNC_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(10_080)
    .default(60)
    .describe('Minutes between scheduled codex syncs (0: only on demand)'),
  IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(500 * 1024 * 1024)
    .describe('Largest ZIP accepted for import, in bytes (413 beyond)'),
  IMPORT_MAX_ENTRIES: z.coerce.number().int().min(1).default(20_000).describe('Most files a ZIP import may hold'),
  IMPORT_MAX_UNCOMPRESSED: z.coerce
    .number()
    .int()
    .min(1024)
    .default(2 * 1024 * 1024 * 1024)
    .describe('Largest total size a ZIP import may expand to, in bytes'),
  CONTEXT_DEFAULT_BUDGET: z.coerce
    .number()
    .int()
    .min(1000)
    .default(60_000)
    .describe('Default size budget of a context export, in characters'),
});

export type KnowledgetreeConfig = z.infer<typeof knowledgetreeEnvSchema>;

/** Where runtime state lives: `HIVEMATRIX_INSTANCE_DIR`, else `instance/` at the repository root. */
function instanceDirFrom(env: Record<string, string | undefined>): string {
  return env.HIVEMATRIX_INSTANCE_DIR ?? path.resolve(import.meta.dirname, '../../../instance');
}

/**
 * Reads the configuration from the environment and `instance/knowledgetree/.env` (the environment
 * wins). Throws a ConfigError naming every bad variable at once.
 */
export function loadKnowledgetreeConfig(env: Record<string, string | undefined>): KnowledgetreeConfig {
  const instanceDir = instanceDirFrom(env);
  return loadConfig(knowledgetreeEnvSchema, {
    env: { SERVICE_NAME, ...env },
    envFile: path.join(instanceDir, SERVICE_NAME, '.env'),
  });
}
