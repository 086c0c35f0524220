/**
 * Core's configuration: the shared service variables plus token lifetimes, the identity
 * provider, the key directory, the service secrets and the session store. This is the only file
 * of the service that reads the environment.
 */
import path from 'node:path';
import { z } from 'zod';
import { baseServiceEnv, loadConfig, servicePort, zCsvOf, zHttpUrl, zUrl } from '@hivematrix/sdk';

/** Core's service name (the `aud` of service tokens meant for it). */
export const SERVICE_NAME = 'core';
/** Core's port (DESIGN.md §2). */
export const DEFAULT_PORT = 5000;

const seconds = (fallback: number, min: number, max: number, description: string) =>
  z.coerce.number().int().min(min).max(max).default(fallback).describe(description);
const perMinute = (fallback: number, description: string) =>
  z.coerce.number().int().min(1).default(fallback).describe(description);
const isSlug = (item: string): boolean => /^[a-z0-9][a-z0-9_-]{0,49}$/.test(item);
const optionalPath = (description: string) => z.string().trim().min(1).optional().describe(description);

/** Every variable core reads, with its default and meaning (`formatConfigHelp` prints them). */
export const coreEnvSchema = z.object({
  ...baseServiceEnv,
  PORT: servicePort(DEFAULT_PORT),
  IDENTITY_INTERNAL_URL: zHttpUrl
    .default('http://127.0.0.1:8080/keycloak/realms/hivematrix')
    .describe('The identity realm as core reaches it directly (userinfo and certs live under it)'),
  IDENTITY_ISSUER: z
    .string()
    .trim()
    .min(1)
    .default('https://localhost:8443/keycloak/realms/hivematrix')
    .describe('The `iss` of identity tokens: the realm as the browser sees it through the gateway'),
  IDENTITY_CLIENT_ID: z
    .string()
    .trim()
    .min(1)
    .default('core-client')
    .describe("The gateway's client id: the `aud` of id tokens"),
  IDENTITY_ADMIN_CLIENT_ID: z
    .string()
    .trim()
    .min(1)
    .default('hivematrix-admin')
    .describe('Client (client_credentials) core reads users with at the admin API'),
  IDENTITY_ADMIN_CLIENT_SECRET: z
    .string()
    .min(16)
    .optional()
    .describe('Its secret; when set, every refresh checks the user (enabled, groups, identity session) at identity'),
  IDENTITY_RECHECK_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(60_000)
    .describe(
      "How often users with live sessions are re-checked at identity (changes made in a real Keycloak's console; three admin API calls per user); 0 turns it off",
    ),
  DATABASE_URL: zUrl
    .optional()
    .describe(
      "Core's own PostgreSQL database: the signing keys (shared by every core instance), and sessions and revocations when REDIS_URL is unset",
    ),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(5).describe('Largest number of database connections'),
  DB_STATEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(15_000)
    .describe('Longest a single SQL statement may run'),
  IDENTITY_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(5_000)
    .describe('Timeout of one call to identity'),
  EXCHANGE_CALLERS: zCsvOf('service names', isSlug)
    .default(['nexus'])
    .describe('Services allowed to exchange, refresh and end sessions (the gateway)'),
  TOKEN_TTL_SEC: seconds(3600, 60, 86_400, 'Lifetime of a user token'),
  REFRESH_GRACE_SEC: seconds(300, 0, 3600, 'How long after its expiry a user token may still be refreshed'),
  SESSION_MAX_AGE_SEC: seconds(43_200, 300, 30 * 86_400, 'Longest a session lives after login, refreshes included'),
  KEYS_DIR: optionalPath(
    'Directory of the signing key files of an older install, imported into the database on the first start (default <instance>/keys)',
  ),
  KEYS_SYNC_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(2_000)
    .describe(
      'How often the signing keys are re-read from the database (a rotation by another instance); a new key signs two intervals after it is published',
    ),
  KEYS_ENCRYPTION_SECRET: z
    .string()
    .min(32, { error: 'expected at least 32 characters' })
    .optional()
    .describe(
      'Secret the private signing keys are sealed with in the database (AES-256-GCM); default SERVICE_SECRET. The same on every core instance',
    ),
  SERVICE_SECRETS_FILE: optionalPath(
    'JSON file {service: hex sha256 of its secret} (default <instance>/core/service-secrets.json)',
  ),
  REDIS_URL: zUrl
    .optional()
    .describe('Redis for sessions and revocations shared by several core instances; else DATABASE_URL, else memory'),
  REDIS_KEY_PREFIX: z
    .string()
    .min(1)
    .max(100)
    .default('hivematrix:core:')
    .describe('Prefix of every Redis key and channel core uses'),
  REVOCATION_HEARTBEAT_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(300_000)
    .default(15_000)
    .describe('Interval of `: ping` comments on revocation streams'),
  SESSION_CLEANUP_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .default(60_000)
    .describe('How often the in-memory or PostgreSQL store drops expired sessions'),
  RATE_LIMIT_PER_MINUTE: perMinute(600, 'Requests per user (or address) per minute'),
  SERVICE_RATE_LIMIT_PER_MINUTE: perMinute(
    60_000,
    'Requests per calling service per minute on the routes services call (the gateway speaks for every user)',
  ),
  VALIDATE_RATE_LIMIT_PER_MINUTE: perMinute(6_000, 'Requests per client address per minute to /api/token/validate'),
  SERVICE_TOKEN_RATE_LIMIT_PER_MINUTE: perMinute(1_200, 'Requests per client address per minute to /service-token'),
});

