/**
 * The template service's configuration: the shared service variables plus its own.
 * This is the only file of the service that reads the environment.
 */
import path from 'node:path';
import { z } from 'zod';
import { baseServiceEnv, loadConfig, servicePort } from '@hivematrix/sdk';
import { databaseEnv } from '@hivematrix/sdk/db';

export const SERVICE_NAME = 'template';
export const DEFAULT_PORT = 5040;

export const templateEnvSchema = z.object({
  ...baseServiceEnv,
  PORT: servicePort(DEFAULT_PORT),
  ...databaseEnv,
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(500)
    .describe('Requests allowed per user or calling service per minute'),
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
