/**
 * Boots the template service: configuration, platform connections, database and migrations,
 * then `buildApp` and listen. The only place that touches `process`.
 */
import { connectPlatform, runService } from '@hivematrix/sdk';
import { migrationsDir, openServiceDatabase } from '@hivematrix/sdk/db';
import { buildApp } from './app.js';
import { loadTemplateConfig } from './config.js';
import { schema } from './db/schema.js';

await runService({
  async start() {
    const config = loadTemplateConfig(process.env);
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
