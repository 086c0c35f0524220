/** Drizzle table definitions, mirroring the committed SQL migrations in ./migrations. */
import { bigint, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const logEntries = pgTable(
  'log_entries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    timestamp: timestamp('timestamp', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    serviceName: text('service_name').notNull(),
    level: text('level').notNull(),
    message: text('message').notNull(),
    context: jsonb('context').$type<Record<string, unknown>>().notNull().default({}),
    traceId: text('trace_id'),
    userId: text('user_id'),
    hostname: text('hostname'),
    processId: integer('process_id'),
  },
  (table) => [
    index('log_entries_timestamp_idx').on(table.timestamp),
    index('log_entries_service_time_idx').on(table.serviceName, table.timestamp),
    index('log_entries_level_time_idx').on(table.level, table.timestamp),
  ],
);

export const schema = { logEntries };
export type LogEntryRow = typeof logEntries.$inferSelect;
export type NewLogEntry = typeof logEntries.$inferInsert;
