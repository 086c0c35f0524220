/**
 * Approval requests: created by a write tool (never executed then), decided only by their owner,
 * executed once with exactly the stored request and the approver's own token. Every step is in
 * the append-only audit trail.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { AppError, canonicalJson, type UserClaims } from '@hivematrix/sdk';
import { z } from 'zod';
import { approvalEvents, approvals } from '../db/index.js';
import type { Approval, BrainhairDb } from '../db/index.js';
import { UpstreamError } from '../platform/index.js';
import type { PlatformClient } from '../platform/index.js';
import type { ToolContext, WritePlan, WriteTool } from '../tools/index.js';
import { approvalHash } from './hash.js';

type Actor = Pick<UserClaims, 'sub' | 'name' | 'preferred_username'>;
const actorName = (user: Actor): string => user.name || user.preferred_username;

async function audit(
  db: BrainhairDb,
  approvalId: string,
  actor: Actor,
  action: typeof approvalEvents.$inferInsert.action,
  detail: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await db
    .insert(approvalEvents)
    .values({ approvalId, actorSub: actor.sub, actorName: actorName(actor), action, detail, at });
}

/** Stores a pending approval for a prepared write. */
export async function createApproval(
  db: BrainhairDb,
  input: { user: Actor; chatId: string; tool: string; args: unknown; plan: WritePlan; now: Date; ttlSec: number },
): Promise<Approval> {
  const id = randomUUID();
  const argsHash = approvalHash({
    id,
    ownerSub: input.user.sub,
    chatId: input.chatId,
    tool: input.tool,
    args: input.args,
    request: input.plan.request,
  });
  const [row] = await db
    .insert(approvals)
    .values({
      id,
      ownerSub: input.user.sub,
      ownerName: actorName(input.user),
      chatId: input.chatId,
      tool: input.tool,
      args: input.args,
      argsHash,
      summary: input.plan.summary,
      before: input.plan.before,
      after: input.plan.after,
      request: input.plan.request,
      status: 'pending',
      createdAt: input.now,
      expiresAt: new Date(input.now.getTime() + input.ttlSec * 1000),
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  await audit(
    db,
    id,
    input.user,
    'requested',
    { tool: input.tool, args_hash: argsHash, summary: input.plan.summary },
    input.now,
  );
  return row;
}

/** The approval if it belongs to `user`; anyone else learns nothing (404). */
export async function ownApproval(db: BrainhairDb, id: string, user: Actor): Promise<Approval> {
  const [row] = await db.select().from(approvals).where(eq(approvals.id, id));
  if (row === undefined || row.ownerSub !== user.sub) throw new AppError('not_found', 'No such approval request');
  return row;
}

/** Approval requests of one chat (the cards), newest last. */
export function approvalsOfChat(db: BrainhairDb, chatId: string): Promise<Approval[]> {
  return db.select().from(approvals).where(eq(approvals.chatId, chatId)).orderBy(approvals.createdAt);
}

const plannedRequest = z.object({
  service: z.enum(['codex', 'ledger', 'knowledgetree']),
  method: z.enum(['POST', 'PUT']),
  path: z.string().startsWith('/api/'),
  body: z.unknown(),
});

export interface DecisionDeps {
  db: BrainhairDb;
  platform: PlatformClient;
  tools: ReadonlyMap<string, WriteTool<never>>;
  now: () => Date;
}

export type Decision = { decision: 'deny' } | { decision: 'approve' };

/**
 * Decides an approval. Refused (and audited) when: it is not the caller's (404), the hash the
 * card showed differs from the stored one or the stored row no longer matches its own hash
 * (tampered), it is not pending (replayed), it expired, or the state it was prepared against
 * changed. Approval then runs exactly the stored request with the caller's token.
 */
export async function decideApproval(
  deps: DecisionDeps,
  input: { id: string; user: Actor; token: string; argsHash: string; decision: Decision['decision'] },
): Promise<Approval> {
  const { db } = deps;
  const now = deps.now();
  const row = await ownApproval(db, input.id, input.user);
  const refuse = async (
    reason: string,
    code: 'conflict' | 'forbidden' | 'bad_request',
    message: string,
  ): Promise<never> => {
    await audit(db, row.id, input.user, 'refused', { reason }, now);
    throw new AppError(code, message);
  };
  const recomputed = approvalHash({
    id: row.id,
    ownerSub: row.ownerSub,
    chatId: row.chatId,
    tool: row.tool,
    args: row.args,
    request: row.request,
  });
  if (input.argsHash !== row.argsHash || recomputed !== row.argsHash)
    await refuse('hash_mismatch', 'forbidden', 'This approval does not match the stored request');
  if (row.status !== 'pending')
    await refuse(`already_${row.status}`, 'conflict', `This request was already ${row.status}`);
  if (row.expiresAt.getTime() <= now.getTime()) {
    await db
      .update(approvals)
      .set({ status: 'expired', decidedAt: now })
      .where(and(eq(approvals.id, row.id), eq(approvals.status, 'pending')));
    await audit(db, row.id, input.user, 'expired', {}, now);
    throw new AppError('conflict', 'This request has expired');
  }
  const nextStatus = input.decision === 'deny' ? 'denied' : 'executing';
  // One winner: the row moves out of `pending` only once, so a replay or a double click loses.
  const [claimed] = await db
    .update(approvals)
    .set({ status: nextStatus, decidedAt: now })
    .where(and(eq(approvals.id, row.id), eq(approvals.status, 'pending'), eq(approvals.argsHash, input.argsHash)))
    .returning();
  if (claimed === undefined) return refuse('race_lost', 'conflict', 'This request was already decided');
  if (input.decision === 'deny') {
    await audit(db, row.id, input.user, 'denied', {}, now);
    return claimed;
  }
  await audit(db, row.id, input.user, 'approved', { args_hash: row.argsHash }, now);
  return executeApproved(deps, claimed, input.user, input.token, now);
}

async function executeApproved(
  deps: DecisionDeps,
  row: Approval,
  user: Actor,
  token: string,
  now: Date,
): Promise<Approval> {
  const { db } = deps;
  const finish = async (status: 'executed' | 'failed', result: Record<string, unknown>): Promise<Approval> => {
    const [done] = await db.update(approvals).set({ status, result }).where(eq(approvals.id, row.id)).returning();
    await audit(db, row.id, user, status, result, now);
    if (!done) throw new Error('approval vanished');
    return done;
  };
  const tool = deps.tools.get(row.tool);
  const request = plannedRequest.safeParse(row.request);
  if (tool === undefined || !request.success)
    return finish('failed', { error: 'The stored request is not valid any more' });
  const args = tool.input.safeParse(row.args);
  if (!args.success) return finish('failed', { error: 'The stored arguments are not valid any more' });
  const ctx: ToolContext = { call: { token }, user: { ...user } as ToolContext['user'], companyAccount: null };
  try {
    // Re-read the state: if it moved since the card was shown, the preview is stale.
    const fresh = await tool.prepare(args.data, ctx, { platform: deps.platform });
    if (canonicalJson(fresh.before) !== canonicalJson(row.before))
      return finish('failed', { error: 'The data changed since this was proposed; ask again to see the new preview' });
    const planned = request.data;
    const answer = await deps.platform.request(planned.service, { token }, planned.path, z.unknown(), {
      method: planned.method,
      body: planned.body,
    });
    return finish('executed', { response: answer ?? null });
  } catch (error) {
    if (error instanceof UpstreamError)
      return finish('failed', { error: tool.explainFailure?.(error) ?? error.message, status: error.status });
    throw error;
  }
}

/** Marks every pending request past its expiry as expired (run before listing). */
export async function expireApprovals(db: BrainhairDb, now: Date): Promise<void> {
  await db
    .update(approvals)
    .set({ status: 'expired', decidedAt: now })
    .where(and(eq(approvals.status, 'pending'), lt(approvals.expiresAt, now)));
}

/** The audit trail, newest first, for admins. */
export function auditTrail(db: BrainhairDb, limit: number) {
  return db
    .select({
      id: approvalEvents.id,
      approvalId: approvalEvents.approvalId,
      actorName: approvalEvents.actorName,
      actorSub: approvalEvents.actorSub,
      action: approvalEvents.action,
      detail: approvalEvents.detail,
      at: approvalEvents.at,
      tool: approvals.tool,
      summary: approvals.summary,
    })
    .from(approvalEvents)
    .leftJoin(approvals, eq(approvals.id, approvalEvents.approvalId))
    .orderBy(desc(approvalEvents.at), desc(approvalEvents.id))
    .limit(limit);
}

/** Counts by status, for the admin page. */
export async function approvalCounts(db: BrainhairDb): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: approvals.status, n: sql<number>`count(*)::int` })
    .from(approvals)
    .groupBy(approvals.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
