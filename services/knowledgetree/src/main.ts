/**
 * Boots the knowledgetree service: configuration, platform connections, database and migrations,
 * then `buildApp` and listen. The only place that touches `process`.
 */
import { AppError, connectPlatform, createServiceClient, loadServicesFile, runService } from '@hivematrix/sdk';
import { codexSource, serviceCodexGet } from './codex/index.js';
import { codexSyncRunner, purgeTrash } from './domain/index.js';
import { codexCompanies } from './codex-companies.js';
import { migrationsDir, openServiceDatabase, scheduleJob } from '@hivematrix/sdk/db';
import { buildApp } from './app.js';
import { loadKnowledgetreeConfig } from './config.js';
import { schema } from './db/index.js';

await runService({
  async start() {
    const loaded = loadKnowledgetreeConfig(process.env);
    const services = loaded.SERVICES_FILE === undefined ? {} : await loadServicesFile(loaded.SERVICES_FILE);
    // services.json (written by helm) names codex's URL; CODEX_SERVICE_URL serves a service run on its own.
    const config = { ...loaded, CODEX_SERVICE_URL: services.codex?.url ?? loaded.CODEX_SERVICE_URL };
    const platform = connectPlatform(config);
    const database = await openServiceDatabase(config, {
      schema,
      migrations: migrationsDir(import.meta.url, 'db/migrations'),
      logger: platform.logger,
    });
    // The codex job reads codex with knowledgetree's own service token; without a secret it is off.
    const codexSync =
      config.SERVICE_SECRET === undefined
        ? undefined
        : codexSyncRunner({
            db: database.db,
            source: codexSource(
              serviceCodexGet(
                createServiceClient({
                  serviceName: config.SERVICE_NAME,
                  secret: config.SERVICE_SECRET,
                  coreUrl: config.CORE_SERVICE_URL,
                  services: { codex: { url: config.CODEX_SERVICE_URL } },
                }),
              ),
            ),
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
    // Trash older than TRASH_RETENTION_DAYS is purged hourly, and the codex sync started every
    // CODEX_SYNC_INTERVAL_MINUTES: each once across all instances (an advisory lock and the
    // job's last run in hivematrix_job_runs), every instance checking so one that dies is replaced.
    const purgeJob = scheduleJob(database.pool, {
      name: 'knowledgetree:trash-purge',
      everyMs: 3_600_000,
      runAtStart: true,
      run: () => purgeTrash(database.db, new Date(), config.TRASH_RETENTION_DAYS),
      onRun: (count) => {
        if (count > 0) platform.logger.info({ count }, 'purged trash');
      },
      onError: (error) => platform.logger.error({ err: error }, 'trash purge failed'),
    });
    const syncJob =
      codexSync === undefined || config.CODEX_SYNC_INTERVAL_MINUTES === 0
        ? undefined
        : scheduleJob(database.pool, {
            name: 'knowledgetree:codex-sync',
            everyMs: config.CODEX_SYNC_INTERVAL_MINUTES * 60_000,
            run: () => codexSync.start('schedule', 'schedule'),
            // A run already going (an admin's) is skipped; the next check starts the scheduled one.
            onError: (error) => {
              if (!(error instanceof AppError && error.code === 'conflict'))
                platform.logger.error({ err: error }, 'scheduled codex sync did not start');
            },
          });
    return {
      app,
      host: config.HOST,
      port: config.PORT,
      logger: platform.logger,
      close: async () => {
        await purgeJob.stop();
        await syncJob?.stop();
        await codexSync?.idle();
        await database.close();
        await platform.close();
      },
    };
  },
});
