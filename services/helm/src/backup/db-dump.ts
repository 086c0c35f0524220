/**
 * The logical dump of one service database, over the `pg` client (the embedded server ships no
 * pg_dump, and none may be installed).
 *
 * Only data is dumped, plus the list of migrations that had been applied and the sequences'
 * positions. The schema is not: it is exactly what the service's committed migrations build, so a
 * restore rebuilds it by running those same migrations (up to the ones applied at backup time),
 * then loads the rows. Rebuilding DDL from the catalogs (columns, defaults, identity, generated
 * columns, constraints, partial indexes, functions, triggers such as ledger's immutability guard)
 * would be a large re-implementation of pg_dump that could drift from what the migrations make;
 * the migrations are the one definition of each schema, are checksummed, and are in the code
 * being restored to. What is lost by this choice: objects created by hand outside migrations,
 * which the platform does not do.
 *
 * Everything is read in one REPEATABLE READ, READ ONLY transaction, so the dump is a consistent
 * snapshot even while the service keeps writing. Rows are written as one JSON object per line
 * (`to_json` of the row), which `json_populate_recordset` turns back into the same typed values.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import pg from 'pg';
import { JOB_RUNS_TABLE } from '@hivematrix/sdk/db';
import type { SequenceDump, TableDump } from './manifest.js';

/** The migrations table every service's `migrate` keeps; rebuilt by migrate itself on restore. */
export const MIGRATIONS_TABLE = 'hivematrix_migrations';
const FETCH_ROWS = 2000;

/** What one database's dump recorded, plus the files it wrote. */
export interface DumpResult {
  migrations: { name: string; checksum: string }[];
  tables: TableDump[];
  sequences: SequenceDump[];
  files: { entry: string; file: string }[];
}

export const q = (name: string): string => pg.escapeIdentifier(name);

/** The user tables of the connected database (partitions included, each holding its own rows). */
export async function userTables(client: pg.ClientBase): Promise<{ schema: string; name: string; oid: number }[]> {
  const result = await client.query<{ schema: string; name: string; oid: number }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.oid::int AS oid
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r'
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        AND NOT (n.nspname = 'public' AND c.relname = ANY($1::text[]))
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1, 2`,
    // The migrations are recorded apart; the job runs are scheduling state (see JOB_RUNS_TABLE).
    [[MIGRATIONS_TABLE, JOB_RUNS_TABLE]],
  );
  return result.rows;
}

/** The columns a row is written and read with: not dropped, not generated (those are recomputed). */
export async function storedColumns(client: pg.ClientBase, oid: number): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute
      WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
      ORDER BY attnum`,
    [oid],
  );
  return result.rows.map((row) => row.name);
}

/**
 * Dumps the database at `url` into `outDir`-relative files named by `fileFor(entry)`; `entryPrefix`
 * names the entries in the archive (`db/<service>`). `onTable` reports progress.
 */
export async function dumpDatabase(
  url: string,
  entryPrefix: string,
  fileFor: (entry: string) => string,
  onTable?: (table: string, rows: number) => void,
): Promise<DumpResult> {
  const client = new pg.Client({ connectionString: url, application_name: 'hivematrix-backup' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SET statement_timeout = 0');
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const hasMigrations = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
      `public.${MIGRATIONS_TABLE}`,
    ]);
    const migrations =
      hasMigrations.rows[0]?.found == null
        ? []
        : (
            await client.query<{ name: string; checksum: string }>(
              `SELECT name, checksum FROM public.${q(MIGRATIONS_TABLE)} ORDER BY name`,
            )
          ).rows;

    const tables: TableDump[] = [];
    const files: DumpResult['files'] = [];
    for (const table of await userTables(client)) {
      const columns = await storedColumns(client, table.oid);
      if (columns.length === 0) continue;
      const entry = `${entryPrefix}/${tables.length.toString().padStart(4, '0')}.ndjson`;
      const file = fileFor(entry);
      const rows = await dumpTable(client, `${q(table.schema)}.${q(table.name)}`, columns, file);
      tables.push({ schema: table.schema, name: table.name, columns, rows, entry });
      files.push({ entry, file });
      onTable?.(`${table.schema}.${table.name}`, rows);
    }

    const sequences: SequenceDump[] = [];
    const sequenceNames = await client.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        ORDER BY 1, 2`,
    );
    for (const sequence of sequenceNames.rows) {
      const state = await client.query<{ last_value: string; is_called: boolean }>(
        `SELECT last_value::text AS last_value, is_called FROM ${q(sequence.schema)}.${q(sequence.name)}`,
      );
      const row = state.rows[0];
      if (row !== undefined)
        sequences.push({
          schema: sequence.schema,
          name: sequence.name,
          last_value: row.last_value,
          is_called: row.is_called,
        });
    }
    await client.query('COMMIT');
    return { migrations, tables, sequences, files };
  } finally {
    await client.end();
  }
}

/** Writes every row of `table` as a JSON line through a cursor; returns the row count. */
async function dumpTable(client: pg.Client, table: string, columns: readonly string[], file: string): Promise<number> {
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  const closed = once(out, 'close');
  let rows = 0;
  try {
    await client.query(
      `DECLARE backup_rows NO SCROLL CURSOR FOR SELECT to_json(r)::text AS line FROM (SELECT ${columns.map(q).join(', ')} FROM ONLY ${table}) r`,
    );
    for (;;) {
      const batch = await client.query<{ line: string }>(`FETCH ${FETCH_ROWS} FROM backup_rows`);
      if (batch.rows.length === 0) break;
      const text = `${batch.rows.map((row) => row.line).join('\n')}\n`;
      if (!out.write(text)) await once(out, 'drain');
      rows += batch.rows.length;
    }
    await client.query('CLOSE backup_rows');
  } finally {
    out.end();
    await closed;
  }
  return rows;
}
