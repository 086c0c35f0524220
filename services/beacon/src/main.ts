/**
 * Boots the beacon service: configuration, platform connections, database and migrations, the
 * codex client, then `buildApp` and listen. The only place that touches `process`.
 */
import { ConfigError, connectPlatform, createServiceClient, loadServicesFile, runService } from '@hivematrix/sdk';
import { migrationsDir, openServiceDatabase } from '@hivematrix/sdk/db';
import { buildApp } from './app.js';
import { httpCodexClient } from './codex/index.js';
import { loadBeaconConfig } from './config.js';
import { schema } from './db/index.js';

await runService({
  async start() {
    const loaded = loadBeaconConfig(process.env);
    // Behind helm, codex's address comes from services.json (its port may be moved there).
    const services = loaded.SERVICES_FILE === undefined ? {} : await loadServicesFile(loaded.SERVICES_FILE);
    const config = { ...loaded, CODEX_SERVICE_URL: services.codex?.url ?? loaded.CODEX_SERVICE_URL };
    if (config.SERVICE_SECRET === undefined)
      throw new ConfigError([
        { variable: 'SERVICE_SECRET', message: 'required: beacon reads codex with service tokens' },
      ]);
    const platform = connectPlatform(config);
    const database = await openServiceDatabase(config, {
      schema,
      migrations: migrationsDir(import.meta.url, 'db/migrations'),
      logger: platform.logger,
    });
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
      codex: httpCodexClient({ client, codexUrl: config.CODEX_SERVICE_URL }),
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
