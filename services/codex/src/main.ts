/**
 * Boots codex: configuration, platform connections, database and migrations, the sync runner
 * and its scheduler, then `buildApp` and listen. The only place that touches `process`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connectPlatform, loadServicesFile, runService } from '@hivematrix/sdk';
import { migrationsDir, openServiceDatabase } from '@hivematrix/sdk/db';
import { buildApp } from './app.js';
import { loadCodexConfig } from './config.js';
import { resealSecrets, schema } from './db/index.js';
import { integrationKeyring, keyringFrom } from './domain/index.js';
import { createSyncRunner, providersFromConfig, resolveSync } from './sync/index.js';

await runService({
  async start() {
    const loaded = loadCodexConfig(process.env);
    const services = loaded.SERVICES_FILE === undefined ? {} : await loadServicesFile(loaded.SERVICES_FILE);
    // services.json (written by helm) names knowledgetree's URL; KNOWLEDGETREE_SERVICE_URL serves codex run on its own.
    const config = {
      ...loaded,
      KNOWLEDGETREE_SERVICE_URL: services.knowledgetree?.url ?? loaded.KNOWLEDGETREE_SERVICE_URL,
    };
    const platform = connectPlatform(config);
    const database = await openServiceDatabase(config, {
      schema,
      migrations: migrationsDir(import.meta.url, 'db/migrations'),
      logger: platform.logger,
    });
    const now = () => new Date();
    const keyring = keyringFrom(config.CODEX_SECRET_KEY, config.CODEX_SECRET_KEY_PREVIOUS);
    const http = { fetch: globalThis.fetch, sleep: (ms: number) => sleep(ms), now: Date.now };
    const integrationRing = integrationKeyring(
      config.CODEX_SECRET_KEY,
      config.CODEX_SECRET_KEY_PREVIOUS,
      config.SERVICE_SECRET,
    );
    const runner = createSyncRunner({
      db: database.db,
      now,
      logger: platform.logger,
      secretKey: keyring,
      providers: providersFromConfig(config, http),
      schedule: config.SYNC_SCHEDULE,
      staleAfterMs: config.SYNC_STALE_AFTER,
      // The integrations page's settings are read when a run starts: saving them needs no restart.
      resolve: () => resolveSync(database.db, integrationRing, config, http),
    });
    if (config.SYNC_SCHEDULER) runner.startScheduler(60_000);
    if (config.CODEX_SECRET_KEY === undefined)
      platform.logger.warn('CODEX_SECRET_KEY is not set: secrets from the RMM are neither stored nor revealed');
    // After a key rotation, secrets sealed with a former key are re-sealed in the background.
    const resealing =
      keyring === undefined
        ? Promise.resolve()
        : resealSecrets(database.db, keyring, now).then(
            (report) => {
              if (report.resealed > 0)
                platform.logger.info(
                  { resealed: report.resealed },
                  'secrets re-sealed with the current CODEX_SECRET_KEY',
                );
              for (const secret of report.unreadable) {
                platform.logger.warn(
                  { secret: secret.secretId, asset: secret.assetId, hostname: secret.hostname, kind: secret.kind },
                  'a stored secret opens with no configured key; the next RMM sync replaces it',
                );
              }
            },
            (error: unknown) => platform.logger.error({ err: error }, 're-sealing secrets failed'),
          );
    const app = await buildApp({
      config,
      logger: platform.logger,
      db: database.db,
      ping: database.ping,
      verifier: platform.verifier,
      runner,
      now,
    });
    return {
      app,
      host: config.HOST,
      port: config.PORT,
      logger: platform.logger,
      close: async () => {
        await runner.close();
        await resealing;
        await database.close();
        await platform.close();
      },
    };
  },
});
