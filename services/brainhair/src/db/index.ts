/** Brainhair's tables (chats, messages, tool calls, approvals, usage) and the database type. */
export { approvalEvents, approvals, chats, messages, schema, toolCalls, usageDaily } from './schema.js';
export type { Approval, BrainhairDb, Chat, Message, ToolCallRow } from './schema.js';