/** Core's parsed configuration. */
export type CoreConfig = z.infer<typeof coreEnvSchema>;

/** Where runtime state lives: `HIVEMATRIX_INSTANCE_DIR`, else `instance/` at the repository root. */
export function instanceDirFrom(env: Record<string, string | undefined>): string {
  return env.HIVEMATRIX_INSTANCE_DIR ?? path.resolve(import.meta.dirname, '../../../instance');
}

/** File locations with their instance-relative defaults applied. */
export interface CorePaths {
  keysDir: string;
  serviceSecretsFile: string;
  servicesFile: string | undefined;
}

/** Resolves the paths of `config`, defaulting to the instance folder. */
export function corePaths(config: CoreConfig, instanceDir: string): CorePaths {
  return {
    keysDir: config.KEYS_DIR ?? path.join(instanceDir, 'keys'),
    serviceSecretsFile: config.SERVICE_SECRETS_FILE ?? path.join(instanceDir, 'core', 'service-secrets.json'),
    servicesFile: config.SERVICES_FILE,
  };
}

/**
 * The secret the private signing keys are sealed with: KEYS_ENCRYPTION_SECRET, else core's own
 * SERVICE_SECRET (both the same on every core instance; the database never holds either).
 */
export function sealingSecret(config: CoreConfig): string {
  const secret = config.KEYS_ENCRYPTION_SECRET ?? config.SERVICE_SECRET;
  if (secret === undefined)
    throw new Error(
      'core keeps its signing keys in its database sealed with SERVICE_SECRET (or KEYS_ENCRYPTION_SECRET): set one of them',
    );
  return secret;
}

/**
 * Reads the configuration from the environment and `instance/core/.env` (the environment wins).
 * Throws a ConfigError naming every bad variable at once.
 */
export function loadCoreConfig(env: Record<string, string | undefined>): { config: CoreConfig; paths: CorePaths } {
  const instanceDir = instanceDirFrom(env);
  const config = loadConfig(coreEnvSchema, {
    env: { SERVICE_NAME, ...env },
    envFile: path.join(instanceDir, SERVICE_NAME, '.env'),
  });
  return { config, paths: corePaths(config, instanceDir) };
}
