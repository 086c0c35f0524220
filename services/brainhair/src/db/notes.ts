/** Queries on the notes table. Plain functions taking the database, so tests can call them. */
import { desc } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { notes, type Note, type schema } from './schema.js';

export type BrainhairDb = NodePgDatabase<typeof schema>;

/** The newest notes first. */
export async function listNotes(db: BrainhairDb, limit: number): Promise<Note[]> {
  return db.select().from(notes).orderBy(desc(notes.createdAt), desc(notes.id)).limit(limit);
}

/** Saves a note written by a user and returns it. */
export async function addNote(
  db: BrainhairDb,
  author: { sub: string; name: string },
  body: string,
  now: Date,
): Promise<Note> {
  const [row] = await db
    .insert(notes)
    .values({ authorSub: author.sub, authorName: author.name, body, createdAt: now })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}
