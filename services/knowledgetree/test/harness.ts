/**
 * Runs the knowledgetree in-process for tests: its own throwaway database (migrated), platform keys
 * from a test key pair, a frozen clock. Nothing listens on a port unless a test asks.
 */
import { createTokenVerifier, createLocalKeySet, createLogger } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { createTestDatabase, createTestKeys, type TestKeys } from '@hivematrix/sdk/testing';
import type { PermissionLevel, ServiceApp } from '@hivematrix/sdk';
import type { KnowledgetreeDb } from '../src/db/schema.js';
import { buildApp } from '../src/app.js';
import { knowledgetreeEnvSchema } from '../src/config.js';
import { schema } from '../src/db/schema.js';
import { codexSyncRunner, type CodexSyncRunner } from '../src/domain/codex-sync.js';
import type { CodexSource } from '../src/codex/source.js';

export interface KnowledgetreeHarness {
  app: ServiceApp;
  keys: TestKeys;
  db: KnowledgetreeDb;
  /** The codex job, when the test passed a codex source. */
  codexSync: CodexSyncRunner | undefined;
  /** A bearer token of a user at `level` (client users: `email` decides their company). */
  token(level: PermissionLevel, sub?: string, email?: string): Promise<string>;
  close(): Promise<void>;
}

/** Client users' companies, as the fake codex knows them. */
export const CLIENT_COMPANIES: Record<string, string[]> = {
  'alice@acme.test': ['ACME'],
  'bob@globex.test': ['GLOBEX'],
};

export const FROZEN_NOW = new Date('2026-11-25T12:00:00Z');

/** Starts the knowledgetree on a fresh database. `isRevoked` plugs in a revocation feed. */
export async function startKnowledgetree(
  options: {
    rateLimitPerMinute?: number;
    isRevoked?: (jti: string) => boolean;
    maxAttachmentBytes?: number;
    codexSource?: CodexSource;
    env?: Record<string, string>;
  } = {},
): Promise<KnowledgetreeHarness> {
  const testDb = await createTestDatabase('knowledgetree');
  const database = openDatabase({ url: testDb.url, applicationName: 'knowledgetree-test', schema });
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
  const keys = await createTestKeys();
  const config = knowledgetreeEnvSchema.parse({
    SERVICE_NAME: 'knowledgetree',
    DATABASE_URL: testDb.url,
    RATE_LIMIT_PER_MINUTE: String(options.rateLimitPerMinute ?? 1000),
    LOG_LEVEL: 'warn',
    ...(options.maxAttachmentBytes !== undefined ? { ATTACHMENT_MAX_BYTES: String(options.maxAttachmentBytes) } : {}),
    ...options.env,
  });
  const codexSync: CodexSyncRunner | undefined =
    options.codexSource === undefined
      ? undefined
      : codexSyncRunner({
          db: database.db,
          source: options.codexSource,
          now: () => new Date(),
          onError: (error) => {
            throw error;
          },
        });
  const app = await buildApp({
    config,
    logger: createLogger({ service: 'knowledgetree', level: 'silent' }),
    db: database.db,
    ping: database.ping,
    verifier: createTokenVerifier({
      keySet: createLocalKeySet(keys.jwks),
      serviceName: 'knowledgetree',
      now: () => FROZEN_NOW.getTime(),
      ...(options.isRevoked ? { isRevoked: options.isRevoked } : {}),
    }),
    now: () => FROZEN_NOW,
    // Stands in for codex: a client user's companies by e-mail, as codex matches contacts.
    companiesOf: (request) => Promise.resolve(CLIENT_COMPANIES[request.user?.email ?? ''] ?? []),
    ...(codexSync === undefined ? {} : { codexSync }),
  });
  await app.ready();
  return {
    app,
    keys,
    db: database.db,
    codexSync,
    token: (level, sub = `${level}-1`, email = `${sub}@msp.test`) =>
      keys.mintUserToken({ sub, permission_level: level, email, name: sub, groups: [] }, { now: FROZEN_NOW.getTime() }),
    async close() {
      await app.close();
      await database.close();
      await testDb.drop();
    },
  };
}
