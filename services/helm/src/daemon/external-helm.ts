/**
 * Helm in external mode (`HELM_MODE=external`, as the Kubernetes manifests run it): the same
 * console, log store, metrics history and alerts as on one machine, but helm starts no process.
 * The services' state comes from polling their /health at the URLs of services.json; start, stop,
 * restart, enable and disable answer 409 (whoever runs the pods does that); logs arrive through
 * the same shipping endpoint; alerts are judged from the polled health. Everything helm keeps is
 * in its PostgreSQL database, so the pod itself holds no state.
 */
import type { FastifyBaseLogger } from 'fastify';
import { ConfigError, type ServiceApp, type ServiceClient, type TokenVerifier } from '@hivematrix/sdk';
import { migrationsDir, openServiceDatabase } from '@hivematrix/sdk/db';
import { AlertMonitor } from '../alerts/index.js';
import { buildApp } from '../app.js';
import type { ExternalHelmConfig } from '../config.js';
import { enforceLogRetention, schema } from '../db/index.js';
import { platformSessionsVia } from '../identity/index.js';
import { MetricsSampler } from '../metrics/index.js';
import { report } from '../security/index.js';
import { alertSettingsSchema, systemSchema } from '../settings/index.js';
import type { AlertSettings } from '../settings/index.js';
import type { PlatformStatus } from '../status.js';
import { healthProbeTrusting } from '../supervisor/index.js';
import type { HealthProbe } from '../supervisor/index.js';
import { refusingControl, unavailableHostAudit, HealthPoller } from '../external/index.js';
import type { WatchedService } from '../external/index.js';

export interface ExternalHelmDeps {
  config: ExternalHelmConfig;
  /** The services to watch (services.json). */
  services: readonly WatchedService[];
  logger: FastifyBaseLogger;
  verifier: TokenVerifier;
  /** Helm's own client to core (revoking sessions after user actions); absent without SERVICE_SECRET. */
  serviceClient?: ServiceClient;
  now?: () => Date;
  /** Tests script answers; default: HTTP, accepting the self-signed certificate of a watched service's own host. */
  probe?: HealthProbe;
  /** How often the alert monitor judges the services (default 10 s). */
  alertIntervalMs?: number;
}

/** The built service: `app` is not listening yet (runService listens and drains). */
export interface ExternalHelm {
  app: ServiceApp;
  poller: HealthPoller;
  monitor: AlertMonitor;
  status: () => PlatformStatus;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/** The alert settings from ALERT_* (the master configuration's `alerts` on one machine). */
export function externalAlertSettings(config: ExternalHelmConfig): AlertSettings {
  const parsed = alertSettingsSchema.safeParse({
    down_after_s: config.ALERT_DOWN_AFTER_S,
    webhook_url: config.ALERT_WEBHOOK_URL,
    smtp_url: config.ALERT_SMTP_URL,
    email_to: config.ALERT_EMAIL_TO,
    email_from: config.ALERT_EMAIL_FROM,
  });
  if (parsed.success) return parsed.data;
  const variable = (path: PropertyKey | undefined): string =>
    path === 'down_after_s' ? 'ALERT_DOWN_AFTER_S' : `ALERT_${String(path).toUpperCase()}`;
  throw new ConfigError(
    parsed.error.issues.map((issue) => ({ variable: variable(issue.path[0]), message: issue.message })),
  );
}

/** Builds helm's external-mode service: database (migrated), poller (one round done), app, monitor, sampler. */
export async function buildExternalHelm(deps: ExternalHelmDeps): Promise<ExternalHelm> {
  const { config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const alertSettings = externalAlertSettings(config);
  // The defaults of the master configuration's `system` section: retention and sampling as on one machine.
  const system = systemSchema.parse({});
  const database = await openServiceDatabase(config, {
    schema,
    migrations: migrationsDir(import.meta.url, '../db/migrations'),
    logger,
  });
  const startedAt = now();
  const poller = new HealthPoller({
    services: deps.services,
    probe: deps.probe ?? healthProbeTrusting(deps.services.map((service) => new URL(service.url).hostname)),
    timeoutMs: config.HELM_PROBE_TIMEOUT,
    now: () => now().getTime(),
  });
  const status = (): PlatformStatus => ({
    daemon: {
      pid: process.pid,
      state: 'running',
      started_at: startedAt.toISOString(),
      public_url: config.NEXUS_URL,
      // No first-admin password file: the cluster's identity provider was set up by its operator.
      admin_password_file: '',
      backup_passphrase_file: null,
      steps: [],
      error: null,
      managed_by: config.HELM_MANAGED_BY,
    },
    services: poller.views(),
  });
  const monitor = new AlertMonitor({
    db: database.db,
    status,
    now,
    settings: () => alertSettings,
    // The host audit inspects one machine's listeners, files and firewall; a pod has none to judge.
    audit: () => Promise.resolve(report(now(), [], [])),
    publicUrl: config.NEXUS_URL,
    logger,
  });
  const sampler = new MetricsSampler({
    db: database.db,
    status,
    now,
    retentionMs: system.metrics_retention_days * DAY_MS,
  });
  const timers: NodeJS.Timeout[] = [];
  try {
    await poller.round();
    const app = await buildApp({
      service: config.SERVICE_NAME,
      trustedProxies: config.TRUSTED_PROXIES,
      coreUrl: config.CORE_SERVICE_URL,
      logger,
      db: database.db,
      ping: database.ping,
      verifier: deps.verifier,
      now,
      status,
      control: refusingControl(config.HELM_MANAGED_BY),
      publicUrl: config.NEXUS_URL,
      security: { audit: unavailableHostAudit(config.HELM_MANAGED_BY), ufwScript: () => '', iptablesScript: () => '' },
      ...(deps.serviceClient === undefined ? {} : { sessions: platformSessionsVia(deps.serviceClient) }),
      alerts: { channels: () => monitor.channels(), sendTest: (actor) => monitor.test(actor) },
    });
    poller.start(config.HELM_POLL_INTERVAL, (error) => logger.warn({ err: error }, 'health polling failed'));
    sampler.start(system.metrics_interval_s * 1000, (error) => logger.warn({ err: error }, 'metrics sampling failed'));
    monitor.start(deps.alertIntervalMs ?? 10_000, 6 * 3_600_000, (error) =>
      logger.warn({ err: error }, 'alert monitor failed'),
    );
    const purge = (): void => {
      enforceLogRetention(database.db, {
        receivedBefore: new Date(now().getTime() - system.log_retention_days * DAY_MS),
        maxRows: system.log_max_rows,
        maxBytes: system.log_store_max_bytes,
      }).then(
        (deleted) => {
          if (deleted > 0) logger.info({ deleted }, 'old log entries removed');
        },
        (error: unknown) => logger.warn({ err: error }, 'log retention failed'),
      );
    };
    const retention = setInterval(purge, 6 * 3_600_000);
    retention.unref();
    timers.push(retention);
    return {
      app,
      poller,
      monitor,
      status,
      async close() {
        for (const timer of timers) clearInterval(timer);
        await poller.stop();
        await monitor.stop();
        await sampler.stop();
        await app.close();
        await database.close();
      },
    };
  } catch (error) {
    await poller.stop();
    await database.close();
    throw error;
  }
}
