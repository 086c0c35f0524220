/**
 * `@hivematrix/sdk/db`: PostgreSQL everywhere. Open a service's pool and Drizzle instance, apply
 * its committed migrations, provision a role and database per service, run the embedded server
 * when no external one is configured, and run a scheduled job once across instances (advisory locks).
 */
export { openDatabase, type Database, type DbLogger, type OpenDatabaseOptions } from './open.js';
export { migrate, migrationsDir, MigrationError, type MigrateOptions, type MigrateResult } from './migrate.js';
export {
  assertIdentifier,
  databaseUrl,
  dropDatabase,
  dropRole,
  ensureDatabase,
  type DatabaseGrant,
  type ProvisionOptions,
} from './provision.js';
export { freePort } from './free-port.js';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded.js';
export { databaseEnv, openServiceDatabase, type ServiceDatabaseSettings } from './service-database.js';
export {
  advisoryLockKey,
  defaultCheckMs,
  JOB_RUNS_TABLE,
  runExclusive,
  runIfDue,
  scheduleJob,
  withTransactionLock,
  type ExclusiveResult,
  type JobTimer,
  type PeriodicJob,
  type PeriodicResult,
} from './run-once.js';
