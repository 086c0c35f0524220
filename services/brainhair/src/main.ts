/**
 * Boots the brainhair service: configuration, platform connections, database and migrations, the
 * other services' addresses, the model, then `buildApp` and listen. The only place that touches
 * `process`.
 */
import { createHash } from 'node:crypto';
import { connectPlatform, loadServicesFile, runService } from '@hivematrix/sdk';
import { migrationsDir, openServiceDatabase } from '@hivematrix/sdk/db';
import { buildApp } from './app.js';
import { createModel } from './chat/index.js';
import { loadBrainhairConfig, readModelKey } from './config.js';
import { schema } from './db/index.js';
import { createPlatformClient } from './platform/index.js';

await runService({
  async start() {
    const loaded = loadBrainhairConfig(process.env);
    // Behind helm the other services' addresses come from services.json; the variables serve a
    // brainhair run on its own.
    const services = loaded.SERVICES_FILE === undefined ? {} : await loadServicesFile(loaded.SERVICES_FILE);
    const config = {
      ...loaded,
      CODEX_SERVICE_URL: services.codex?.url ?? loaded.CODEX_SERVICE_URL,
      LEDGER_SERVICE_URL: services.ledger?.url ?? loaded.LEDGER_SERVICE_URL,
      KNOWLEDGETREE_SERVICE_URL: services.knowledgetree?.url ?? loaded.KNOWLEDGETREE_SERVICE_URL,
    };
    const model = createModel(config, readModelKey(config.BRAINHAIR_MODEL_KEY_FILE));
    const platform = connectPlatform(config);
    const database = await openServiceDatabase(config, {
      schema,
      migrations: migrationsDir(import.meta.url, 'db/migrations'),
      logger: platform.logger,
    });
    const app = await buildApp({
      config,
      logger: platform.logger,
      db: database.db,
      ping: database.ping,
      verifier: platform.verifier,
      platform: createPlatformClient({
        urls: {
          codex: config.CODEX_SERVICE_URL,
          ledger: config.LEDGER_SERVICE_URL,
          knowledgetree: config.KNOWLEDGETREE_SERVICE_URL,
        },
        timeoutMs: config.BRAINHAIR_TOOL_TIMEOUT_MS,
      }),
      model,
      // Placeholders must not be guessable from outside: keyed by the service's own secret.
      redactionKey: createHash('sha256')
        .update(`brainhair-redaction:${config.SERVICE_SECRET ?? config.DATABASE_URL ?? 'local'}`)
        .digest('hex'),
      now: () => new Date(),
    });
    platform.logger.info(
      { provider: config.BRAINHAIR_MODEL_PROVIDER, model: config.BRAINHAIR_MODEL },
      'brainhair model',
    );
    return {
      app,
      host: config.HOST,
      port: config.PORT,
      logger: platform.logger,
      close: async () => {
        await database.close();
        await platform.close();
      },
    };
  },
});
