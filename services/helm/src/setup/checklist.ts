/**
 * The admin's first-sign-in checklist: change the generated password, set the hostname and
 * certificate (or keep the generated ones), connect integrations, create the first users. A step is
 * done, skipped or open; the password step's "done" is a fact (the generated password file is
 * gone), the others are what the admin marked. Every step can be reopened.
 */
import { stat } from 'node:fs/promises';
import type { StepMark } from '../db/index.js';

export const SETUP_STEPS = ['password', 'hostname', 'integrations', 'users'] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];

export type StepState = 'open' | 'done' | 'skipped';

/** One step as the page and the API show it. */
export interface StepStatus {
  step: SetupStep;
  state: StepState;
}

/** Whether a file exists (any error but "not found" counts as existing: safer to keep asking). */
export async function fileExists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    return !(error instanceof Error && 'code' in error && error.code === 'ENOENT');
  }
}

/** The checklist from the marks and whether the generated password file is still there. */
export function checklist(marks: ReadonlyMap<string, StepMark>, passwordFilePresent: boolean): StepStatus[] {
  return SETUP_STEPS.map((step) => {
    if (step === 'password') {
      if (!passwordFilePresent) return { step, state: 'done' };
      return { step, state: marks.get(step) === 'skipped' ? 'skipped' : 'open' };
    }
    return { step, state: marks.get(step) ?? 'open' };
  });
}

/** Whether the checklist still asks for attention (a step neither done nor skipped). */
export function pending(steps: readonly StepStatus[]): number {
  return steps.filter((step) => step.state === 'open').length;
}
