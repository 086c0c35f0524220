/**
 * The master configuration, `instance/configs/master_config.json`: the one file an operator
 * edits. Helm creates it on the first start with generated secrets and derives every service's
 * env and config file from it. Sections `system`, `keycloak`, `databases`, `apps` as in the
 * original, plus `redis` and `supervisor`.
 *
 * URLs that follow from others (the public URL from the hostname, the issuer from the public URL)
 * are left out unless the operator sets them, so changing the hostname moves them all at once.
 */
import { z } from 'zod';
import { LOG_LEVELS } from '@hivematrix/sdk';

const url = z.url({ protocol: /^https?$/ });
const secret = z.string().min(32, 'at least 32 characters');
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name');
const envValue = z.string().refine((value) => !/[\r\n]/.test(value), 'a single line');

export const systemSchema = z.object({
  hostname: z.string().min(1).default('localhost'),
  /** The gateway's public URL; default `https://<hostname>:<nexus port>` (no port for 443). */
  public_url: url.optional(),
  environment: z.enum(['development', 'production']).default('development'),
  /**
   * `source` runs each service's TypeScript through tsx (a checkout); `build` runs the output of
   * `npm run build` (`<service>/dist/`) with plain node, less memory and a faster start, falling
   * back to the sources for a service that has no build. HIVEMATRIX_RUNTIME overrides it.
   */
  runtime: z.enum(['source', 'build']).default('source'),
  log_level: z.enum(LOG_LEVELS).default('info'),
  timezone: z.string().min(1).default('UTC'),
  /** The gateway's certificate and key (PEM); unset, nexus makes a self-signed one under instance/certs/. */
  tls_cert_file: z.string().min(1).optional(),
  tls_key_file: z.string().min(1).optional(),
  /** Days helm keeps shipped log entries in its database. */
  log_retention_days: z.number().int().min(1).max(3650).default(14),
  /** The most shipped log entries helm keeps; the oldest beyond it are removed with the old ones. */
  log_max_rows: z.number().int().min(1000).max(1_000_000_000).default(5_000_000),
  /** The most bytes of stored log entries helm keeps (the newest); beyond it the oldest go. */
  log_store_max_bytes: z
    .number()
    .int()
    .min(1024 * 1024)
    .default(2 * 1024 * 1024 * 1024),
  /** Seconds between two metrics samples of every service (CPU, memory, health). */
  metrics_interval_s: z.number().int().min(1).max(3600).default(15),
  /** Days helm keeps metrics samples. */
  metrics_retention_days: z.number().int().min(1).max(365).default(7),
});

export const keycloakSchema = z.object({
  /** `embedded`: our identity service; `external`: a real Keycloak (set `issuer` and `upstream_url`). */
  mode: z.enum(['embedded', 'external']).default('embedded'),
  realm: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('hivematrix'),
  /** Public issuer; default `<public_url>/keycloak/realms/<realm>`. */
  issuer: url.optional(),
  /** Where the gateway proxies `/keycloak` to. */
  upstream_url: url.default('http://127.0.0.1:8080'),
  /** The realm as services inside reach it; default `<upstream_url>/keycloak/realms/<realm>` (embedded) or `<upstream_url>/realms/<realm>` (external). */
  internal_url: url.optional(),
  admin_client_id: z.string().min(1).default('hivematrix-admin'),
  admin_client_secret: secret,
  gateway_client_id: z.string().min(1).default('core-client'),
  gateway_client_secret: secret,
  login_max_failures: z.number().int().min(1).max(100).default(5),
  login_lockout_minutes: z.number().int().min(1).max(1440).default(15),
});

export const appDatabaseSchema = z.object({
  database: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
  role: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
  password: secret,
  /** A full URL that replaces the generated one (and is never provisioned by helm). */
  url: z.string().min(1).optional(),
});
export type AppDatabase = z.infer<typeof appDatabaseSchema>;

export const databasesSchema = z.object({
  /** `embedded`: helm runs PostgreSQL under instance/postgres; `external`: `admin_url`'s server. */
  mode: z.enum(['embedded', 'external']).default('embedded'),
  embedded: z.object({
    port: z.number().int().min(1).max(65535),
    superuser_password: secret,
  }),
  /** External mode: a role that may create roles and databases (helm creates only what is missing). */
  admin_url: z.string().min(1).optional(),
  /** Per app: its database, role and password (generated once). */
  apps: z.record(z.string(), appDatabaseSchema).default({}),
});

