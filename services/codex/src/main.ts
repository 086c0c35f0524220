/**
 * Boots codex: configuration, platform connections, database and migrations, the sync runner
 * and its scheduler, then `buildApp` and listen. The only place that touches `process`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connectPlatform, runService } from '@hivematrix/sdk';
import { migrationsDir, openServiceDatabase } from '@hivematrix/sdk/db';
import { buildApp } from './app.js';
import { loadCodexConfig } from './config.js';
import { schema } from './db/schema.js';
import { providersFromConfig } from './sync/providers.js';
import { createSyncRunner } from './sync/runner.js';

await runService({
  async start() {
    const config = loadCodexConfig(process.env);
    const platform = connectPlatform(config);
    const database = await openServiceDatabase(config, { schema, migrations: migrationsDir(import.meta.url, 'db/migrations'), logger: platform.logger });
    const now = () => new Date();
    const runner = createSyncRunner({
      db: database.db,
      now,
      logger: platform.logger,
      secretKey: config.CODEX_SECRET_KEY,
      providers: providersFromConfig(config, { fetch: globalThis.fetch, sleep: (ms) => sleep(ms), now: Date.now }),
      schedule: config.SYNC_SCHEDULE,
      staleAfterMs: config.SYNC_STALE_AFTER,
    });
    if (config.SYNC_SCHEDULER) runner.startScheduler(60_000);
    if (config.CODEX_SECRET_KEY === undefined) platform.logger.warn('CODEX_SECRET_KEY is not set: secrets from the RMM are neither stored nor revealed');
    const app = await buildApp({ config, logger: platform.logger, db: database.db, ping: database.ping, verifier: platform.verifier, runner, now });
    return {
      app,
      host: config.HOST,
      port: config.PORT,
      logger: platform.logger,
      close: async () => {
        await runner.close();
        await database.close();
        await platform.close();
      },
    };
  },
});
