import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { openDatabase } from '../../src/db/open.js';
import { createTestDatabase, testServerUrl } from '../../src/testing/test-db.js';
import { recordingLogger } from './helpers.js';

const notes = pgTable('notes', { id: integer('id').primaryKey(), body: text('body').notNull() });

describe('openDatabase', () => {
  it('answers ping, names its sessions and queries through drizzle with a schema', async () => {
    const database = await createTestDatabase('open_basic');
    const { pool, db, ping, close } = openDatabase({ url: database.url, applicationName: 'codex', schema: { notes } });
    try {
      await ping();
      const app = await pool.query<{ name: string }>("SELECT current_setting('application_name') AS name");
      assert.equal(app.rows[0]?.name, 'codex');

      await pool.query('CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)');
      await db.insert(notes).values([
        { id: 1, body: 'hello' },
        { id: 2, body: 'world' },
      ]);
      assert.deepEqual(await db.query.notes.findMany({ orderBy: (n, { desc }) => [desc(n.id)] }), [
        { id: 2, body: 'world' },
        { id: 1, body: 'hello' },
      ]);
      const counted = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM notes`);
      assert.equal(counted.rows[0]?.n, 2);
    } finally {
      await close();
      await close(); // idempotent
      await database.drop();
    }
    await assert.rejects(ping(), /Cannot use a pool after calling end/);
  });

  it('enforces the statement timeout on every connection', async () => {
    const database = await createTestDatabase('open_timeout');
    const { pool, close } = openDatabase({ url: database.url, applicationName: 'test', statementTimeoutMs: 50 });
    try {
      const setting = await pool.query<{ statement_timeout: string }>('SHOW statement_timeout');
      assert.equal(setting.rows[0]?.statement_timeout, '50ms');
      const idle = await pool.query<{ idle_in_transaction_session_timeout: string }>(
        'SHOW idle_in_transaction_session_timeout',
      );
      assert.equal(idle.rows[0]?.idle_in_transaction_session_timeout, '1min');
      await assert.rejects(pool.query('SELECT pg_sleep(5)'), (error: unknown) => {
        assert.equal((error as { code?: string }).code, '57014'); // query_canceled
        assert.match((error as Error).message, /statement timeout/);
        return true;
      });
      // The connection is still usable afterwards.
      assert.equal((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one, 1);
    } finally {
      await close();
      await database.drop();
    }
  });

  it('sets the search path, and refuses one that is not plain identifiers', async () => {
    const database = await createTestDatabase('open_path');
    const setup = new pg.Client({ connectionString: database.url });
    await setup.connect();
    await setup.query(
      'CREATE SCHEMA tenant_a; CREATE TABLE tenant_a.things (id int); INSERT INTO tenant_a.things VALUES (7)',
    );
    await setup.end();
    const { pool, close } = openDatabase({
      url: database.url,
      applicationName: 'test',
      searchPath: ['tenant_a', 'public'],
    });
    try {
      assert.equal((await pool.query<{ id: number }>('SELECT id FROM things')).rows[0]?.id, 7);
    } finally {
      await close();
      await database.drop();
    }
    assert.throws(
      () => openDatabase({ url: database.url, applicationName: 'test', searchPath: ['public; DROP TABLE x'] }),
      /invalid schema name/,
    );
  });

  it('survives a dropped idle connection: logs it and reconnects on next use', async () => {
    const database = await createTestDatabase('open_drop');
    const logger = recordingLogger();
    const { ping, close } = openDatabase({ url: database.url, applicationName: 'victim', logger });
    const admin = new pg.Client({ connectionString: await testServerUrl() });
    await admin.connect();
    try {
      await ping(); // one idle connection now sits in the pool
      const warned = logger.next('warn');
      const killed = await admin.query<{ n: number }>(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'victim' AND datname = $1",
        [database.name],
      );
      assert.equal(killed.rows[0]?.n, 1);
      const record = await warned; // without the pool's 'error' listener this would have crashed the process
      assert.match(record.msg ?? '', /idle PostgreSQL connection failed/);
      await ping();
    } finally {
      await admin.end();
      await close();
      await database.drop();
    }
  });
});
