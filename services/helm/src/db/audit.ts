/** Queries on audit_trail: record an admin action, list the newest. */
import { desc } from 'drizzle-orm';
import type { HelmDb } from './logs.js';
import { auditTrail, type AuditRow } from './schema.js';

/** One admin action to record. */
export interface AuditEvent {
  at: Date;
  actor: string;
  action: string;
  target: string;
  result: 'success' | 'failure';
  detail: string | null;
}

/** Appends one action to the trail. */
export async function recordAudit(db: HelmDb, event: AuditEvent): Promise<void> {
  await db.insert(auditTrail).values(event);
}

/** The newest `limit` actions, newest first. */
export async function listAudit(db: HelmDb, limit = 200): Promise<AuditRow[]> {
  return db.select().from(auditTrail).orderBy(desc(auditTrail.at), desc(auditTrail.id)).limit(limit);
}
