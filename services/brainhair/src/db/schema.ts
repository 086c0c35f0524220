/** Drizzle table definitions, mirroring the committed SQL migrations in ./migrations. */
import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const notes = pgTable(
  'notes',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    authorSub: text('author_sub').notNull(),
    authorName: text('author_name').notNull(),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('notes_created_at_idx').on(table.createdAt)],
);

export const schema = { notes };
export type Note = typeof notes.$inferSelect;
