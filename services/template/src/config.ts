/**
 * The template service's configuration: the shared service variables plus its own.
 * This is the only file of the service that reads the environment.
 */
import path from 'node:path';
import { z } from 'zod';
import { baseServiceEnv, loadConfig, servicePort, zUrl } from '@hivematrix/sdk';

export const SERVICE_NAME = 'template';
export const DEFAULT_PORT = 5040;

export const templateEnvSchema = z.object({
  ...baseServiceEnv,
  PORT: servicePort(DEFAULT_PORT),
  DATABASE_URL: zUrl.describe('PostgreSQL URL of the service database (helm writes it into instance/template/.env)'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10).describe('Largest number of database connections'),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000).describe('Longest a single SQL statement may run'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(500).describe('Requests allowed per user or calling service per minute'),
});

export type TemplateConfig = z.infer<typeof templateEnvSchema>;

/** Where runtime state lives: `HIVEMATRIX_INSTANCE_DIR`, else `instance/` at the repository root. */
function instanceDirFrom(env: Record<string, string | undefined>): string {
  return env.HIVEMATRIX_INSTANCE_DIR ?? path.resolve(import.meta.dirname, '../../../instance');
}

/**
 * Reads the configuration from the environment and `instance/template/.env` (the environment
 * wins). Throws a ConfigError naming every bad variable at once.
 */
export function loadTemplateConfig(env: Record<string, string | undefined>): TemplateConfig {
  const instanceDir = instanceDirFrom(env);
  return loadConfig(templateEnvSchema, {
    env: { SERVICE_NAME, ...env },
    envFile: path.join(instanceDir, SERVICE_NAME, '.env'),
  });
}
