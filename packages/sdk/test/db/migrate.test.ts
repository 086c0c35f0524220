import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate, MigrationError, migrationsDir } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/test-db.js';
import { migrationFiles, recordingLogger } from './helpers.js';

/**
 * A raw pool whose idle connections may be killed without crashing the test process: `pool.end()`
 * resolves before every socket is closed, and the database's `DROP … WITH (FORCE)` then
 * terminates the stragglers, which a pool reports as an 'error' event (fatal with no listener).
 * The SDK's `openDatabase` does the same for services.
 */
function quietPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `body` with a fresh database, a pool on it and a migrations dir holding `files`. */
async function withSetup(
  label: string,
  files: Record<string, string>,
  body: (ctx: { pool: pg.Pool; dir: string; database: TestDatabase }) => Promise<void>,
): Promise<void> {
  const database = await createTestDatabase(label);
  const pool = quietPool(database.url, 4);
  const dir = await migrationFiles(files);
  try {
    await body({ pool, dir, database });
  } finally {
    await pool.end();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The single value of a one-row, one-column query. */
async function scalar(pool: pg.Pool, sql: string): Promise<unknown> {
  const result = await pool.query<Record<string, unknown>>(sql);
  return Object.values(result.rows[0] ?? {})[0];
}

async function recorded(pool: pg.Pool): Promise<{ name: string; checksum: string }[]> {
  const result = await pool.query<{ name: string; checksum: string }>(
    'SELECT name, checksum FROM hivematrix_migrations ORDER BY name',
  );
  return result.rows;
}

describe('migrate', () => {
  it('applies files in order, records name and sha256, ignores other files, and runs each only once', async () => {
    const files = {
      // Written out of order: the order must come from the numbers, not the directory listing.
      '0002_seed_widgets.sql': "INSERT INTO widgets (name) VALUES ('first');",
      '0001_create_widgets.sql': 'CREATE TABLE widgets (id serial PRIMARY KEY, name text NOT NULL);',
      '0003_add_colour.sql': "ALTER TABLE widgets ADD COLUMN colour text NOT NULL DEFAULT 'blue';",
      'README.md': 'not a migration',
      'notes.sql': 'SELECT broken syntax here;',
      '12_short_number.sql': 'SELECT broken syntax here;',
    };
    await withSetup('migrate_order', files, async ({ pool, dir }) => {
      const logger = recordingLogger();
      const first = await migrate(pool, { dir, logger });
      assert.deepEqual(first.applied, ['0001_create_widgets.sql', '0002_seed_widgets.sql', '0003_add_colour.sql']);
      assert.equal(logger.records.filter((r) => r.level === 'info').length, 3);

      const sha = (sql: string) => createHash('sha256').update(sql).digest('hex');
      assert.deepEqual(await recorded(pool), [
        { name: '0001_create_widgets.sql', checksum: sha(files['0001_create_widgets.sql']) },
        { name: '0002_seed_widgets.sql', checksum: sha(files['0002_seed_widgets.sql']) },
        { name: '0003_add_colour.sql', checksum: sha(files['0003_add_colour.sql']) },
      ]);

      const second = await migrate(pool, { dir });
      assert.deepEqual(second.applied, []);
      const widgets = await pool.query('SELECT name, colour FROM widgets');
      assert.deepEqual(widgets.rows, [{ name: 'first', colour: 'blue' }]);

      // A new file later on: only it runs.
      await writeFile(path.join(dir, '0004_seed_more.sql'), "INSERT INTO widgets (name) VALUES ('second');");
      assert.deepEqual((await migrate(pool, { dir })).applied, ['0004_seed_more.sql']);
      assert.equal(await scalar(pool, 'SELECT count(*)::int FROM widgets'), 2);
    });
  });

  it('refuses a migration whose file changed after it was applied, naming the file', async () => {
    await withSetup('migrate_changed', { '0001_create.sql': 'CREATE TABLE t (id int);' }, async ({ pool, dir }) => {
      await migrate(pool, { dir });
      await writeFile(path.join(dir, '0001_create.sql'), 'CREATE TABLE t (id bigint);');
      await writeFile(path.join(dir, '0002_later.sql'), 'CREATE TABLE later (id int);');

      await assert.rejects(migrate(pool, { dir }), (error: unknown) => {
        assert.ok(error instanceof MigrationError);
        assert.equal(error.file, '0001_create.sql');
        assert.match(error.message, /0001_create\.sql.*checksum/);
        return true;
      });
      // Nothing ran: neither a re-run of the edited file nor the pending one after it.
      assert.deepEqual(
        (await recorded(pool)).map((r) => r.name),
        ['0001_create.sql'],
      );
      assert.equal(await scalar(pool, "SELECT to_regclass('later')"), null);
    });
  });

  it('rolls a failing migration back entirely and names the file; earlier files stay applied', async () => {
    const files = {
      '0001_good.sql': 'CREATE TABLE good (id int);',
      '0002_broken.sql':
        'CREATE TABLE half (id int);\nINSERT INTO good VALUES (1);\nINSERT INTO missing_table VALUES (1);',
      '0003_after.sql': 'CREATE TABLE after_broken (id int);',
    };
    await withSetup('migrate_broken', files, async ({ pool, dir }) => {
      await assert.rejects(migrate(pool, { dir }), (error: unknown) => {
        assert.ok(error instanceof MigrationError);
        assert.equal(error.file, '0002_broken.sql');
        assert.match(error.message, /0002_broken\.sql.*missing_table/);
        return true;
      });
      assert.deepEqual(
        (await recorded(pool)).map((r) => r.name),
        ['0001_good.sql'],
      );
      const tables = await pool.query("SELECT to_regclass('half') AS half, to_regclass('after_broken') AS after");
      assert.deepEqual(tables.rows[0], { half: null, after: null });
      assert.equal(await scalar(pool, 'SELECT count(*)::int FROM good'), 0);

      // Once fixed (it never ran, so editing it is allowed), the rest applies.
      await writeFile(path.join(dir, '0002_broken.sql'), 'CREATE TABLE half (id int);');
      assert.deepEqual((await migrate(pool, { dir })).applied, ['0002_broken.sql', '0003_after.sql']);
    });
  });

  it('lets two concurrent runs apply each migration exactly once', async () => {
    const files: Record<string, string> = {};
    // No IF NOT EXISTS: a second application of any file would fail loudly.
    for (let i = 1; i <= 6; i++) files[`000${i}_table_${i}.sql`] = `CREATE TABLE table_${i} (id int);`;
    await withSetup('migrate_concurrent', files, async ({ pool, dir, database }) => {
      const otherPool = quietPool(database.url, 2);
      const holder = await pool.connect();
      try {
        // Hold the migration lock so both runs are provably in flight together, then let go.
        await holder.query("SELECT pg_advisory_lock(x'484d'::int, hashtext('hivematrix_migrations'))");
        const runs = [migrate(pool, { dir }), migrate(otherPool, { dir })];
        // Polled against a deadline rather than a count: on a loaded machine reaching the lock can take seconds.
        const deadline = Date.now() + 60_000;
        for (;;) {
          const waiting = await holder.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
          );
          if (waiting.rows[0]?.n === 2) break;
          assert.ok(Date.now() < deadline, 'both migrate calls should be waiting for the lock');
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await holder.query("SELECT pg_advisory_unlock(x'484d'::int, hashtext('hivematrix_migrations'))");
        const [a, b] = await Promise.all(runs);
        assert.ok(a && b);
        assert.deepEqual([...a.applied, ...b.applied].sort(), Object.keys(files).sort());
        assert.ok(
          a.applied.length === 0 || b.applied.length === 0,
          'one run does all the work, the other finds nothing',
        );
        assert.equal((await recorded(pool)).length, 6);
      } finally {
        holder.release();
        await otherPool.end();
      }
    });
  });

  it('refuses two files with the same number, and an invalid table name', async () => {
    await withSetup(
      'migrate_dupes',
      { '0001_a.sql': 'SELECT 1;', '0001_b.sql': 'SELECT 2;' },
      async ({ pool, dir }) => {
        await assert.rejects(migrate(pool, { dir }), /0001_b\.sql.*same number as 0001_a\.sql/);
        await assert.rejects(migrate(pool, { dir, table: 'bad; drop' }), /invalid migrations table name/);
      },
    );
  });

  it('records into a custom table when asked', async () => {
    await withSetup('migrate_table', { '0001_a.sql': 'CREATE TABLE a (id int);' }, async ({ pool, dir }) => {
      assert.deepEqual((await migrate(pool, { dir, table: 'schema_history' })).applied, ['0001_a.sql']);
      assert.equal(await scalar(pool, 'SELECT count(*)::int FROM schema_history'), 1);
      assert.equal(await scalar(pool, "SELECT to_regclass('hivematrix_migrations')"), null);
    });
  });
});

describe('migrate on a service pool', () => {
  it('is not cut short by the pool statement timeout, and leaves that timeout in place', async () => {
    const database = await createTestDatabase('migrate_timeout');
    const dir = await migrationFiles({ '0001_slow.sql': 'SELECT pg_sleep(0.3); CREATE TABLE slow (id int);' });
    const { pool, close } = openDatabase({
      url: database.url,
      applicationName: 'test',
      statementTimeoutMs: 100,
      poolMax: 1,
    });
    try {
      assert.deepEqual((await migrate(pool, { dir })).applied, ['0001_slow.sql']);
      await assert.rejects(pool.query('SELECT pg_sleep(0.3)'), /statement timeout/);
    } finally {
      await close();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('migrationsDir', () => {
  it('resolves a folder relative to the calling module', () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    assert.equal(migrationsDir(import.meta.url), path.join(here, 'migrations'));
    assert.equal(migrationsDir(import.meta.url, '../fixtures/sql'), path.join(here, '..', 'fixtures', 'sql'));
  });
});
