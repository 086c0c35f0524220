/** Drizzle table of migration 0004: vendor integrations entered on the integrations page. */
import { boolean, customType, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const tsz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
/** PostgreSQL `bytea` as a Node Buffer (drizzle has no built-in bytea column). */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const integrations = pgTable('integrations', {
  provider: text('provider', { enum: ['freshservice', 'datto', 'superops'] }).primaryKey(),
  baseUrl: text('base_url').notNull(),
  settings: jsonb('settings').$type<Record<string, string>>().notNull().default({}),
  iv: bytea('iv').notNull(),
  tag: bytea('tag').notNull(),
  ciphertext: bytea('ciphertext').notNull(),
  keyId: text('key_id'),
  schedule: jsonb('schedule').$type<Record<string, number>>().notNull().default({}),
  lastTestAt: tsz('last_test_at'),
  lastTestOk: boolean('last_test_ok'),
  lastTestMessage: text('last_test_message'),
  updatedBy: text('updated_by'),
  updatedAt: tsz('updated_at').notNull().defaultNow(),
});

export type IntegrationRow = typeof integrations.$inferSelect;
