/** The audit trail of billing-relevant changes and secret reveals: who, when, old and new. */
import { and, desc, eq } from 'drizzle-orm';
import { auditEvents } from './schema.js';
import type { CodexDb } from './types.js';

/** Who did something: a user's `sub` and display name. */
export interface Actor {
  sub: string;
  name: string;
}

/** Records one event. */
export async function recordAudit(
  db: CodexDb,
  event: { actor: Actor; action: string; entity: string; entityId: string | number; detail?: Record<string, unknown> },
  now: Date,
): Promise<void> {
  await db.insert(auditEvents).values({
    at: now,
    actorSub: event.actor.sub,
    actorName: event.actor.name,
    action: event.action,
    entity: event.entity,
    entityId: String(event.entityId),
    detail: event.detail ?? {},
  });
}

/** The newest events about one entity. */
export async function auditOf(db: CodexDb, entity: string, entityId: string | number, limit = 20) {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entity, entity), eq(auditEvents.entityId, String(entityId))))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(limit);
}
