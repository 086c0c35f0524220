/**
 * Runs the beacon in-process for tests: its own throwaway database (migrated), platform keys
 * from a test key pair, a frozen clock. Nothing listens on a port unless a test asks.
 */
import { createTokenVerifier, createLocalKeySet, createLogger } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { createTestDatabase, createTestKeys, type TestKeys } from '@hivematrix/sdk/testing';
import type { ServiceApp } from '@hivematrix/sdk';
import { buildApp } from '../src/app.js';
import { beaconEnvSchema } from '../src/config.js';
import { schema } from '../src/db/schema.js';

export interface BeaconHarness {
  app: ServiceApp;
  keys: TestKeys;
  close(): Promise<void>;
}

export const FROZEN_NOW = new Date('2026-11-25T12:00:00Z');

/** Starts the beacon on a fresh database. `isRevoked` plugs in a revocation feed. */
export async function startBeacon(
  options: { rateLimitPerMinute?: number; isRevoked?: (jti: string) => boolean } = {},
): Promise<BeaconHarness> {
  const testDb = await createTestDatabase('beacon');
  const database = openDatabase({ url: testDb.url, applicationName: 'beacon-test', schema });
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
  const keys = await createTestKeys();
  const config = beaconEnvSchema.parse({
    SERVICE_NAME: 'beacon',
    DATABASE_URL: testDb.url,
    RATE_LIMIT_PER_MINUTE: String(options.rateLimitPerMinute ?? 1000),
    LOG_LEVEL: 'warn',
  });
  const app = await buildApp({
    config,
    logger: createLogger({ service: 'beacon', level: 'silent' }),
    db: database.db,
    ping: database.ping,
    verifier: createTokenVerifier({
      keySet: createLocalKeySet(keys.jwks),
      serviceName: 'beacon',
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
