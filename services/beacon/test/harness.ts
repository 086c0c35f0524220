/**
 * Runs beacon in-process for tests: its own throwaway database (migrated), platform keys from a
 * test key pair, a fake codex and a clock the test moves. Nothing listens unless a test asks.
 */
import { createTokenVerifier, createLocalKeySet, createLogger } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { createTestDatabase, createTestKeys, type TestKeys } from '@hivematrix/sdk/testing';
import type { ServiceApp } from '@hivematrix/sdk';
import { buildApp } from '../src/app.js';
import { beaconEnvSchema } from '../src/config.js';
import type { BeaconDb } from '../src/db/links.js';
import { schema } from '../src/db/schema.js';
import type { BoardSource } from '../src/live/board-source.js';
import { fakeCodex, type FakeCodex } from './fake-codex.js';
import type { CodexTicket } from '../src/domain/rows.js';

export interface BeaconHarness {
  app: ServiceApp & { board: BoardSource };
  keys: TestKeys;
  codex: FakeCodex;
  db: BeaconDb;
  /** Moves the clock on. */
  advance(ms: number): void;
  now(): Date;
  token(level: 'admin' | 'technician' | 'billing' | 'client', username?: string): Promise<string>;
  close(): Promise<void>;
}

export const FROZEN_NOW = new Date('2026-11-25T12:00:00Z');

/** Starts beacon on a fresh database with a fake codex holding `tickets`. */
export async function startBeacon(
  options: { tickets?: CodexTicket[]; env?: Record<string, string> } = {},
): Promise<BeaconHarness> {
  const testDb = await createTestDatabase('beacon');
  const database = openDatabase({ url: testDb.url, applicationName: 'beacon-test', schema });
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
  const keys = await createTestKeys();
  let current = FROZEN_NOW.getTime();
  const config = beaconEnvSchema.parse({
    SERVICE_NAME: 'beacon',
    DATABASE_URL: testDb.url,
    RATE_LIMIT_PER_MINUTE: '10000',
    LOG_LEVEL: 'warn',
    ...options.env,
  });
  const codex = fakeCodex(options.tickets ?? []);
  const app = await buildApp({
    config,
    logger: createLogger({ service: 'beacon', level: 'silent' }),
    db: database.db,
    ping: database.ping,
    verifier: createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'beacon', now: () => current }),
    codex,
    now: () => new Date(current),
  });
  await app.ready();
  return {
    app,
    keys,
    codex,
    db: database.db,
    advance(ms) {
      current += ms;
    },
    now: () => new Date(current),
    token: (level, username = level) =>
      keys.mintUserToken({ permission_level: level, preferred_username: username }, { now: current }),
    async close() {
      await app.close();
      await database.close();
      await testDb.drop();
    },
  };
}
