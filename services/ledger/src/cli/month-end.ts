/**
 * `tsx services/ledger/src/cli/month-end.ts [--month YYYY-MM] [--force] [--database-url URL]`
 *
 * Runs the month-end job once (default: the previous month in BUSINESS_TIMEZONE) and prints its
 * report as JSON. Like the scheduled run it never runs twice for a month ("already_ran"). Reads
 * codex with ledger's service secret, as the service does (configuration from ledger's .env).
 */
import { parseArgs } from 'node:util';
import { createServiceClient, loadServicesFile } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { monthEndRunner, previousMonth } from '../archive/index.js';
import { httpCodexSource } from '../codex/index.js';
import { loadLedgerConfig } from '../config.js';
import { schema } from '../db/index.js';
import { parsePeriod } from '../engine/index.js';
import { issuerFromConfig } from '../invoicing/index.js';

const { values } = parseArgs({
  options: {
    month: { type: 'string' },
    force: { type: 'boolean', default: false },
    'database-url': { type: 'string' },
  },
});

const config = loadLedgerConfig(process.env);
if (config.SERVICE_SECRET === undefined)
  throw new Error('SERVICE_SECRET is required: the month-end job reads codex with a service token');
const services = config.SERVICES_FILE === undefined ? {} : await loadServicesFile(config.SERVICES_FILE);
const database = openDatabase({
  url: values['database-url'] ?? config.DATABASE_URL,
  applicationName: 'ledger-month-end',
  schema,
  statementTimeoutMs: 0,
});
try {
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../db/migrations') });
  const client = createServiceClient({
    serviceName: config.SERVICE_NAME,
    secret: config.SERVICE_SECRET,
    coreUrl: config.CORE_SERVICE_URL,
    services: { codex: { url: services.codex?.url ?? config.CODEX_SERVICE_URL } },
  });
  const now = () => new Date();
  const period =
    values.month === undefined ? previousMonth(now(), config.BUSINESS_TIMEZONE) : parsePeriod(values.month);
  const run = monthEndRunner({
    db: database.db,
    codex: httpCodexSource(client),
    now,
    issuer: issuerFromConfig(config),
    reviewThresholdPercent: config.REVIEW_THRESHOLD_PERCENT,
  });
  const report = await run({ period, triggeredBy: 'month-end CLI', force: values.force });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    `${report.period}: ${report.status}; accepted ${report.accepted.length}, already accepted ${report.already_accepted.length}, cannot bill ${report.cannot_bill.length}, flagged for review ${report.flagged.length}\n`,
  );
} catch (error) {
  // The run is recorded as failed and may be run again.
  process.stderr.write(`month-end job failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
