/**
 * Boots the knowledgetree service: configuration, platform connections, database and migrations,
 * then `buildApp` and listen. The only place that touches `process`.
 */
import { AppError, connectPlatform, createServiceClient, loadServicesFile, runService } from '@hivematrix/sdk';
import { codexSource, serviceCodexGet } from './codex/source.js';
import { codexSyncRunner } from './domain/codex-sync.js';
import { codexCompanies } from './codex-companies.js';
import { purgeTrash } from './domain/tree.js';
import { migrationsDir, openServiceDatabase } from '@hivematrix/sdk/db';
import { buildApp } from './app.js';
import { loadKnowledgetreeConfig } from './config.js';
import { schema } from './db/schema.js';

await runService({
  async start() {
    const loaded = loadKnowledgetreeConfig(process.env);
    const services = loaded.SERVICES_FILE === undefined ? {} : await loadServicesFile(loaded.SERVICES_FILE);
    // services.json (written by helm) names codex's URL; CODEX_SERVICE_URL serves a service run on its own.
    const config = { ...loaded, CODEX_SERVICE_URL: services.codex?.url ?? loaded.CODEX_SERVICE_URL };
    const platform = connectPlatform(config);
    const database = await openServiceDatabase(config, { schema, migrations: migrationsDir(import.meta.url, 'db/migrations'), logger: platform.logger });
    // The codex job reads codex with knowledgetree's own service token; without a secret it is off.
    const codexSync = config.SERVICE_SECRET === undefined ? undefined : codexSyncRunner({
      db: database.db,
      source: codexSource(serviceCodexGet(createServiceClient({
        serviceName: config.SERVICE_NAME,
        secret: config.SERVICE_SECRET,
        coreUrl: config.CORE_SERVICE_URL,
        services: { codex: { url: config.CODEX_SERVICE_URL } },
      }))),
      now: () => new Date(),
      onError: (error) => platform.logger.error({ err: error }, 'codex sync failed'),
    });
    if (codexSync === undefined) platform.logger.warn('SERVICE_SECRET is not set: the codex sync is off');
    const app = await buildApp({
      config,
      logger: platform.logger,
      db: database.db,
      ping: database.ping,
      verifier: platform.verifier,
      now: () => new Date(),
      companiesOf: codexCompanies(config.CODEX_SERVICE_URL),
      ...(codexSync === undefined ? {} : { codexSync }),
    });
    // Trash older than TRASH_RETENTION_DAYS is purged hourly (and at start). The delete is
    // idempotent, so several instances may all run it.
    const purge = () => {
      purgeTrash(database.db, new Date(), config.TRASH_RETENTION_DAYS)
        .then((count) => { if (count > 0) platform.logger.info({ count }, 'purged trash'); })
        .catch((error: unknown) => platform.logger.error({ err: error }, 'trash purge failed'));
    };
    purge();
    const purgeTimer = setInterval(purge, 3_600_000);
    purgeTimer.unref();
    // The scheduled codex sync; a run already going (another instance, an admin's) is simply skipped.
    const syncTimer = codexSync === undefined || config.CODEX_SYNC_INTERVAL_MINUTES === 0 ? undefined : setInterval(() => {
      codexSync.start('schedule', 'schedule').catch((error: unknown) => {
        if (!(error instanceof AppError && error.code === 'conflict')) platform.logger.error({ err: error }, 'scheduled codex sync did not start');
      });
    }, config.CODEX_SYNC_INTERVAL_MINUTES * 60_000);
    syncTimer?.unref();
    return {
      app,
      host: config.HOST,
      port: config.PORT,
      logger: platform.logger,
      close: async () => {
        clearInterval(purgeTimer);
        if (syncTimer !== undefined) clearInterval(syncTimer);
        await codexSync?.idle();
        await database.close();
        await platform.close();
      },
    };
  },
});
