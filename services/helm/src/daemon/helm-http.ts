/**
 * Helm's own HTTP service, run inside the daemon: its database (migrated at boot), the app from
 * `buildApp`, and the retention job that keeps the log table within `system.log_retention_days`,
 * `system.log_max_rows` and `system.log_store_max_bytes`.
 */
import { connectPlatform } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { buildApp } from '../app.js';
import { backupConsole } from '../backup/index.js';
import { inheritedEnv, loadHelmServiceConfig } from '../config.js';
import { enforceLogRetention, schema } from '../db/index.js';
import type { LoadedPlatform } from '../generate/index.js';
import type { ServiceControl } from '../control.js';
import { runSecurityAudit, iptablesScript, ufwScript } from '../security/index.js';
import type { PlatformStatus } from '../status.js';
import { createIdentityAdmin, platformSessionsVia } from '../identity/index.js';
import { MetricsSampler } from '../metrics/index.js';
import { AlertMonitor } from '../alerts/index.js';

/** The running HTTP service. */
export interface HelmHttp {
  url: string;
  /** Raises and resolves alerts (the daemon's scheduled backup). */
  alerts: Pick<AlertMonitor, 'raise' | 'resolve'>;
  /** Deletes log entries older than the retention period or beyond the most kept; returns how many. */
  purge(): Promise<number>;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/**
 * Starts helm's HTTP service from its generated env file. `current` is the platform as last
 * (re)loaded: the audit, the backups and log retention read it on every use, so settings saved in
 * the console apply without restarting helm. The listener, the identity admin client and the
 * metrics sampler are set up once, from the platform at start.
 */
export async function startHelmHttp(
  current: () => LoadedPlatform,
  env: Record<string, string | undefined>,
  status: () => PlatformStatus,
  control: ServiceControl,
  hooks: { reload?: () => Promise<void> } = {},
): Promise<HelmHttp> {
  const loaded = current();
  const config = loadHelmServiceConfig(inheritedEnv(env), loaded.paths);
  // Helm does not ship its own logs to itself: they are already in instance/logs/helm.log.
  const platform = connectPlatform({
    SERVICE_NAME: config.SERVICE_NAME,
    LOG_LEVEL: config.LOG_LEVEL,
    CORE_SERVICE_URL: config.CORE_SERVICE_URL,
    SERVICE_SECRET: config.SERVICE_SECRET,
  });
  const database = openDatabase({ url: config.DATABASE_URL, applicationName: 'helm', schema, logger: platform.logger });
  const monitor = new AlertMonitor({
    db: database.db,
    status,
    now: () => new Date(),
    settings: () => current().config.alerts,
    audit: () => runSecurityAudit(current()),
    publicUrl: loaded.context.derived.publicUrl,
    logger: platform.logger,
  });
  try {
    await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../db/migrations'), logger: platform.logger });
    const app = await buildApp({
      service: config.SERVICE_NAME,
      trustedProxies: config.TRUSTED_PROXIES,
      coreUrl: config.CORE_SERVICE_URL,
      logger: platform.logger,
      db: database.db,
      ping: database.ping,
      verifier: platform.verifier,
      now: () => new Date(),
      status,
      control,
      publicUrl: loaded.context.derived.publicUrl,
      backups: backupConsole(current, control),
      security: {
        audit: () => runSecurityAudit(current()),
        ufwScript: () => ufwScript(current()),
        iptablesScript: () => iptablesScript(current()),
      },
      identity: createIdentityAdmin({
        tokenUrl: loaded.context.derived.identityTokenUrl,
        adminUrl: loaded.context.derived.identityAdminUrl,
        clientId: loaded.config.keycloak.admin_client_id,
        clientSecret: loaded.config.keycloak.admin_client_secret,
      }),
      ...(platform.serviceClient === undefined ? {} : { sessions: platformSessionsVia(platform.serviceClient) }),
      settings: { paths: loaded.paths, ...(hooks.reload === undefined ? {} : { reload: hooks.reload }) },
      alerts: { channels: () => monitor.channels(), sendTest: (actor) => monitor.test(actor) },
    });
    await app.listen({ host: config.HOST, port: config.PORT });
    const sampler = new MetricsSampler({
      db: database.db,
      status,
      now: () => new Date(),
      retentionMs: loaded.config.system.metrics_retention_days * DAY_MS,
    });
    sampler.start(loaded.config.system.metrics_interval_s * 1000, (error) =>
      platform.logger.warn({ err: error }, 'metrics sampling failed'),
    );
    // The monitor judges the services every 10 s and runs the security audit soon after start and
    // every 6 hours, so an exposed port or an expiring certificate is an alert without anyone asking.
    monitor.start(10_000, 6 * 3_600_000, (error) => platform.logger.warn({ err: error }, 'alert monitor failed'));
    return {
      url: `http://${config.HOST}:${config.PORT}`,
      alerts: monitor,
      purge: () => {
        const { system } = current().config;
        return enforceLogRetention(database.db, {
          receivedBefore: new Date(Date.now() - system.log_retention_days * DAY_MS),
          maxRows: system.log_max_rows,
          maxBytes: system.log_store_max_bytes,
        });
      },
      async close() {
        await monitor.stop();
        await sampler.stop();
        await app.close();
        await platform.close();
        await database.close();
      },
    };
  } catch (error) {
    await platform.close();
    await database.close();
    throw error;
  }
}
