/**
 * Nexus's configuration: the shared service variables plus the gateway's own (TLS, identity,
 * sessions, proxy limits). The only file of the service that reads the environment.
 */
import path from 'node:path';
import { z } from 'zod';
import {
  baseServiceEnv,
  loadConfig,
  servicePort,
  zBoolean,
  zCsvOf,
  zDurationMs,
  zHttpUrl,
  zPort,
} from '@hivematrix/sdk';
import { isIP } from 'node:net';

export const SERVICE_NAME = 'nexus';
export const DEFAULT_PORT = 8443;

const MB = 1024 * 1024;

/** A positive whole number of bytes written as `1048576`, `512kb`, `100mb` or `1gb`. */
const zBytes = z.string().transform((raw, ctx): number => {
  const match = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(raw.trim());
  if (match === null || match[1] === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a size such as 65536, 512kb or 100mb' });
    return z.NEVER;
  }
  const unit = { b: 1, kb: 1024, mb: MB, gb: 1024 * MB }[(match[2] ?? 'b').toLowerCase() as 'b'] ?? 1;
  return Number(match[1]) * unit;
});

const isAddress = (item: string): boolean => isIP(item.split('/')[0] ?? '') !== 0;

export const nexusEnvSchema = z.object({
  ...baseServiceEnv,
  HOST: z
    .string()
    .trim()
    .min(1)
    .default('0.0.0.0')
    .describe('Address to listen on; the gateway is the one service that faces the network'),
  PORT: servicePort(DEFAULT_PORT),
  // The gateway is the edge: by default nobody in front of it is trusted to write X-Forwarded-*.
  TRUSTED_PROXIES: zCsvOf('IP addresses or CIDR ranges', isAddress)
    .default([])
    .describe('Load balancers in front of nexus whose X-Forwarded-For is believed (none by default)'),
  SERVICE_SECRET: z
    .string()
    .min(32, { error: 'expected at least 32 characters' })
    .describe("Nexus's secret for core's /service-token (helm generates it)"),
  HTTP_REDIRECT_PORT: zPort.optional().describe('A plain-HTTP port that only redirects to HTTPS (unset: none)'),
  TLS_CERT_FILE: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('PEM certificate (chain); unset: a self-signed one under <instance>/certs/'),
  TLS_KEY_FILE: z.string().trim().min(1).optional().describe('PEM private key of TLS_CERT_FILE'),
  TLS_PROFILE: z
    .enum(['intermediate', 'modern'])
    .default('intermediate')
    .describe(
      'Mozilla server-side TLS profile: intermediate (TLS 1.2 with AEAD ECDHE suites, and TLS 1.3) or modern (TLS 1.3 only)',
    ),
  IDENTITY_ISSUER: zHttpUrl
    .default('https://localhost:8443/keycloak/realms/hivematrix')
    .describe('Public issuer URL of the identity provider (as browsers see it, through nexus)'),
  IDENTITY_UPSTREAM_URL: zHttpUrl
    .default('http://127.0.0.1:8080')
    .describe('Where nexus reaches the identity provider; /keycloak/* is proxied there unchanged'),
  OIDC_CLIENT_ID: z.string().trim().min(1).default('core-client').describe("The gateway's OIDC client id"),
  OIDC_CLIENT_SECRET: z.string().min(1).describe("The gateway's OIDC client secret"),
  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\//, { error: 'expected a redis:// or rediss:// URL' })
    .optional()
    .describe('Redis for shared sessions (unset: sessions in memory)'),
  SESSION_IDLE_TIMEOUT: zDurationMs.default(8 * 3_600_000).describe('A session unused this long is dropped'),
  SESSION_MAX_AGE: zDurationMs
    .default(24 * 3_600_000)
    .describe('A session never lives longer than this, refreshes included'),
  TOKEN_REFRESH_BEFORE: zDurationMs
    .default(5 * 60_000)
    .describe('Refresh the platform token at core when it expires within this'),
  PROXY_CONNECT_TIMEOUT: zDurationMs.default(5_000).describe('Connecting to a service gives up after this (502)'),
  PROXY_HEADERS_TIMEOUT: zDurationMs
    .default(60_000)
    .describe('A service that sends no response headers within this gets a 504'),
  PROXY_IDLE_TIMEOUT: zDurationMs
    .default(300_000)
    .describe('A response body silent for this long is cut (SSE must send heartbeats)'),
  PROXY_MAX_BODY: zBytes.default(100 * MB).describe('Largest request body forwarded to a service (413 above)'),
  COMPOSE_MAX_BODY: zBytes
    .default(8 * MB)
    .describe('Largest HTML page composed with the side panel; larger pages pass through as they are'),
  API_MAX_BODY: zBytes.default(64 * 1024).describe("Largest body of nexus's own endpoints (413 above)"),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(1200)
    .describe('Requests per signed-in user per minute through the gateway'),
  ANON_RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(300)
    .describe('Requests per address per minute without a session (login, public paths)'),
  HSTS_MAX_AGE: z.coerce
    .number()
    .int()
    .min(0)
    .default(31_536_000)
    .describe('Strict-Transport-Security max-age in seconds (0: no header)'),
  SERVICES_RELOAD: zBoolean.default(true).describe('Reload services.json when it changes'),
});

export type NexusConfig = z.infer<typeof nexusEnvSchema>;

/** Where runtime state lives: `HIVEMATRIX_INSTANCE_DIR`, else `instance/` at the repository root. */
export function instanceDirFrom(env: Record<string, string | undefined>): string {
  return env.HIVEMATRIX_INSTANCE_DIR ?? path.resolve(import.meta.dirname, '../../../instance');
}

/**
 * Reads the configuration from the environment and `instance/nexus/.env` (the environment wins).
 * Throws a ConfigError naming every bad variable at once.
 */
export function loadNexusConfig(
  env: Record<string, string | undefined>,
): NexusConfig & { instanceDir: string; servicesFile: string } {
  const instanceDir = instanceDirFrom(env);
  const config = loadConfig(nexusEnvSchema, {
    env: { SERVICE_NAME, ...env },
    envFile: path.join(instanceDir, SERVICE_NAME, '.env'),
  });
  return { ...config, instanceDir, servicesFile: config.SERVICES_FILE ?? path.join(instanceDir, 'services.json') };
}
