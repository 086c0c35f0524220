/**
 * Queries on alerts (migrations/0006_alerts.sql): open an alert unless one is already open for
 * its condition, resolve it, record its delivery, list, and prune resolved ones by age. The table
 * is defined here rather than in schema.ts: only these functions touch it.
 */
import { and, desc, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { HelmDb } from './logs.js';

export type AlertSeverity = 'high' | 'medium' | 'low';

export const alerts = pgTable('alerts', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  key: text('key').notNull(),
  severity: text('severity').$type<AlertSeverity>().notNull(),
  title: text('title').notNull(),
  detail: text('detail').notNull(),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  notifiedAt: timestamp('notified_at', { withTimezone: true }),
  notifyError: text('notify_error'),
});
export type AlertRow = typeof alerts.$inferSelect;

/** What raises an alert: `key` names the condition (`service:codex:down`), one open per key. */
export interface AlertInput {
  key: string;
  severity: AlertSeverity;
  title: string;
  detail: string;
}

/** Opens an alert; returns it, or undefined when one is already open for the key. */
export async function openAlert(db: HelmDb, alert: AlertInput, at: Date): Promise<AlertRow | undefined> {
  const [row] = await db
    .insert(alerts)
    .values({ ...alert, openedAt: at })
    .onConflictDoNothing({ target: alerts.key, where: sql`resolved_at IS NULL` })
    .returning();
  return row;
}

/** Resolves the open alert of a key; returns it, or undefined when none was open. */
export async function resolveAlert(db: HelmDb, key: string, at: Date): Promise<AlertRow | undefined> {
  const [row] = await db
    .update(alerts)
    .set({ resolvedAt: at })
    .where(and(eq(alerts.key, key), isNull(alerts.resolvedAt)))
    .returning();
  return row;
}

/** The keys of the open alerts whose key starts with `prefix`. */
export async function openAlertKeys(db: HelmDb, prefix: string): Promise<string[]> {
  const rows = await db
    .select({ key: alerts.key })
    .from(alerts)
    .where(and(isNull(alerts.resolvedAt), sql`starts_with(${alerts.key}, ${prefix})`));
  return rows.map((row) => row.key);
}

/** How many alerts are open, and how many of them are high. */
export async function openAlertCounts(db: HelmDb): Promise<{ open: number; high: number }> {
  const [row] = await db
    .select({
      open: sql<number>`count(*)::int`,
      high: sql<number>`count(*) FILTER (WHERE ${alerts.severity} = 'high')::int`,
    })
    .from(alerts)
    .where(isNull(alerts.resolvedAt));
  return { open: row?.open ?? 0, high: row?.high ?? 0 };
}

/** Records how the delivery of an alert went: when a channel took it (null: none did), and the failures. */
export async function recordDelivery(
  db: HelmDb,
  id: number,
  outcome: { at: Date | null; error: string | null },
): Promise<void> {
  await db
    .update(alerts)
    .set({ notifiedAt: outcome.at, notifyError: outcome.error?.slice(0, 500) ?? null })
    .where(eq(alerts.id, id));
}

/** Open alerts (most severe, then newest first) and the newest `recent` resolved ones. */
export async function listAlerts(db: HelmDb, recent = 100): Promise<{ open: AlertRow[]; resolved: AlertRow[] }> {
  const rank = sql`CASE ${alerts.severity} WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END`;
  const [open, resolved] = await Promise.all([
    db.select().from(alerts).where(isNull(alerts.resolvedAt)).orderBy(rank, desc(alerts.openedAt)),
    db.select().from(alerts).where(isNotNull(alerts.resolvedAt)).orderBy(desc(alerts.resolvedAt)).limit(recent),
  ]);
  return { open, resolved };
}

/** Deletes alerts resolved before `cutoff`; returns how many. */
export async function pruneAlerts(db: HelmDb, cutoff: Date): Promise<number> {
  const rows = await db.delete(alerts).where(lt(alerts.resolvedAt, cutoff)).returning({ id: alerts.id });
  return rows.length;
}
