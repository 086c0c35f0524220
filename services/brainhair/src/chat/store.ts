/** Chats, messages and tool calls in the database. Every read by id checks the owner. */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import { AppError } from '@hivematrix/sdk';
import { chats, messages, toolCalls } from '../db/index.js';
import type { BrainhairDb, Chat, Message, ToolCallRow } from '../db/index.js';

export interface Owner {
  sub: string;
  name: string;
}

export async function createChat(
  db: BrainhairDb,
  owner: Owner,
  now: Date,
  context: { companyAccount?: string | null; ticketId?: number | null } = {},
): Promise<Chat> {
  const [row] = await db
    .insert(chats)
    .values({
      id: randomUUID(),
      ownerSub: owner.sub,
      ownerName: owner.name,
      title: 'New chat',
      companyAccount: context.companyAccount ?? null,
      ticketId: context.ticketId ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** The chat if it belongs to `sub`; otherwise 404 (another user's chat is not confirmed to exist). */
export async function ownChat(db: BrainhairDb, id: string, sub: string): Promise<Chat> {
  const [row] = await db
    .select()
    .from(chats)
    .where(and(eq(chats.id, id), eq(chats.ownerSub, sub)));
  if (row === undefined) throw new AppError('not_found', 'No such chat');
  return row;
}

/** The user's chats, newest first; `q` searches titles and message text. */
export async function listChats(
  db: BrainhairDb,
  sub: string,
  options: { q?: string | undefined; limit: number; offset: number },
): Promise<{ chat: Chat; count: number }[]> {
  const q = options.q?.trim();
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const matching =
    pattern === undefined
      ? undefined
      : or(
          ilike(chats.title, pattern),
          inArray(chats.id, db.select({ id: messages.chatId }).from(messages).where(ilike(messages.content, pattern))),
        );
  const rows = await db
    .select({ chat: chats, count: sql<number>`(select count(*)::int from messages m where m.chat_id = "chats"."id")` })
    .from(chats)
    .where(and(eq(chats.ownerSub, sub), matching))
    .orderBy(desc(chats.updatedAt))
    .limit(options.limit)
    .offset(options.offset);
  return rows;
}

export async function updateChat(
  db: BrainhairDb,
  chat: Chat,
  changes: { title?: string; companyAccount?: string | null; ticketId?: number | null },
  now: Date,
): Promise<Chat> {
  const [row] = await db
    .update(chats)
    .set({ ...changes, updatedAt: now })
    .where(and(eq(chats.id, chat.id), eq(chats.ownerSub, chat.ownerSub)))
    .returning();
  if (!row) throw new AppError('not_found', 'No such chat');
  return row;
}

export async function deleteChat(db: BrainhairDb, chat: Chat): Promise<void> {
  await db.delete(chats).where(and(eq(chats.id, chat.id), eq(chats.ownerSub, chat.ownerSub)));
}

export async function addMessage(
  db: BrainhairDb,
  chatId: string,
  values: Pick<Message, 'role' | 'content' | 'status' | 'mode'>,
  now: Date,
): Promise<Message> {
  const [row] = await db
    .insert(messages)
    .values({ chatId, ...values, createdAt: now })
    .returning();
  if (!row) throw new Error('insert returned no row');
  await db.update(chats).set({ updatedAt: now }).where(eq(chats.id, chatId));
  return row;
}

export async function addToolCall(db: BrainhairDb, values: Omit<ToolCallRow, 'id'>): Promise<void> {
  await db.insert(toolCalls).values(values);
}

/** Links a turn's tool calls to the assistant message they belong to, once it is saved. */
export async function attachToolCalls(
  db: BrainhairDb,
  chatId: string,
  callIds: string[],
  messageId: number,
): Promise<void> {
  if (callIds.length === 0) return;
  await db
    .update(toolCalls)
    .set({ messageId })
    .where(and(eq(toolCalls.chatId, chatId), inArray(toolCalls.callId, callIds)));
}

export function messagesOf(db: BrainhairDb, chatId: string): Promise<Message[]> {
  return db.select().from(messages).where(eq(messages.chatId, chatId)).orderBy(messages.id);
}

export function toolCallsOf(db: BrainhairDb, chatId: string): Promise<ToolCallRow[]> {
  return db.select().from(toolCalls).where(eq(toolCalls.chatId, chatId)).orderBy(toolCalls.id);
}

/** A short title from the first question: its first line, cut at a word near 60 characters. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]?.replace(/\s+/g, ' ') ?? '';
  if (line.length <= 60) return line || 'New chat';
  const cut = line.slice(0, 60);
  const space = cut.lastIndexOf(' ');
  return `${(space > 30 ? cut.slice(0, space) : cut).trim()}…`;
}

/** The chat as a Markdown document (what was said and which tools ran, as the model saw them). */
export function exportMarkdown(chat: Chat, rows: Message[], calls: ToolCallRow[]): string {
  const lines = [`# ${chat.title}`, '', `- Created: ${chat.createdAt.toISOString()}`];
  if (chat.companyAccount) lines.push(`- Client: ${chat.companyAccount}`);
  if (chat.ticketId) lines.push(`- Ticket: ${chat.ticketId}`);
  lines.push('');
  for (const message of rows) {
    lines.push(`## ${message.role === 'user' ? 'You' : 'Brainhair'} (${message.createdAt.toISOString()})`, '');
    for (const call of calls.filter((c) => c.messageId === message.id)) {
      lines.push(`> Tool \`${call.tool}\` ${JSON.stringify(call.input)} → ${call.status}`);
    }
    if (message.role === 'assistant' && calls.some((c) => c.messageId === message.id)) lines.push('');
    lines.push(message.content, '');
  }
  return lines.join('\n');
}
