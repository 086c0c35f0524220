/** Drizzle table definitions, mirroring the committed SQL migrations in ./migrations. */
import { bigint, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';

const at = (name: string) => timestamp(name, { withTimezone: true });

export const chats = pgTable(
  'chats',
  {
    id: uuid('id').primaryKey(),
    ownerSub: text('owner_sub').notNull(),
    ownerName: text('owner_name').notNull(),
    title: text('title').notNull(),
    companyAccount: text('company_account'),
    ticketId: integer('ticket_id'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [index('chats_owner_updated_idx').on(t.ownerSub, t.updatedAt)],
);

export const messages = pgTable('messages', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  chatId: uuid('chat_id').notNull(),
  role: text('role', { enum: ['user', 'assistant'] }).notNull(),
  content: text('content').notNull(),
  status: text('status', { enum: ['complete', 'stopped', 'error'] }).notNull(),
  mode: text('mode', { enum: ['model', 'search'] }).notNull(),
  createdAt: at('created_at').notNull(),
});

export const toolCalls = pgTable('tool_calls', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  chatId: uuid('chat_id').notNull(),
  messageId: bigint('message_id', { mode: 'number' }),
  callId: text('call_id').notNull(),
  tool: text('tool').notNull(),
  input: jsonb('input').notNull(),
  output: text('output').notNull(),
  status: text('status', { enum: ['ok', 'error', 'approval_requested', 'refused'] }).notNull(),
  createdAt: at('created_at').notNull(),
});

export const APPROVAL_STATUSES = ['pending', 'executing', 'executed', 'denied', 'expired', 'failed'] as const;
export const approvals = pgTable('approvals', {
  id: uuid('id').primaryKey(),
  ownerSub: text('owner_sub').notNull(),
  ownerName: text('owner_name').notNull(),
  chatId: uuid('chat_id'),
  tool: text('tool').notNull(),
  args: jsonb('args').notNull(),
  argsHash: text('args_hash').notNull(),
  summary: text('summary').notNull(),
  before: jsonb('before').notNull(),
  after: jsonb('after').notNull(),
  request: jsonb('request').notNull(),
  status: text('status', { enum: APPROVAL_STATUSES }).notNull(),
  result: jsonb('result'),
  createdAt: at('created_at').notNull(),
  expiresAt: at('expires_at').notNull(),
  decidedAt: at('decided_at'),
});

export const approvalEvents = pgTable('approval_events', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  approvalId: uuid('approval_id').notNull(),
  actorSub: text('actor_sub').notNull(),
  actorName: text('actor_name').notNull(),
  action: text('action', {
    enum: ['requested', 'approved', 'denied', 'executed', 'failed', 'refused', 'expired'],
  }).notNull(),
  detail: jsonb('detail').notNull(),
  at: at('at').notNull(),
});

export const usageDaily = pgTable(
  'usage_daily',
  {
    userSub: text('user_sub').notNull(),
    day: date('day').notNull(),
    userName: text('user_name').notNull(),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull(),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull(),
    toolCalls: integer('tool_calls').notNull(),
    messages: integer('messages').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userSub, t.day] })],
);

export const schema = { chats, messages, toolCalls, approvals, approvalEvents, usageDaily };
export type BrainhairDb = NodePgDatabase<typeof schema>;
export type Chat = typeof chats.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type ToolCallRow = typeof toolCalls.$inferSelect;
export type Approval = typeof approvals.$inferSelect;
