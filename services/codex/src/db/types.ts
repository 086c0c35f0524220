/** The database handle every query function takes: the database itself or a transaction. */
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { schema } from './schema.js';

/** Drizzle over codex's pool (or inside one of its transactions), with the relational schema. */
export type CodexDb = PgDatabase<NodePgQueryResultHKT, typeof schema, ExtractTablesWithRelations<typeof schema>>;
