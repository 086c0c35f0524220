/**
 * Identity's configuration: the shared service variables plus the realm, its two clients, login
 * policy and token lifetimes. This is the only file of the service that reads the environment.
 */
import path from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';
import {
  ConfigError,
  baseServiceEnv,
  envValue,
  loadConfig,
  servicePort,
  zBoolean,
  zCsvOf,
  zDurationMs,
} from '@hivematrix/sdk';
import { databaseEnv } from '@hivematrix/sdk/db';

export const SERVICE_NAME = 'identity';
export const DEFAULT_PORT = 8080;

/** The confidential client of the gateway (Keycloak's name for it, kept for compatibility). */
export const GATEWAY_CLIENT_ID = 'core-client';
/** The client helm uses for the admin REST API (client_credentials only). */
export const ADMIN_CLIENT_ID = 'hivematrix-admin';

/** Where the realm lives: `<base>/realms/<realm>`, as in Keycloak. */
const ISSUER_SHAPE = /^(https?:\/\/[^/?#]+)((?:\/[A-Za-z0-9._~-]+)*)\/realms\/([A-Za-z0-9_-]+)$/;

/** An issuer URL of Keycloak's shape (`https://host/keycloak/realms/hivematrix`), no trailing slash. */
const zIssuer = envValue(
  'an http(s) URL ending in /realms/<realm>, such as https://localhost:8443/keycloak/realms/hivematrix',
  (raw) => {
    const trimmed = raw.replace(/\/+$/, '');
    if (!URL.canParse(trimmed) || !ISSUER_SHAPE.test(trimmed)) return undefined;
    const url = new URL(trimmed);
    return url.username === '' && url.password === '' ? trimmed : undefined;
  },
);

function isWebUrl(item: string): boolean {
  if (!URL.canParse(item)) return false;
  const url = new URL(item);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hash === '';
}

/** A client secret: long enough that guessing it is hopeless (helm generates 48 characters). */
const zClientSecret = z.string().min(32, { error: 'expected at least 32 characters' });

export const identityEnvSchema = z.object({
  ...baseServiceEnv,
  PORT: servicePort(DEFAULT_PORT),
  ...databaseEnv,
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(1000)
    .describe('Requests allowed per client address per minute'),

  IDENTITY_ISSUER: zIssuer
    .default('https://localhost:8443/keycloak/realms/hivematrix')
    .describe(
      'Public issuer: the realm URL as browsers reach it through the gateway; every URL identity emits uses it',
    ),
  IDENTITY_ALLOW_HTTP_ISSUER: zBoolean.default(false).describe('Allow an http:// issuer (development and tests only)'),

  IDENTITY_GATEWAY_CLIENT_SECRET: zClientSecret.describe(
    `Secret of the gateway's confidential client "${GATEWAY_CLIENT_ID}"`,
  ),
  IDENTITY_GATEWAY_REDIRECT_URIS: zCsvOf('http(s) URLs', isWebUrl)
    .default(['https://localhost:8443/keycloak-callback'])
    .describe('Redirect URIs registered for the gateway client (comma-separated)'),
  IDENTITY_GATEWAY_POST_LOGOUT_REDIRECT_URIS: zCsvOf('http(s) URLs', isWebUrl)
    .default(['https://localhost:8443/'])
    .describe('Where the gateway may send the browser after logout (comma-separated)'),
  IDENTITY_GATEWAY_BACKCHANNEL_LOGOUT_URI: envValue<string | null>('an http(s) URL or "none"', (raw) =>
    raw === 'none' ? null : isWebUrl(raw) ? raw : undefined,
  )
    .default('https://localhost:8443/backchannel-logout')
    .describe('OIDC Back-Channel Logout URI of the gateway, or "none"'),
  IDENTITY_ADMIN_CLIENT_SECRET: zClientSecret.describe(
    `Secret of the admin API client "${ADMIN_CLIENT_ID}" (client_credentials)`,
  ),

  IDENTITY_BACKCHANNEL_CA_FILE: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe(
      "PEM file of a CA (or the gateway's self-signed certificate) trusted for back-channel logout; read at each delivery",
    ),
  IDENTITY_BACKCHANNEL_CONNECT_ADDRESS: z
    .string()
    .trim()
    .refine((value) => isIP(value) !== 0, 'an IP address')
    .optional()
    .describe(
      "Deliver back-channel logout to this address (the gateway on this machine), verifying the certificate for the URI's name",
    ),
  IDENTITY_BACKCHANNEL_INSECURE_LOCAL: zBoolean
    .default(false)
    .describe(
      'Skip TLS verification of back-channel logout requests to loopback addresses (self-signed development gateway)',
    ),

  LOGIN_MAX_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe('Failed logins in a row before a username is locked'),
  LOGIN_LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(1440)
    .default(15)
    .describe('How long a locked username stays locked'),

  IDENTITY_SESSION_MAX: zDurationMs
    .default(10 * 3_600_000)
    .describe('Longest an identity (SSO) session lives after login'),
  IDENTITY_ACCESS_TOKEN_TTL: zDurationMs.default(5 * 60_000).describe('Lifetime of access and ID tokens'),
  IDENTITY_ADMIN_TOKEN_TTL: zDurationMs
    .default(5 * 60_000)
    .describe('Lifetime of admin API tokens (client_credentials)'),
  IDENTITY_PRUNE_INTERVAL: zDurationMs
    .default(10 * 60_000)
    .describe('How often expired sessions, codes and tokens are deleted'),
  IDENTITY_SESSION_SWEEP_INTERVAL: zDurationMs
    .default(15_000)
    .describe(
      'How often sessions that reached their end are looked for, so their back-channel logout is sent (no platform session outlives them)',
    ),
});

export type IdentityConfig = z.infer<typeof identityEnvSchema>;

/** The parts of the issuer the service routes by. */
export interface Realm {
  /** The issuer, e.g. `https://localhost:8443/keycloak/realms/hivematrix`. */
  issuer: string;
  /** Its origin, e.g. `https://localhost:8443`. */
  origin: string;
  /** The path prefix everything is served under, e.g. `/keycloak`. */
  basePath: string;
  /** The realm's path, e.g. `/keycloak/realms/hivematrix`. */
  realmPath: string;
  /** The realm's name, e.g. `hivematrix`. */
  name: string;
  /** The admin API's path, e.g. `/keycloak/admin/realms/hivematrix`. */
  adminPath: string;
}

/** Splits an issuer (already validated by the schema) into the paths the service serves. */
export function realmOf(issuer: string): Realm {
  const match = ISSUER_SHAPE.exec(issuer);
  if (match === null) throw new Error(`not a realm issuer: ${issuer}`);
  const [, , basePath = '', name = ''] = match;
  return {
    issuer,
    origin: new URL(issuer).origin,
    basePath,
    realmPath: `${basePath}/realms/${name}`,
    name,
    adminPath: `${basePath}/admin/realms/${name}`,
  };
}

/** Cross-field rules zod cannot state per variable. Returns the problems, empty when none. */
export function configProblems(config: IdentityConfig): { variable: string; message: string }[] {
  const problems: { variable: string; message: string }[] = [];
  if (config.IDENTITY_ISSUER.startsWith('http:') && !config.IDENTITY_ALLOW_HTTP_ISSUER) {
    problems.push({
      variable: 'IDENTITY_ISSUER',
      message: 'an http:// issuer needs IDENTITY_ALLOW_HTTP_ISSUER=true (development only)',
    });
  }
  if (config.IDENTITY_GATEWAY_CLIENT_SECRET === config.IDENTITY_ADMIN_CLIENT_SECRET) {
    problems.push({
      variable: 'IDENTITY_ADMIN_CLIENT_SECRET',
      message: 'must differ from IDENTITY_GATEWAY_CLIENT_SECRET',
    });
  }
  return problems;
}

/** Where runtime state lives: `HIVEMATRIX_INSTANCE_DIR`, else `instance/` at the repository root. */
export function instanceDirFrom(env: Record<string, string | undefined>): string {
  return env.HIVEMATRIX_INSTANCE_DIR ?? path.resolve(import.meta.dirname, '../../../instance');
}

/**
 * Reads the configuration from the environment and `instance/identity/.env` (the environment
 * wins). Throws a ConfigError naming every bad variable at once.
 */
export function loadIdentityConfig(env: Record<string, string | undefined>): IdentityConfig {
  const config = loadConfig(identityEnvSchema, {
    env: { SERVICE_NAME, ...env },
    envFile: path.join(instanceDirFrom(env), SERVICE_NAME, '.env'),
  });
  const problems = configProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
