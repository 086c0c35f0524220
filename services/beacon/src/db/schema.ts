/** Drizzle table definitions, mirroring the committed SQL migrations in ./migrations. */
import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const displayLinks = pgTable('display_links', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  viewSlug: text('view_slug').notNull(),
  agent: text('agent'),
  company: text('company'),
  priority: text('priority', { enum: ['low', 'medium', 'high', 'urgent'] }),
  fields: text('fields').array().notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  revokedBy: text('revoked_by'),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  lastUsedFrom: text('last_used_from'),
});

export const schema = { displayLinks };
export type DisplayLink = typeof displayLinks.$inferSelect;
