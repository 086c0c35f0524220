/**
 * Boots identity: configuration, logging (shipped to helm when configured), database and
 * migrations, the first admin on a fresh realm, then `buildApp` and listen. The only place that
 * touches `process`.
 *
 * Unlike other services it does not subscribe to core's revocation feed: it accepts no platform
 * tokens, so it has no use for it.
 */
import path from 'node:path';
import { createLogDestination, createLogShipper, createLogger, createServiceClient, runService } from '@hivematrix/sdk';
import { migrationsDir, openServiceDatabase } from '@hivematrix/sdk/db';
import { buildApp } from './app.js';
import { instanceDirFrom, loadIdentityConfig, type IdentityConfig } from './config.js';
import { schema } from './db/index.js';
import { createPasswordHasher, ensureInitialAdmin, generatePassword } from './domain/index.js';

/** The JSON logger, shipping to helm when helm's URL and this service's secret are known. */
function createIdentityLogger(config: IdentityConfig) {
  const shipper =
    config.SERVICE_SECRET !== undefined && config.HELM_SERVICE_URL !== undefined
      ? (() => {
          const client = createServiceClient({
            serviceName: config.SERVICE_NAME,
            secret: config.SERVICE_SECRET,
            coreUrl: config.CORE_SERVICE_URL,
            services: { helm: { url: config.HELM_SERVICE_URL } },
          });
          return createLogShipper({
            service: config.SERVICE_NAME,
            helmUrl: config.HELM_SERVICE_URL,
            getToken: () => client.getServiceToken('helm'),
            invalidateToken: () => client.invalidateToken('helm'),
          });
        })()
      : undefined;
  const logger = createLogger({
    service: config.SERVICE_NAME,
    level: config.LOG_LEVEL,
    destination: createLogDestination(shipper),
  });
  return { logger, close: async () => shipper?.close() };
}

await runService({
  async start() {
    const config = loadIdentityConfig(process.env);
    const logging = createIdentityLogger(config);
    const database = await openServiceDatabase(config, {
      schema,
      migrations: migrationsDir(import.meta.url, 'db/migrations'),
      logger: logging.logger,
    });
    const passwords = await createPasswordHasher();
    const initial = await ensureInitialAdmin({
      db: database.db,
      passwords,
      secretsDir: path.join(instanceDirFrom(process.env), 'secrets'),
      generatePassword: () => generatePassword(),
      // Straight to the terminal, once: a password must not travel through the log pipeline.
      announce: (text) => process.stdout.write(text),
    });
    if (initial.created) logging.logger.info({ file: initial.file }, 'created the first admin user');

    // Identity tells core when a user's access changes, with its own service token.
    const coreClient =
      config.SERVICE_SECRET === undefined
        ? undefined
        : createServiceClient({
            serviceName: config.SERVICE_NAME,
            secret: config.SERVICE_SECRET,
            coreUrl: config.CORE_SERVICE_URL,
            services: {},
          });
    const app = await buildApp({
      config,
      logger: logging.logger,
      db: database.db,
      ping: database.ping,
      now: () => new Date(),
      passwords,
      coreClient,
    });
    return {
      app,
      host: config.HOST,
      port: config.PORT,
      logger: logging.logger,
      close: async () => {
        await database.close();
        await logging.close();
      },
    };
  },
});
