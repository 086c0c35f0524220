/**
 * Queries on the setup checklist (migrations/0007_setup_steps.sql): the marks an admin set on its
 * steps. The table is defined here rather than in schema.ts: only these functions touch it.
 */
import { eq } from 'drizzle-orm';
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { HelmDb } from './logs.js';

export type StepMark = 'done' | 'skipped';

export const setupSteps = pgTable('setup_steps', {
  step: text('step').primaryKey(),
  state: text('state').$type<StepMark>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  updatedBy: text('updated_by').notNull(),
});

/** Every mark, by step. */
export async function readMarks(db: HelmDb): Promise<Map<string, StepMark>> {
  const rows = await db.select({ step: setupSteps.step, state: setupSteps.state }).from(setupSteps);
  return new Map(rows.map((row) => [row.step, row.state]));
}

/** Marks a step done or skipped (replacing an earlier mark). */
export async function markStep(db: HelmDb, step: string, state: StepMark, by: string, at: Date): Promise<void> {
  await db
    .insert(setupSteps)
    .values({ step, state, updatedAt: at, updatedBy: by })
    .onConflictDoUpdate({ target: setupSteps.step, set: { state, updatedAt: at, updatedBy: by } });
}

/** Opens a step again. */
export async function reopenStep(db: HelmDb, step: string): Promise<void> {
  await db.delete(setupSteps).where(eq(setupSteps.step, step));
}
