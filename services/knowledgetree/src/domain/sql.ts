/** Small helpers for the plain-SQL domain queries. */
import type { SQL } from 'drizzle-orm';
import type { KnowledgetreeDb } from '../db/index.js';

/** The database or a transaction: both run `execute`. */
export type Executor = Pick<KnowledgetreeDb, 'execute'>;

/** Runs a query and returns its rows typed as `T` (the query's select list decides the shape). */
export async function rows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  // Drizzle's pg driver hands timestamps back as text; columns named `*_at` are timestamps here.
  for (const row of result.rows) {
    for (const [key, value] of Object.entries(row)) {
      if (key.endsWith('_at') && typeof value === 'string') row[key] = new Date(value);
    }
  }
  return result.rows as unknown as T[];
}

export async function one<T>(db: Executor, query: SQL): Promise<T | undefined> {
  return (await rows<T>(db, query))[0];
}

/** True when `error` (or its cause: drizzle wraps driver errors) is a unique violation of `constraint`. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const pgError = e as Error & { code?: unknown; constraint?: unknown };
    if (pgError.code === '23505' && pgError.constraint === constraint) return true;
  }
  return false;
}
