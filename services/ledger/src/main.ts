/**
 * Boots ledger: configuration, platform connections, database and migrations, the codex client,
 * then `buildApp` and listen. The only place that touches `process`.
 */
import { ConfigError, connectPlatform, createServiceClient, loadServicesFile, runService } from '@hivematrix/sdk';
import { migrationsDir, openServiceDatabase } from '@hivematrix/sdk/db';
import { buildApp } from './app.js';
import { httpCodexSource } from './codex/source.js';
import { loadLedgerConfig } from './config.js';
import { schema } from './db/schema.js';

await runService({
  async start() {
    const loaded = loadLedgerConfig(process.env);
    // Behind helm, codex's address comes from services.json (its port may be moved there);
    // CODEX_SERVICE_URL serves a ledger run on its own.
    const services = loaded.SERVICES_FILE === undefined ? {} : await loadServicesFile(loaded.SERVICES_FILE);
    const config = { ...loaded, CODEX_SERVICE_URL: services.codex?.url ?? loaded.CODEX_SERVICE_URL };
    if (config.SERVICE_SECRET === undefined) throw new ConfigError([{ variable: 'SERVICE_SECRET', message: 'required: ledger reads codex with service tokens' }]);
    const platform = connectPlatform(config);
    const database = await openServiceDatabase(config, { schema, migrations: migrationsDir(import.meta.url, 'db/migrations'), logger: platform.logger });
    const client = createServiceClient({
      serviceName: config.SERVICE_NAME,
      secret: config.SERVICE_SECRET,
      coreUrl: config.CORE_SERVICE_URL,
      services: { codex: { url: config.CODEX_SERVICE_URL } },
    });
    const app = await buildApp({
      config,
      logger: platform.logger,
      db: database.db,
      ping: database.ping,
      verifier: platform.verifier,
      codex: httpCodexSource(client),
      now: () => new Date(),
    });
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
