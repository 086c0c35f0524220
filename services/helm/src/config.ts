/**
 * Helm's configuration: where the platform lives (repository root, instance folder, apps folder)
 * and the variables of helm's own HTTP service. The only file of helm that reads the environment;
 * entry points pass `process.env` in.
 */
import path from 'node:path';
import { z } from 'zod';
import { baseServiceEnv, loadConfig, servicePort, zUrl } from '@hivematrix/sdk';
import { helmPaths, type HelmPaths } from './paths.js';

export const SERVICE_NAME = 'helm';
export const DEFAULT_PORT = 5004;

/** The repository this file belongs to (services/helm/src → the root). */
export const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../../..');

/**
 * Where the platform's files are: `HIVEMATRIX_INSTANCE_DIR` moves the instance folder (default
 * `instance/` at the root), `HIVEMATRIX_APPS_DIR` names the external apps folder (default
 * `instance/apps`). `HIVEMATRIX_ROOT` points at another checkout (tests, `new-service` drills).
 */
export function platformPaths(env: Record<string, string | undefined>): HelmPaths {
  const root = path.resolve(nonEmpty(env.HIVEMATRIX_ROOT) ?? REPOSITORY_ROOT);
  const instance = path.resolve(nonEmpty(env.HIVEMATRIX_INSTANCE_DIR) ?? path.join(root, 'instance'));
  const appsDir = nonEmpty(env.HIVEMATRIX_APPS_DIR);
  return helmPaths(root, instance, appsDir === undefined ? undefined : path.resolve(appsDir));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Helm's own service variables (its HTTP app on port 5004): the shared ones plus its database. */
export const helmEnvSchema = z.object({
  ...baseServiceEnv,
  PORT: servicePort(DEFAULT_PORT),
  DATABASE_URL: zUrl.describe('PostgreSQL URL of helm\'s database (log entries)'),
});

export type HelmServiceConfig = z.infer<typeof helmEnvSchema>;

/** Reads helm's service configuration from the environment and its generated env file. */
export function loadHelmServiceConfig(env: Record<string, string | undefined>, paths: HelmPaths): HelmServiceConfig {
  return loadConfig(helmEnvSchema, { env: { SERVICE_NAME, ...env }, envFile: paths.envFile(SERVICE_NAME) });
}

/**
 * Variables helm itself decides for every service. They are removed from the environment the
 * daemon passes on, so a `PORT` or `DATABASE_URL` exported in the operator's shell cannot override
 * a service's generated env file (the environment wins over the file in every service's config).
 */
const DECIDED_BY_HELM = new Set([
  'SERVICE_NAME', 'HOST', 'PORT', 'LOG_LEVEL', 'CORE_SERVICE_URL', 'HELM_SERVICE_URL', 'NEXUS_URL', 'SERVICE_SECRET',
  'TRUSTED_PROXIES', 'SERVICES_FILE', 'DATABASE_URL', 'REDIS_URL', 'PUBLIC_URL', 'KEYS_DIR', 'SERVICE_SECRETS_FILE',
  'NODE_TEST_CONTEXT',
]);

/** The part of helm's environment that service processes inherit (PATH, HOME, locale, proxies …). */
export function inheritedEnv(env: Record<string, string | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || DECIDED_BY_HELM.has(name) || name.startsWith('IDENTITY_') || name.startsWith('OIDC_')) continue;
    kept[name] = value;
  }
  return kept;
}

/** What the daemon's entry point needs from its environment. */
export interface DaemonEnvironment {
  paths: HelmPaths;
  /** The whole environment, handed on (filtered) to the services. */
  env: Record<string, string | undefined>;
}

/** Reads the daemon's environment. */
export function daemonEnvironment(env: Record<string, string | undefined>): DaemonEnvironment {
  return { paths: platformPaths(env), env: { ...env } };
}
