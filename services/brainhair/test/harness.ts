/**
 * Runs the brainhair in-process for tests: its own throwaway database (migrated), platform keys
 * from a test key pair, a frozen clock. Nothing listens on a port unless a test asks.
 */
import { createTokenVerifier, createLocalKeySet, createLogger } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { createTestDatabase, createTestKeys, type TestKeys } from '@hivematrix/sdk/testing';
import type { ServiceApp } from '@hivematrix/sdk';
import { buildApp } from '../src/app.js';
import { brainhairEnvSchema } from '../src/config.js';
import { schema } from '../src/db/schema.js';

export interface BrainhairHarness {
  app: ServiceApp;
  keys: TestKeys;
  close(): Promise<void>;
}

export const FROZEN_NOW = new Date('2026-11-25T12:00:00Z');

/** Starts the brainhair on a fresh database. `isRevoked` plugs in a revocation feed. */
export async function startBrainhair(
  options: { rateLimitPerMinute?: number; isRevoked?: (jti: string) => boolean } = {},
): Promise<BrainhairHarness> {
  const testDb = await createTestDatabase('brainhair');
  const database = openDatabase({ url: testDb.url, applicationName: 'brainhair-test', schema });
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
  const keys = await createTestKeys();
  const config = brainhairEnvSchema.parse({
    SERVICE_NAME: 'brainhair',
    DATABASE_URL: testDb.url,
    RATE_LIMIT_PER_MINUTE: String(options.rateLimitPerMinute ?? 1000),
    LOG_LEVEL: 'warn',
  });
  const app = await buildApp({
    config,
    logger: createLogger({ service: 'brainhair', level: 'silent' }),
    db: database.db,
    ping: database.ping,
    verifier: createTokenVerifier({
      keySet: createLocalKeySet(keys.jwks),
      serviceName: 'brainhair',
      now: () => FROZEN_NOW.getTime(),
      ...(options.isRevoked ? { isRevoked: options.isRevoked } : {}),
    }),
    now: () => FROZEN_NOW,
  });
  await app.ready();
  return {
    app,
    keys,
    async close() {
      await app.close();
      await database.close();
      await testDb.drop();
    },
  };
}
