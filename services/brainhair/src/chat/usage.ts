/** Per-user daily usage (UTC days): the limits on tokens and tool calls, and the admin page. */
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import { usageDaily } from '../db/index.js';
import type { BrainhairDb } from '../db/index.js';

export const dayOf = (now: Date): string => now.toISOString().slice(0, 10);

export interface UsageToday {
  tokens: number;
  toolCalls: number;
}

export async function usageToday(db: BrainhairDb, sub: string, now: Date): Promise<UsageToday> {
  const [row] = await db
    .select()
    .from(usageDaily)
    .where(and(eq(usageDaily.userSub, sub), eq(usageDaily.day, dayOf(now))));
  return { tokens: (row?.inputTokens ?? 0) + (row?.outputTokens ?? 0), toolCalls: row?.toolCalls ?? 0 };
}

/** Adds to today's counters (one upsert). */
export async function recordUsage(
  db: BrainhairDb,
  user: { sub: string; name: string },
  now: Date,
  add: { input?: number; output?: number; toolCalls?: number; messages?: number },
): Promise<void> {
  const values = {
    inputTokens: add.input ?? 0,
    outputTokens: add.output ?? 0,
    toolCalls: add.toolCalls ?? 0,
    messages: add.messages ?? 0,
  };
  await db
    .insert(usageDaily)
    .values({ userSub: user.sub, day: dayOf(now), userName: user.name, ...values })
    .onConflictDoUpdate({
      target: [usageDaily.userSub, usageDaily.day],
      set: {
        inputTokens: sql`${usageDaily.inputTokens} + ${values.inputTokens}`,
        outputTokens: sql`${usageDaily.outputTokens} + ${values.outputTokens}`,
        toolCalls: sql`${usageDaily.toolCalls} + ${values.toolCalls}`,
        messages: sql`${usageDaily.messages} + ${values.messages}`,
        userName: user.name,
      },
    });
}

/**
 * Counts one tool call against today's limit atomically: true when it was within the limit.
 * A conditional upsert, so concurrent calls cannot overshoot.
 */
export async function takeToolCall(
  db: BrainhairDb,
  user: { sub: string; name: string },
  now: Date,
  limit: number,
): Promise<boolean> {
  if (limit <= 0) return false;
  const rows = await db
    .insert(usageDaily)
    .values({
      userSub: user.sub,
      day: dayOf(now),
      userName: user.name,
      inputTokens: 0,
      outputTokens: 0,
      toolCalls: 1,
      messages: 0,
    })
    .onConflictDoUpdate({
      target: [usageDaily.userSub, usageDaily.day],
      set: { toolCalls: sql`${usageDaily.toolCalls} + 1` },
      setWhere: sql`${usageDaily.toolCalls} < ${limit}`,
    })
    .returning({ n: usageDaily.toolCalls });
  return rows.length > 0;
}

/** Usage per user and day over the last `days` days, newest first. */
export function usageReport(db: BrainhairDb, now: Date, days: number) {
  const from = dayOf(new Date(now.getTime() - days * 86_400_000));
  return db
    .select()
    .from(usageDaily)
    .where(gte(usageDaily.day, from))
    .orderBy(desc(usageDaily.day), usageDaily.userName);
}
