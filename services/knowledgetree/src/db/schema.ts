/**
 * Drizzle handle types. The tables are defined by the committed SQL migrations in ./migrations;
 * the domain queries them with plain SQL (recursive CTEs, tsvector, arrays) through `sql`.
 */
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';

export const schema = {};
export type KnowledgetreeDb = NodePgDatabase<typeof schema>;
