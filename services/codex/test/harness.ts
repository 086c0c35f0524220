/**
 * Runs codex in-process for tests: its own throwaway database (migrated), platform keys from a
 * test key pair, a frozen clock, and a sync runner whose vendor HTTP never sleeps. Nothing listens
 * on a port unless a test asks.
 */
import type { PermissionLevel, ServiceApp } from '@hivematrix/sdk';
import { createLocalKeySet, createLogger, createTokenVerifier } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { createTestDatabase, createTestKeys, type TestKeys } from '@hivematrix/sdk/testing';
import type pg from 'pg';
import { buildApp } from '../src/app.js';
import { codexEnvSchema, type CodexConfig } from '../src/config.js';
import { schema } from '../src/db/schema.js';
import type { CodexDb } from '../src/db/types.js';
import type { VendorHttpDeps } from '../src/sync/http.js';
import { providersFromConfig } from '../src/sync/providers.js';
import { resolveSync } from '../src/sync/connections.js';
import { integrationKeyring } from '../src/domain/integrations.js';
import { keyringFrom } from '../src/domain/secret-box.js';
import { createSyncRunner, type SyncRunner } from '../src/sync/runner.js';

export const FROZEN_NOW = new Date('2026-11-25T12:00:00Z');
export const TEST_SECRET_KEY = 'ab'.repeat(32);

export interface CodexHarness {
  app: ServiceApp;
  keys: TestKeys;
  db: CodexDb;
  pool: pg.Pool;
  config: CodexConfig;
  runner: SyncRunner;
  /** Waits the vendor sleeps asked for, in milliseconds (they return at once). */
  sleeps: number[];
  /** A user token of `level` (technicians by default) with claims overridden. */
  token(level?: PermissionLevel, claims?: Record<string, unknown>): Promise<string>;
  /** A service token from `caller` to codex. */
  serviceToken(caller: string): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Environment variables on top of the test defaults (vendor URLs, keys, schedules). */
  env?: Record<string, string>;
  /** The clock; frozen at FROZEN_NOW by default. */
  now?: () => Date;
  rateLimitPerMinute?: number;
}

const GROUPS: Record<PermissionLevel, string[]> = {
  admin: ['admins'],
  technician: ['technicians'],
  billing: ['billing'],
  client: [],
};

/** Starts codex on a fresh database. */
export async function startCodex(options: HarnessOptions = {}): Promise<CodexHarness> {
  const testDb = await createTestDatabase('codex');
  const database = openDatabase({ url: testDb.url, applicationName: 'codex-test', schema });
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
  const keys = await createTestKeys();
  const now = options.now ?? (() => FROZEN_NOW);
  const config = codexEnvSchema.parse({
    SERVICE_NAME: 'codex',
    DATABASE_URL: testDb.url,
    RATE_LIMIT_PER_MINUTE: String(options.rateLimitPerMinute ?? 100_000),
    LOG_LEVEL: 'warn',
    CODEX_SECRET_KEY: TEST_SECRET_KEY,
    NEXUS_URL: 'https://hive.example.test',
    // Nothing listens on the discard port: company pages see knowledgetree as not installed unless a test starts a fake.
    KNOWLEDGETREE_SERVICE_URL: 'http://127.0.0.1:9',
    ...options.env,
  });
  const logger = createLogger({ service: 'codex', level: 'silent' });
  const sleeps: number[] = [];
  const http: VendorHttpDeps = {
    fetch: globalThis.fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => now().getTime(),
  };
  const runner = createSyncRunner({
    db: database.db,
    now,
    logger,
    secretKey: keyringFrom(config.CODEX_SECRET_KEY, config.CODEX_SECRET_KEY_PREVIOUS),
    providers: providersFromConfig(config, http),
    schedule: config.SYNC_SCHEDULE,
    staleAfterMs: config.SYNC_STALE_AFTER,
    resolve: () =>
      resolveSync(
        database.db,
        integrationKeyring(config.CODEX_SECRET_KEY, config.CODEX_SECRET_KEY_PREVIOUS, config.SERVICE_SECRET),
        config,
        http,
      ),
  });
  const app = await buildApp({
    config,
    logger,
    db: database.db,
    ping: database.ping,
    verifier: createTokenVerifier({
      keySet: createLocalKeySet(keys.jwks),
      serviceName: 'codex',
      now: () => now().getTime(),
    }),
    runner,
    now,
  });
  await app.ready();
  return {
    app,
    keys,
    db: database.db,
    pool: database.pool,
    config,
    runner,
    sleeps,
    token: (level = 'technician', claims = {}) =>
      keys.mintUserToken({ permission_level: level, groups: GROUPS[level], ...claims }, { now: now().getTime() }),
    serviceToken: (caller) => keys.mintServiceToken(caller, 'codex', { now: now().getTime() }),
    async close() {
      await runner.close();
      await app.close();
      await database.close();
      await testDb.drop();
    },
  };
}

/** `Authorization` header for a token. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
