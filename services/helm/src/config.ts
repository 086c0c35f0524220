/**
 * Helm's configuration: where the platform lives (repository root, instance folder, apps folder)
 * and the variables of helm's own HTTP service. The only file of helm that reads the environment;
 * entry points pass `process.env` in.
 */
import path from 'node:path';
import { z } from 'zod';
import { baseServiceEnv, ConfigError, loadConfig, servicePort, zDurationMs, zHttpUrl, zUrl } from '@hivematrix/sdk';
import { databaseEnv } from '@hivematrix/sdk/db';
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
  DATABASE_URL: zUrl.describe("PostgreSQL URL of helm's database (log entries)"),
});

export type HelmServiceConfig = z.infer<typeof helmEnvSchema>;

/** Reads helm's service configuration from the environment and its generated env file. */
export function loadHelmServiceConfig(env: Record<string, string | undefined>, paths: HelmPaths): HelmServiceConfig {
  return loadConfig(helmEnvSchema, { env: { SERVICE_NAME, ...env }, envFile: paths.envFile(SERVICE_NAME) });
}

/**
 * How helm runs: `local` (the default) starts and supervises every service on this machine;
 * `external` starts none (Kubernetes, or another supervisor, runs them) and reads their state
 * from their health endpoints. `HELM_MODE` chooses; the Kubernetes manifests set it.
 */
export const HELM_MODES = ['local', 'external'] as const;
export type HelmMode = (typeof HELM_MODES)[number];

/** The mode `env` asks for; an unknown value is a configuration error, never a silent default. */
export function helmMode(env: Record<string, string | undefined>): HelmMode {
  const raw = nonEmpty(env.HELM_MODE)?.trim().toLowerCase();
  if (raw === undefined) return 'local';
  const mode = HELM_MODES.find((candidate) => candidate === raw);
  if (mode === undefined)
    throw new ConfigError([
      { variable: 'HELM_MODE', message: `one of ${HELM_MODES.join(', ')}, not ${JSON.stringify(raw)}` },
    ]);
  return mode;
}

/**
 * Helm's variables in external mode: everything comes from the environment (no instance folder,
 * no master configuration), the services from `SERVICES_FILE`, and the alert settings the
 * master configuration holds on one machine from `ALERT_*`.
 */
export const externalHelmEnvSchema = z.object({
  ...helmEnvSchema.shape,
  ...databaseEnv,
  SERVICES_FILE: z.string().trim().min(1).describe('Path to services.json: the services helm watches, by URL'),
  HELM_MANAGED_BY: z
    .string()
    .trim()
    .min(1)
    .max(60)
    .default('Kubernetes')
    .describe('Who runs the services (named where helm refuses to start or stop one)'),
  HELM_POLL_INTERVAL: zDurationMs.default(10_000).describe("How often every service's /health is asked"),
  HELM_PROBE_TIMEOUT: zDurationMs.default(3_000).describe('How long one /health answer may take'),
  ALERT_DOWN_AFTER_S: z.coerce
    .number()
    .int()
    .min(10)
    .max(3600)
    .default(60)
    .describe('Seconds a service may go without a healthy answer before it is an alert'),
  ALERT_WEBHOOK_URL: zHttpUrl.optional().describe('An http(s) URL alerts are POSTed to as JSON'),
  ALERT_SMTP_URL: zUrl.optional().describe('The mail server alerts are e-mailed through (smtp:// or smtps://)'),
  ALERT_EMAIL_TO: z.string().trim().min(1).max(1000).optional().describe('Who receives alert e-mails, comma-separated'),
  ALERT_EMAIL_FROM: z.string().trim().min(1).max(254).optional().describe('The sender of alert e-mails'),
});

export type ExternalHelmConfig = z.infer<typeof externalHelmEnvSchema>;

/** Reads helm's external-mode configuration from the environment alone. */
export function loadExternalHelmConfig(env: Record<string, string | undefined>): ExternalHelmConfig {
  return loadConfig(externalHelmEnvSchema, { env: { SERVICE_NAME, ...env } });
}

/**
 * Variables helm itself decides for every service. They are removed from the environment the
 * daemon passes on, so a `PORT` or `DATABASE_URL` exported in the operator's shell cannot override
 * a service's generated env file (the environment wins over the file in every service's config).
 */
const DECIDED_BY_HELM = new Set([
  'SERVICE_NAME',
  'HOST',
  'PORT',
  'LOG_LEVEL',
  'CORE_SERVICE_URL',
  'HELM_SERVICE_URL',
  'NEXUS_URL',
  'SERVICE_SECRET',
  'TRUSTED_PROXIES',
  'SERVICES_FILE',
  'DATABASE_URL',
  'REDIS_URL',
  'PUBLIC_URL',
  'KEYS_DIR',
  'SERVICE_SECRETS_FILE',
  'NODE_TEST_CONTEXT',
]);

/** The part of helm's environment that service processes inherit (PATH, HOME, locale, proxies …). */
export function inheritedEnv(env: Record<string, string | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || DECIDED_BY_HELM.has(name) || name.startsWith('IDENTITY_') || name.startsWith('OIDC_'))
      continue;
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
