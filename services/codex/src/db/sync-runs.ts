/** Sync history: one row per run, with progress while it runs and counts when it ends. */
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { SyncJobName } from '../domain/index.js';
import { syncRuns, syncSchedules, type SkippedRecord, type SyncRun } from './schema.js';
import type { CodexDb } from './types.js';

/** Counts a run reports. */
export interface RunCounts {
  fetched: number;
  created: number;
  updated: number;
  archived: number;
}

/**
 * Starts a run of `job`, or returns undefined when one is already running: a partial unique index
 * allows one running row per job, so two instances (or two clicks) never run the same job twice.
 */
export async function createRun(
  db: CodexDb,
  run: { job: SyncJobName; trigger: 'schedule' | 'manual'; requestedBy: string | null },
  now: Date,
): Promise<SyncRun | undefined> {
  const rows = await db
    .insert(syncRuns)
    .values({ ...run, status: 'running', startedAt: now, heartbeatAt: now })
    .onConflictDoNothing({ target: syncRuns.job, where: sql`status = 'running'` })
    .returning();
  return rows[0];
}

/** Records progress (and proves the run is alive). */
export async function recordProgress(
  db: CodexDb,
  id: number,
  progress: RunCounts & { phase: string },
  now: Date,
): Promise<void> {
  await db
    .update(syncRuns)
    .set({ ...progress, heartbeatAt: now })
    .where(eq(syncRuns.id, id));
}

/** Ends a run with its outcome. */
export async function finishRun(
  db: CodexDb,
  id: number,
  outcome: RunCounts & {
    status: 'succeeded' | 'partial' | 'failed';
    errors: string[];
    warnings: string[];
    skipped: SkippedRecord[];
  },
  now: Date,
): Promise<void> {
  await db
    .update(syncRuns)
    .set({ ...outcome, phase: null, finishedAt: now, heartbeatAt: now })
    .where(eq(syncRuns.id, id));
}

/** Marks runs that stopped reporting (their instance died) as failed, so the job can run again. */
export async function failStaleRuns(db: CodexDb, staleBefore: Date, now: Date): Promise<number> {
  const rows = await db
    .update(syncRuns)
    .set({
      status: 'failed',
      finishedAt: now,
      errors: sql`${syncRuns.errors} || '["interrupted: no progress reported"]'::jsonb`,
    })
    .where(and(eq(syncRuns.status, 'running'), lt(syncRuns.heartbeatAt, staleBefore)))
    .returning({ id: syncRuns.id });
  return rows.length;
}

/** The newest runs, of one job or all. */
export async function listRuns(
  db: CodexDb,
  options: { job?: SyncJobName | undefined; limit: number },
): Promise<SyncRun[]> {
  return db
    .select()
    .from(syncRuns)
    .where(options.job === undefined ? undefined : eq(syncRuns.job, options.job))
    .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
    .limit(options.limit);
}

/** One run by id. */
export async function findRun(db: CodexDb, id: number): Promise<SyncRun | undefined> {
  const [row] = await db.select().from(syncRuns).where(eq(syncRuns.id, id));
  return row;
}

/** The newest run of a job, optionally only a successful one (the incremental watermark). */
export async function lastRun(db: CodexDb, job: SyncJobName, status?: SyncRun['status']): Promise<SyncRun | undefined> {
  const [row] = await db
    .select()
    .from(syncRuns)
    .where(and(eq(syncRuns.job, job), status === undefined ? undefined : eq(syncRuns.status, status)))
    .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
    .limit(1);
  return row;
}

/** Jobs whose schedule an admin paused. */
export async function pausedJobs(db: CodexDb): Promise<Set<string>> {
  const rows = await db.select({ job: syncSchedules.job }).from(syncSchedules).where(eq(syncSchedules.paused, true));
  return new Set(rows.map((row) => row.job));
}

/** Pauses or resumes a job's schedule. */
export async function setPaused(db: CodexDb, job: SyncJobName, paused: boolean, by: string, now: Date): Promise<void> {
  await db
    .insert(syncSchedules)
    .values({ job, paused, updatedBy: by, updatedAt: now })
    .onConflictDoUpdate({ target: syncSchedules.job, set: { paused, updatedBy: by, updatedAt: now } });
}
