/**
 * Restoring one service database from its dump (see db-dump.ts for why data plus migrations):
 *
 * 1. the migrations recorded in the dump must be the service's committed files, unchanged (else
 *    the archive belongs to other code and is refused);
 * 2. a new database is made beside the live one (`<name>_rs_<random>`, same role, owner, UTF-8),
 *    and everything below happens there, so the live database is untouched until the end;
 * 3. as the service's role, only the migrations applied at backup time are run, so the rows meet
 *    the schema they were written in, whatever seed rows those migrations insert are removed;
 * 4. the rows are loaded with triggers and foreign-key checks off (session_replication_role =
 *    replica, as pg_dump's --disable-triggers does: ledger's immutability trigger and the FKs must
 *    not judge rows that were already valid in one snapshot), identity columns with OVERRIDING
 *    SYSTEM VALUE, and every sequence is set back to where it was;
 * 5. the remaining, newer migrations run, exactly as they would on the live database;
 * 6. the two are swapped in one transaction (the live one renamed aside, the new one renamed to
 *    the live name), then the old one is dropped.
 * Each table's row count is checked against the manifest as it is loaded. A failure anywhere
 * before the swap drops the new database and leaves the old data in place.
 *
 * Without a superuser admin (an external server) the rows are loaded as the owner instead, tables
 * in foreign-key order with their user triggers disabled.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { retry } from '@hivematrix/sdk';
import { databaseUrl, dropDatabase, ensureDatabase, migrate } from '@hivematrix/sdk/db';
import { MIGRATIONS_TABLE, q } from './db-dump.js';
import { BackupError } from './errors.js';
import type { DatabaseComponent, TableDump } from './manifest.js';
import type { DatabaseTarget } from './targets.js';

const BATCH_ROWS = 1000;
const BATCH_BYTES = 4 * 1024 * 1024;

/** The committed migration files of `dir` with their checksums, as the SDK's migrate computes them. */
async function committedMigrations(dir: string): Promise<Map<string, { file: string; checksum: string }>> {
  const names = (await readdir(dir).catch(() => [])).filter((name) => /^\d{4}_[A-Za-z0-9_-]+\.sql$/.test(name));
  const found = new Map<string, { file: string; checksum: string }>();
  for (const name of names) {
    const sql = (await readFile(path.join(dir, name), 'utf8')).replace(/\r\n/g, '\n');
    found.set(name, { file: path.join(dir, name), checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return found;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'hivematrix-restore' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SET statement_timeout = 0');
    return await work(client);
  } finally {
    await client.end();
  }
}

async function runMigrations(url: string, dir: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1, application_name: 'hivematrix-restore' });
  pool.on('error', () => undefined);
  try {
    await migrate(pool, { dir, table: MIGRATIONS_TABLE });
  } finally {
    await pool.end();
  }
}

/** Tables ordered so that each comes after the tables it references (cycles kept in dump order). */
async function foreignKeyOrder(client: pg.Client, tables: readonly TableDump[]): Promise<TableDump[]> {
  const key = (schema: string, name: string): string => `${schema}.${name}`;
  const edges = await client.query<{ child: string; parent: string }>(
    `SELECT cn.nspname || '.' || c.relname AS child, pn.nspname || '.' || p.relname AS parent
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
       JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace
      WHERE k.contype = 'f' AND k.conrelid <> k.confrelid`,
  );
  const parents = new Map<string, Set<string>>();
  for (const edge of edges.rows)
    (parents.get(edge.child) ?? parents.set(edge.child, new Set()).get(edge.child))?.add(edge.parent);
  const ordered: TableDump[] = [];
  const placed = new Set<string>();
  let remaining = [...tables];
  while (remaining.length > 0) {
    const ready = remaining.filter((table) =>
      [...(parents.get(key(table.schema, table.name)) ?? [])].every(
        (parent) => placed.has(parent) || !remaining.some((other) => key(other.schema, other.name) === parent),
      ),
    );
    const next = ready.length > 0 ? ready : remaining.slice(0, 1);
    for (const table of next) {
      ordered.push(table);
      placed.add(key(table.schema, table.name));
    }
    remaining = remaining.filter((table) => !next.includes(table));
  }
  return ordered;
}

/** Loads one table's JSON lines in batches of one INSERT … SELECT FROM json_populate_recordset. */
async function loadTable(client: pg.Client, table: TableDump, file: string): Promise<number> {
  const target = `${q(table.schema)}.${q(table.name)}`;
  const columns = table.columns.map(q).join(', ');
  const sql = `INSERT INTO ${target} (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM json_populate_recordset(NULL::${target}, $1::json)`;
  let batch: string[] = [];
  let bytes = 0;
  let loaded = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await client.query(sql, [`[${batch.join(',')}]`]);
    loaded += batch.length;
    batch = [];
    bytes = 0;
  };
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    batch.push(line);
    bytes += line.length;
    if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) await flush();
  }
  await flush();
  return loaded;
}

