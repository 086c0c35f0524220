/**
 * Runs ledger in-process for tests: its own throwaway database (migrated), platform keys from a
 * test key pair, a frozen clock and the codex source the test gives.
 */
import { createLocalKeySet, createLogger, createTokenVerifier, type ServiceApp } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { createTestDatabase, createTestKeys, type TestKeys } from '@hivematrix/sdk/testing';
import { buildApp } from '../src/app.js';
import type { CodexSource } from '../src/codex/source.js';
import { ledgerEnvSchema } from '../src/config.js';
import { schema } from '../src/db/schema.js';
import type { LedgerDb } from '../src/db/store.js';

export const FROZEN_NOW = new Date('2025-11-03T12:00:00Z');

export interface LedgerHarness {
  app: ServiceApp;
  keys: TestKeys;
  db: LedgerDb;
  query(sql: string): Promise<unknown>;
  token(level: 'admin' | 'technician' | 'billing' | 'client'): Promise<string>;
  close(): Promise<void>;
}

/** Starts ledger on a fresh database with `codex` as its codex. */
export async function startLedger(codex: CodexSource): Promise<LedgerHarness> {
  const testDb = await createTestDatabase('ledger');
  const database = openDatabase({ url: testDb.url, applicationName: 'ledger-test', schema });
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
  const keys = await createTestKeys();
  const config = ledgerEnvSchema.parse({
    SERVICE_NAME: 'ledger',
    DATABASE_URL: testDb.url,
    RATE_LIMIT_PER_MINUTE: '10000',
    LOG_LEVEL: 'warn',
    BUSINESS_TIMEZONE: 'Europe/Berlin',
  });
  const app = await buildApp({
    config,
    logger: createLogger({ service: 'ledger', level: 'silent' }),
    db: database.db,
    ping: database.ping,
    verifier: createTokenVerifier({
      keySet: createLocalKeySet(keys.jwks),
      serviceName: 'ledger',
      now: () => FROZEN_NOW.getTime(),
    }),
    codex,
    now: () => FROZEN_NOW,
  });
  await app.ready();
  return {
    app,
    keys,
    db: database.db,
    query: (sql) => database.pool.query(sql),
    token: (level) =>
      keys.mintUserToken({ permission_level: level, email: `${level}@msp.test` }, { now: FROZEN_NOW.getTime() }),
    async close() {
      await app.close();
      await database.close();
      await testDb.drop();
    },
  };
}
