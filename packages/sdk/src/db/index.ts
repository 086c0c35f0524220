/**
 * `@hivematrix/sdk/db`: PostgreSQL everywhere. Open a service's pool and Drizzle instance, apply
 * its committed migrations, provision a role and database per service, and run the embedded
 * server when no external one is configured.
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
export { freePort, startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded.js';
export { databaseEnv, openServiceDatabase, type ServiceDatabaseSettings } from './service-database.js';