export const appSettingsSchema = z.object({
  /** The service's own secret for core's `/service-token`. */
  secret,
  /** `false`: helm neither configures nor starts it. */
  enabled: z.boolean().default(true),
  port: z.number().int().min(1).max(65535).optional(),
  /** Listen address; default 127.0.0.1 (0.0.0.0 for the gateway). */
  host: z.string().min(1).optional(),
  /** Extra or overriding variables for its env file. */
  env: z.record(envName, envValue).default({}),
});
export type AppSettings = z.infer<typeof appSettingsSchema>;

export const supervisorSchema = z.object({
  /** How long a starting service may take to answer /health at all. */
  start_timeout_s: z.number().min(1).max(600).default(60),
  /** How long an answering service may stay degraded before its dependants start anyway. */
  ready_timeout_s: z.number().min(0).max(600).default(20),
  /** Between SIGTERM and SIGKILL. */
  stop_grace_s: z.number().min(0.1).max(300).default(10),
  /** Crashes within `crash_window_s` after which a service is marked failed. */
  max_crashes: z.number().int().min(1).max(100).default(5),
  crash_window_s: z.number().min(1).max(3600).default(60),
  backoff_initial_ms: z.number().int().min(10).max(60_000).default(500),
  backoff_max_ms: z.number().int().min(10).max(600_000).default(30_000),
  health_interval_s: z.number().min(0.5).max(300).default(30),
  log_max_bytes: z
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  log_keep: z.number().int().min(1).max(100).default(5),
});
export type SupervisorSettings = z.infer<typeof supervisorSchema>;

/** Scheduled backups under instance/backups (manual ones are never pruned). */
export const backupSettingsSchema = z.object({
  schedule: z.boolean().default(true),
  /** The UTC hour after which the day's backup is made. */
  hour_utc: z.number().int().min(0).max(23).default(2),
  keep_daily: z.number().int().min(0).max(366).default(7),
  keep_weekly: z.number().int().min(0).max(520).default(4),
  keep_monthly: z.number().int().min(0).max(1200).default(12),
  /** Scheduled backups are encrypted (age, with the passphrase file below). False: plain tar.gz. */
  encrypt: z.boolean().default(true),
  /**
   * A file holding the passphrase scheduled backups are encrypted with (a path relative to the
   * instance folder, or absolute; 0600). Unset: secrets/backup-passphrase, generated at helm's
   * first start (backup/passphrase.ts).
   */
  passphrase_file: z.string().trim().min(1).max(4096).optional(),
  /**
   * A folder every backup is also copied to (another disk or a network mount; relative to the
   * instance folder, or absolute). Scheduled copies are pruned with the local ones.
   */
  copy_to: z.string().trim().min(1).max(4096).optional(),
});
export type BackupSettings = z.infer<typeof backupSettingsSchema>;

/** Alerts: where they are sent, and how long a service may be down before it is one. */
export const alertSettingsSchema = z.object({
  /** An http(s) URL alerts are POSTed to as JSON (`text` for chat webhooks). Unset: alerts are only shown in the console and logged. */
  webhook_url: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'an http:// or https:// URL')
    .optional(),
  /** How long a service that should run may go without answering before it is an alert. */
  down_after_s: z.number().int().min(10).max(3600).default(60),
  /** The mail server alerts are e-mailed through: smtp:// (STARTTLS required) or smtps://, the account in the URL. */
  smtp_url: z
    .string()
    .url()
    .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
    .optional(),
  /**
   * Let an smtp:// server that offers no STARTTLS be used in plain text (the account's password
   * then crosses the network readable). Only for a relay on this machine or a trusted network.
   * Unset: false.
   */
  smtp_allow_plaintext: z.boolean().optional(),
  /** Who receives alert e-mails, comma-separated. */
  email_to: z
    .string()
    .max(1000)
    .refine(
      (value) => value.split(',').every((address) => z.string().email().safeParse(address.trim()).success),
      'e-mail addresses, comma-separated',
    )
    .optional(),
  /** The sender; default hivematrix@<public hostname>. */
  email_from: z.string().email().optional(),
});
export type AlertSettings = z.infer<typeof alertSettingsSchema>;

export const masterConfigSchema = z.object({
  system: systemSchema.prefault({}),
  keycloak: keycloakSchema,
  databases: databasesSchema,
  redis: z
    .object({
      url: z
        .string()
        .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
        .optional(),
    })
    .prefault({}),
  supervisor: supervisorSchema.prefault({}),
  backups: backupSettingsSchema.prefault({}),
  alerts: alertSettingsSchema.prefault({}),
  apps: z.record(z.string(), appSettingsSchema).default({}),
});
export type MasterConfig = z.infer<typeof masterConfigSchema>;
