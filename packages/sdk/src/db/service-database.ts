/**
 * A service's own database as every `main.ts` opens it: the configuration variables every
 * service with a database shares, and one call that opens the pool and applies the committed
 * migrations before the service accepts a request.
 */
import { z } from 'zod';
import { zUrl } from '../config/base-schema.js';
import { migrate } from './migrate.js';
import { openDatabase, type Database, type DbLogger } from './open.js';

/** The database variables of a service's configuration schema; spread them into it. */
export const databaseEnv = {
  DATABASE_URL: zUrl.describe(
    "PostgreSQL URL of the service's own database (helm writes it into instance/<service>/.env)",
  ),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10).describe('Largest number of database connections'),
  DB_STATEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(15_000)
    .describe('Longest a single SQL statement may run'),
};

/** The settings `openServiceDatabase` reads from a service's parsed configuration. */
export interface ServiceDatabaseSettings {
  SERVICE_NAME: string;
  DATABASE_URL: string;
  DB_POOL_MAX: number;
  DB_STATEMENT_TIMEOUT_MS: number;
}

/**
 * Opens the service's database and applies its migrations (under the migration lock, so several
 * instances may boot at once). `migrations` is the folder, from `migrationsDir(import.meta.url, …)`.
 */
export async function openServiceDatabase<TSchema extends Record<string, unknown>>(
  config: ServiceDatabaseSettings,
  options: { schema: TSchema; migrations: string; logger?: DbLogger },
): Promise<Database<TSchema>> {
  const database = openDatabase({
    url: config.DATABASE_URL,
    poolMax: config.DB_POOL_MAX,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    applicationName: config.SERVICE_NAME,
    schema: options.schema,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    await migrate(database.pool, { dir: options.migrations, ...(options.logger ? { logger: options.logger } : {}) });
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