/** Restores `dump` into `target`; `fileOf(entry)` is where the extracted entry lies. */
export async function restoreDatabase(
  target: DatabaseTarget,
  dump: DatabaseComponent,
  fileOf: (entry: string) => string,
  onStep?: (step: string) => void,
): Promise<{ tables: number; rows: number }> {
  const committed = await committedMigrations(target.migrationsDir);
  for (const recorded of dump.migrations) {
    const file = committed.get(recorded.name);
    if (file === undefined) {
      throw new BackupError(
        `${target.component}: the backup's schema includes migration ${recorded.name}, which this version of ${target.component} does not have (restore with the code the backup was made with)`,
      );
    }
    if (file.checksum !== recorded.checksum)
      throw new BackupError(
        `${target.component}: migration ${recorded.name} differs from the one the backup was made with`,
      );
  }
  if (target.adminUrl === undefined) {
    throw new BackupError(
      `${target.component}: its database URL is set by hand in the master configuration, so helm cannot recreate it; restore it with that server's own tools`,
    );
  }

  const adminUrl = target.adminUrl;
  const staging = stagingName(target.database);
  onStep?.('creating a new database to load into');
  await ensureDatabase(adminUrl, { database: staging, role: target.role, password: target.password });
  let rows: number;
  try {
    rows = await loadInto(staging, target, adminUrl, dump, committed, fileOf, onStep);
  } catch (error) {
    // The live database was never touched: drop what was loaded and report the cause.
    await dropDatabase(adminUrl, staging).catch(() => undefined);
    throw error;
  }
  onStep?.('swapping the restored database in');
  await swapIn(adminUrl, target.database, staging);
  return { tables: dump.tables.length, rows };
}

/** `<database>_rs_<8 hex>`, within PostgreSQL's 63 bytes. */
function stagingName(database: string): string {
  return `${database.slice(0, 50)}_rs_${randomBytes(4).toString('hex')}`;
}

/** Steps 3 to 5 of the file comment, in `database`; returns the rows loaded. */
async function loadInto(
  database: string,
  target: DatabaseTarget,
  adminUrl: string,
  dump: DatabaseComponent,
  committed: Map<string, { file: string; checksum: string }>,
  fileOf: (entry: string) => string,
  onStep?: (step: string) => void,
): Promise<number> {
  const ownerUrl = databaseUrl(target.url, { database });
  onStep?.('building the schema of the backup');
  const subset = await mkdtemp(path.join(tmpdir(), 'hivematrix-restore-migrations-'));
  try {
    for (const recorded of dump.migrations) {
      const file = committed.get(recorded.name);
      if (file !== undefined) await copyFile(file.file, path.join(subset, recorded.name));
    }
    await runMigrations(ownerUrl, subset);
  } finally {
    await rm(subset, { recursive: true, force: true });
  }

  onStep?.('loading rows');
  const adminInDatabase = databaseUrl(adminUrl, { database });
  const superuser = await withClient(adminInDatabase, async (client) => {
    const result = await client.query<{ rolsuper: boolean }>(
      'SELECT rolsuper FROM pg_roles WHERE rolname = current_user',
    );
    return result.rows[0]?.rolsuper === true;
  });
  let rows = 0;
  await withClient(superuser ? adminInDatabase : ownerUrl, async (client) => {
    await client.query('BEGIN');
    try {
      const tables = superuser ? dump.tables : await foreignKeyOrder(client, dump.tables);
      if (superuser) await client.query('SET LOCAL session_replication_role = replica');
      if (tables.length > 0) {
        // Seed rows the migrations inserted are in the dump too, as they were at backup time.
        await client.query(
          `TRUNCATE ${tables.map((table) => `${q(table.schema)}.${q(table.name)}`).join(', ')} CASCADE`,
        );
      }
      for (const table of tables) {
        const name = `${q(table.schema)}.${q(table.name)}`;
        if (!superuser) await client.query(`ALTER TABLE ${name} DISABLE TRIGGER USER`);
        const loaded = await loadTable(client, table, fileOf(table.entry));
        if (loaded !== table.rows)
          throw new BackupError(
            `${target.component}: ${table.schema}.${table.name} holds ${loaded} rows in the archive, the manifest says ${table.rows}`,
          );
        if (!superuser) await client.query(`ALTER TABLE ${name} ENABLE TRIGGER USER`);
        rows += loaded;
      }
      for (const sequence of dump.sequences) {
        await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [
          `${q(sequence.schema)}.${q(sequence.name)}`,
          sequence.last_value,
          sequence.is_called,
        ]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });

  onStep?.('applying newer migrations');
  await runMigrations(ownerUrl, target.migrationsDir);
  return rows;
}

/**
 * Puts `staging` in the place of `live` in one transaction (renames are transactional in
 * PostgreSQL), then drops the old data. Connections to the live database are ended first (its
 * service is stopped for a restore; this ends stragglers such as a psql session); one that
 * reconnects in between makes the rename fail, so it is tried a few times.
 */
async function swapIn(adminUrl: string, live: string, staging: string): Promise<void> {
  const aside = `${live.slice(0, 50)}_old_${randomBytes(4).toString('hex')}`;
  const serverUrl = databaseUrl(adminUrl, { database: 'postgres' });
  try {
    // 55006: the database is being accessed by other users (a client reconnected in between).
    const inUse = (error: unknown): boolean => (error as { code?: unknown }).code === '55006';
    await withClient(serverUrl, (client) =>
      retry(
        async () => {
          // Without the right to end other roles' sessions (an external server's admin) the rename below says why.
          await client
            .query(
              'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
              [live],
            )
            .catch(() => undefined);
          try {
            await client.query('BEGIN');
            const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [live]);
            if (exists.rowCount !== 0) await client.query(`ALTER DATABASE ${q(live)} RENAME TO ${q(aside)}`);
            await client.query(`ALTER DATABASE ${q(staging)} RENAME TO ${q(live)}`);
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          }
        },
        { attempts: 5, delayMs: (retry) => 200 * retry, retryable: inUse },
      ).catch((error: unknown) => {
        if (!inUse(error)) throw error;
        throw new BackupError(
          `${live} is still in use by other connections, so the restored copy was not swapped in (the data is unchanged); stop what connects to it and restore again`,
          { cause: error },
        );
      }),
    );
  } catch (error) {
    await dropDatabase(adminUrl, staging).catch(() => undefined);
    throw error;
  }
  await dropDatabase(adminUrl, aside);
}
