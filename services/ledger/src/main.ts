/**
 * Boots ledger: configuration, platform connections, database and migrations, the codex client,
 * then `buildApp` and listen. The only place that touches `process`.
 */
import { ConfigError, connectPlatform, createServiceClient, loadServicesFile, runService } from '@hivematrix/sdk';
import { migrationsDir, openServiceDatabase } from '@hivematrix/sdk/db';
import { buildApp } from './app.js';
import { monthEndRunner, startMonthEndScheduler } from './archive/index.js';
import { issuerFromConfig } from './invoicing/index.js';
import { httpCodexSource } from './codex/index.js';
import { loadLedgerConfig } from './config.js';
import { schema } from './db/index.js';

await runService({
  async start() {
    const loaded = loadLedgerConfig(process.env);
    // Behind helm, codex's address comes from services.json (its port may be moved there);
    // CODEX_SERVICE_URL serves a ledger run on its own.
    const services = loaded.SERVICES_FILE === undefined ? {} : await loadServicesFile(loaded.SERVICES_FILE);
    const config = { ...loaded, CODEX_SERVICE_URL: services.codex?.url ?? loaded.CODEX_SERVICE_URL };
    if (config.SERVICE_SECRET === undefined)
      throw new ConfigError([
        { variable: 'SERVICE_SECRET', message: 'required: ledger reads codex with service tokens' },
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
    const codex = httpCodexSource(client);
    const now = () => new Date();
    const app = await buildApp({
      config,
      logger: platform.logger,
      db: database.db,
      ping: database.ping,
      verifier: platform.verifier,
      codex,
      now,
    });
    // The month-end job on schedule; the database refuses a second run of a month, so every
    // instance may run the scheduler.
    const runMonthEnd = monthEndRunner({
      db: database.db,
      codex,
      now,
      issuer: issuerFromConfig(config),
      reviewThresholdPercent: config.REVIEW_THRESHOLD_PERCENT,
    });
    const scheduler = config.MONTH_END_ENABLED
      ? startMonthEndScheduler({
          schedule: { day: config.MONTH_END_DAY, hour: config.MONTH_END_HOUR, timeZone: config.BUSINESS_TIMEZONE },
          now,
          run: async (period) => {
            const report = await runMonthEnd({ period, triggeredBy: 'month-end scheduler', force: false });
            platform.logger.info(
              {
                period: report.period,
                status: report.status,
                accepted: report.accepted.length,
                already: report.already_accepted.length,
                cannot_bill: report.cannot_bill.length,
                flagged: report.flagged.length,
              },
              'month-end job',
            );
          },
          onError: (error) => platform.logger.error({ err: error }, 'month-end job failed; retrying at the next check'),
        })
      : undefined;
    return {
      app,
      host: config.HOST,
      port: config.PORT,
      logger: platform.logger,
      close: async () => {
        scheduler?.stop();
        await database.close();
        await platform.close();
      },
    };
  },
});
