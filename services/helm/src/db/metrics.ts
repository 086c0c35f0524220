/**
 * Queries on service_metrics (migrations/0003_metrics.sql): store a round of samples, read one
 * service's series, the latest sample of every service, and prune by age. The table is defined
 * here rather than in schema.ts: only these functions touch it.
 */
import { and, asc, desc, eq, gte, lt } from 'drizzle-orm';
import { bigint, integer, pgTable, real, text, timestamp } from 'drizzle-orm/pg-core';
import type { HelmDb } from './logs.js';

export const serviceMetrics = pgTable('service_metrics', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  serviceName: text('service_name').notNull(),
  state: text('state').notNull(),
  health: text('health').notNull(),
  pid: integer('pid'),
  cpuPercent: real('cpu_percent'),
  memoryMb: real('memory_mb'),
  restarts: integer('restarts').notNull().default(0),
});
export type MetricSample = typeof serviceMetrics.$inferSelect;
export type NewMetricSample = typeof serviceMetrics.$inferInsert;

/** Stores one round of samples. */
export async function insertSamples(db: HelmDb, samples: readonly NewMetricSample[]): Promise<void> {
  if (samples.length > 0) await db.insert(serviceMetrics).values([...samples]);
}

/** One service's samples since `since`, oldest first, at most `limit` (the newest ones). */
export async function serviceSamples(
  db: HelmDb,
  service: string,
  since: Date,
  limit = 10_000,
): Promise<MetricSample[]> {
  const rows = await db
    .select()
    .from(serviceMetrics)
    .where(and(eq(serviceMetrics.serviceName, service), gte(serviceMetrics.at, since)))
    .orderBy(desc(serviceMetrics.at), desc(serviceMetrics.id))
    .limit(limit);
  return rows.reverse();
}

/** The newest sample of every service (one index probe per service). */
export async function latestSamples(db: HelmDb): Promise<Map<string, MetricSample>> {
  const rows = await db
    .selectDistinctOn([serviceMetrics.serviceName])
    .from(serviceMetrics)
    .orderBy(asc(serviceMetrics.serviceName), desc(serviceMetrics.at), desc(serviceMetrics.id));
  return new Map(rows.map((row) => [row.serviceName, row]));
}

/** Deletes samples taken before `cutoff`; returns how many. */
export async function pruneSamples(db: HelmDb, cutoff: Date): Promise<number> {
  const deleted = await db
    .delete(serviceMetrics)
    .where(lt(serviceMetrics.at, cutoff))
    .returning({ id: serviceMetrics.id });
  return deleted.length;
}
