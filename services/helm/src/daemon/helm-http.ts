/**
 * Helm's own HTTP service, run inside the daemon: its database (migrated at boot), the app from
 * `buildApp`, and the retention job that keeps the log table to `system.log_retention_days` and
 * `system.log_max_rows`.
 */
import { connectPlatform } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { buildApp } from '../app.js';
import { inheritedEnv, loadHelmServiceConfig } from '../config.js';
import { purgeLogEntries, trimLogEntries } from '../db/logs.js';
import { schema } from '../db/schema.js';
import type { LoadedPlatform } from '../generate/sync.js';
import type { ServiceControl } from '../control.js';
import { runSecurityAudit } from '../security/audit.js';
import { iptablesScript, ufwScript } from '../security/firewall.js';
import type { PlatformStatus } from '../status.js';

/** The running HTTP service. */
export interface HelmHttp {
  url: string;
  /** Deletes log entries older than the retention period or beyond the most kept; returns how many. */
  purge(): Promise<number>;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/** Starts helm's HTTP service from its generated env file. */
export async function startHelmHttp(
  loaded: LoadedPlatform,
  env: Record<string, string | undefined>,
  status: () => PlatformStatus,
  control: ServiceControl,
): Promise<HelmHttp> {
  const config = loadHelmServiceConfig(inheritedEnv(env), loaded.paths);
  // Helm does not ship its own logs to itself: they are already in instance/logs/helm.log.
  const platform = connectPlatform({
    SERVICE_NAME: config.SERVICE_NAME,
    LOG_LEVEL: config.LOG_LEVEL,
    CORE_SERVICE_URL: config.CORE_SERVICE_URL,
    SERVICE_SECRET: config.SERVICE_SECRET,
  });
  const database = openDatabase({ url: config.DATABASE_URL, applicationName: 'helm', schema, logger: platform.logger });
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
      security: { audit: () => runSecurityAudit(loaded), ufwScript: () => ufwScript(loaded), iptablesScript: () => iptablesScript(loaded) },
    });
    await app.listen({ host: config.HOST, port: config.PORT });
    // The audit runs at start too, so an exposed port shows in helm's log without anyone asking.
    runSecurityAudit(loaded)
      .then((report) => {
        for (const finding of report.findings.filter((item) => item.severity === 'high')) platform.logger.warn({ finding }, `security audit: ${finding.title}`);
      })
      .catch((error: unknown) => platform.logger.warn({ err: error }, 'security audit failed'));
    return {
      url: `http://${config.HOST}:${config.PORT}`,
      purge: async () =>
        (await purgeLogEntries(database.db, new Date(Date.now() - loaded.config.system.log_retention_days * DAY_MS))) +
        (await trimLogEntries(database.db, loaded.config.system.log_max_rows)),
      async close() {
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
