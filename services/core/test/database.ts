/**
 * Core's PostgreSQL store over a throwaway database (migrations applied as `main.ts` does), for
 * the store contract and the restart tests. The caller drops it with `drop()`.
 */
import { migrationsDir, openServiceDatabase, type Database } from '@hivematrix/sdk/db';
import { createTestDatabase } from '@hivematrix/sdk/testing';
import { schema } from '../src/db/schema.js';
import { deriveSealingKey } from '../src/domain/keys/key-sealing.js';
import type { KeyStore } from '../src/domain/keys/key-store.js';
import { createPostgresKeyStore } from '../src/domain/keys/postgres-key-store.js';
import { createPostgresSessionStore, type PostgresSessionStore } from '../src/domain/sessions/postgres-store.js';

/** The secret test key stores seal private keys with (as core's SERVICE_SECRET would). */
export const TEST_SEALING_SECRET = 'test-core-service-secret-of-enough-length';

export interface CoreTestDatabase {
  url: string;
  /** A store on the database; its pool is closed with the store (stores opened later share nothing). */
  store(now: () => number): Promise<PostgresSessionStore>;
  /** A key store on the database with its own pool (closed by `drop()`), as another core instance has. */
  keyStore(secret?: string): Promise<KeyStore>;
  /** A pool on the migrated database (closed by `drop()`): the one core's periodic jobs lock with. */
  pool(): Promise<Database<typeof schema>['pool']>;
  /** Closes every pool still open and drops the database. */
  drop(): Promise<void>;
}

/** The folder of core's migrations. */
export const CORE_MIGRATIONS = migrationsDir(new URL('../src/main.ts', import.meta.url).href, 'db/migrations');

/** A fresh database for core; each `store()` opens its own pool, as a restarted core would. */
export async function openCoreTestDatabase(label: string): Promise<CoreTestDatabase> {
  const database = await createTestDatabase(`core_${label}`);
  const pools: Database<typeof schema>[] = [];
  const open = async (): Promise<Database<typeof schema>> => {
    const opened = await openServiceDatabase(
      { SERVICE_NAME: 'core', DATABASE_URL: database.url, DB_POOL_MAX: 5, DB_STATEMENT_TIMEOUT_MS: 10_000 },
      { schema, migrations: CORE_MIGRATIONS },
    );
    pools.push(opened);
    return opened;
  };
  return {
    url: database.url,
    async drop() {
      await Promise.all(pools.map((pool) => pool.close()));
      await database.drop();
    },
    pool: async () => (await open()).pool,
    async keyStore(secret = TEST_SEALING_SECRET) {
      const opened = await open();
      return createPostgresKeyStore({ pool: opened.pool, sealing: deriveSealingKey(secret) });
    },
    async store(now) {
      const opened = await open();
      const store = createPostgresSessionStore({ pool: opened.pool, now, cleanupIntervalMs: 0 });
      return {
        ...store,
        async close() {
          await store.close();
          await opened.close();
        },
      };
    },
  };
}
