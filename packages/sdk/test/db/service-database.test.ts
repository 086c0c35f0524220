import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { MigrationError } from '../../src/db/migrate.js';
import { openServiceDatabase } from '../../src/db/service-database.js';
import { createTestDatabase } from '../../src/testing/test-db.js';
import { migrationFiles } from './helpers.js';

describe('openServiceDatabase', () => {
  it('opens the pool with the service settings and applies the migrations', async () => {
    const database = await createTestDatabase('svcdb');
    const dir = await migrationFiles({ '0001_t.sql': 'CREATE TABLE t (id int);' });
    const opened = await openServiceDatabase(
      { SERVICE_NAME: 'svcdb', DATABASE_URL: database.url, DB_POOL_MAX: 2, DB_STATEMENT_TIMEOUT_MS: 1234 },
      { schema: {}, migrations: dir },
    );
    try {
      const settings = await opened.pool.query<{ name: string; timeout: string }>(
        "SELECT current_setting('application_name') AS name, current_setting('statement_timeout') AS timeout",
      );
      assert.deepEqual(settings.rows[0], { name: 'svcdb', timeout: '1234ms' });
      assert.equal((await opened.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]?.n, 0);
    } finally {
      await opened.close();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('closes the pool and names the file when a migration fails', async () => {
    const database = await createTestDatabase('svcdb_bad');
    const dir = await migrationFiles({ '0001_bad.sql': 'CREATE TABLE broken (' });
    try {
      await assert.rejects(
        openServiceDatabase(
          { SERVICE_NAME: 'svcdb', DATABASE_URL: database.url, DB_POOL_MAX: 2, DB_STATEMENT_TIMEOUT_MS: 1000 },
          { schema: {}, migrations: dir },
        ),
        (error: unknown) => error instanceof MigrationError && error.message.includes('0001_bad.sql'),
      );
    } finally {
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
