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
  // The b-tree indexes as of migration 0005 (the trigram index over service and message, and the
  // partial and BRIN ones, are in the SQL only): Drizzle does not create them, this is a map.
  (table) => [
    index('log_entries_timestamp_id_idx').on(table.timestamp, table.id),
    index('log_entries_service_time_idx').on(table.serviceName, table.timestamp),
    index('log_entries_level_time_idx').on(table.level, table.timestamp),
    index('log_entries_service_level_time_idx').on(table.serviceName, table.level, table.timestamp),
  ],
);

/** Admin actions (see migrations/0002_audit_trail.sql). */
export const auditTrail = pgTable('audit_trail', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  target: text('target').notNull(),
  result: text('result').$type<'success' | 'failure'>().notNull(),
  detail: text('detail'),
});

export const schema = { logEntries, auditTrail };
export type AuditRow = typeof auditTrail.$inferSelect;
export type LogEntryRow = typeof logEntries.$inferSelect;
export type NewLogEntry = typeof logEntries.$inferInsert;
