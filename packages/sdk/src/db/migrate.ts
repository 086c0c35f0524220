/**
 * Schema migrations: committed SQL files applied in order at boot.
 *
 * Each file `NNNN_description.sql` runs once, in its own transaction, and is recorded with a
 * sha256 of its text. Editing a file that already ran is refused (never silently re-run or
 * skipped), because the databases it ran on would differ from fresh ones. A session advisory lock
 * lets several instances of a service boot at once: one migrates, the others wait, then find
 * nothing left to do.
 *
 * A file may hold several statements, but no BEGIN/COMMIT of its own and nothing that cannot run
 * inside a transaction (e.g. CREATE INDEX CONCURRENTLY): the file's atomicity is the point.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { DbLogger } from './open.js';

export interface MigrateOptions {
  /** Directory holding the `NNNN_description.sql` files. */
  dir: string;
  /** Where applied migrations are recorded (a plain identifier). */
  table?: string;
  logger?: DbLogger;
}

export interface MigrateResult {
  /** File names applied by this call, in order (empty when the database was up to date). */
  applied: string[];
}

/** A migration that could not be applied or no longer matches what was applied; names the file. */
export class MigrationError extends Error {
  readonly file: string;
  constructor(file: string, message: string, options?: ErrorOptions) {
    super(`migration ${file}: ${message}`, options);
    this.name = 'MigrationError';
    this.file = file;
  }
}

const FILE_PATTERN = /^(\d{4})_[A-Za-z0-9_-]+\.sql$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** First key of the two-key advisory lock, "HM"; the second is derived from the table name. */
const LOCK_NAMESPACE = 0x484d;

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/**
 * Applies the pending migrations of `dir` to the database behind `pool`.
 * Throws a `MigrationError` naming the file when one fails (that file's transaction is rolled
 * back; earlier files stay applied) or when an applied file's checksum changed.
 */
export async function migrate(pool: pg.Pool, options: MigrateOptions): Promise<MigrateResult> {
  const table = options.table ?? 'hivematrix_migrations';
  if (!IDENTIFIER.test(table)) throw new Error(`invalid migrations table name: ${JSON.stringify(table)}`);
  const files = await readMigrations(options.dir);
  const tableSql = pg.escapeIdentifier(table);
  const logger = options.logger;

  const client = await pool.connect();
  try {
    // Migrations may legitimately run longer than the pool's statement timeout, and waiting for
    // another instance's lock must not time out either.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_NAMESPACE, table]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${tableSql} (
         name text PRIMARY KEY,
         checksum text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now(),
         duration_ms integer NOT NULL
       )`,
    );
    const rows = await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${tableSql}`);
    const done = new Map(rows.rows.map((row) => [row.name, row.checksum]));

    const known = new Set(files.map((file) => file.name));
    for (const name of done.keys()) {
      if (!known.has(name)) logger?.warn({ migration: name, dir: options.dir }, 'applied migration has no file');
    }
    for (const file of files) {
      const recorded = done.get(file.name);
      if (recorded !== undefined && recorded !== file.checksum) {
        throw new MigrationError(
          file.name,
          'changed after it was applied (checksum differs); add a new migration instead',
        );
      }
    }

    const applied: string[] = [];
    for (const file of files.filter((candidate) => !done.has(candidate.name))) {
      const started = performance.now();
      try {
        await client.query('BEGIN');
        await client.query(file.sql);
        await client.query(`INSERT INTO ${tableSql} (name, checksum, duration_ms) VALUES ($1, $2, $3)`, [
          file.name,
          file.checksum,
          Math.round(performance.now() - started),
        ]);
        await client.query('COMMIT');
      } catch (error: unknown) {
        // If even ROLLBACK fails the connection is gone; it is destroyed below either way.
        await client.query('ROLLBACK').catch(() => undefined);
        const reason = error instanceof Error ? error.message : String(error);
        throw new MigrationError(file.name, `failed and was rolled back: ${reason}`, { cause: error });
      }
      applied.push(file.name);
      logger?.info({ migration: file.name, ms: Math.round(performance.now() - started) }, 'migration applied');
    }
    return { applied };
  } finally {
    await releaseCleanly(client);
  }
}

/**
 * Gives the migration connection back to the pool in the state it was taken: unlocked, with the
 * pool's statement timeout. A connection whose state cannot be restored is destroyed instead, and
 * we wait for it to close, so that no half-closed connection outlives the call (a later
 * `DROP DATABASE … WITH (FORCE)` would otherwise kill it and raise an unhandled error).
 */
async function releaseCleanly(client: pg.PoolClient): Promise<void> {
  try {
    await client.query('SELECT pg_advisory_unlock_all()');
    await client.query('RESET statement_timeout');
    client.release();
  } catch (error: unknown) {
    client.on('error', () => undefined);
    client.release(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Reads the migration files of `dir`, sorted; ignores other files; refuses two files with one number. */
async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((name) => FILE_PATTERN.test(name)).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const previous = files.at(-1);
    if (previous && previous.name.slice(0, 4) === name.slice(0, 4)) {
      throw new MigrationError(name, `has the same number as ${previous.name}; renumber one of them`);
    }
    // Line endings normalised so a Windows checkout (CRLF) does not look like an edited file.
    const sql = (await readFile(path.join(dir, name), 'utf8')).replace(/\r\n/g, '\n');
    files.push({ name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return files;
}

/**
 * The directory of a service's migrations, relative to the calling module:
 * `migrationsDir(import.meta.url, './migrations')` from `src/db/schema.ts` gives `src/db/migrations`.
 */
export function migrationsDir(moduleUrl: string, relative = './migrations'): string {
  return fileURLToPath(new URL(relative, moduleUrl));
}
