/** Plan catalogue changes shared by the API and the forms: validated and audited once. */
import { AppError } from '@hivematrix/sdk';
import {
  createPlan,
  featureCatalogue,
  plansAsRows,
  pricesOf,
  recordAudit,
  updatePlan,
  upsertPlans,
} from '../../db/index.js';
import type { Actor, CodexDb, PlanPatch, PlanWithFeatures } from '../../db/index.js';
import { plansFromCsv, plansToCsv } from '../../domain/index.js';

/** Applies a patch to one plan row after checking its feature values against the catalogue. */
export async function editPlan(
  db: CodexDb,
  actor: Actor,
  id: number,
  patch: PlanPatch,
  now: Date,
): Promise<PlanWithFeatures> {
  if (patch.features !== undefined) {
    const catalogue = await featureCatalogue(db);
    const errors = Object.entries(patch.features).flatMap(([key, value]) => {
      const category = catalogue.find((entry) => entry.key === key);
      if (category === undefined) return [{ path: `body.features.${key}`, message: 'unknown feature category' }];
      if (value !== null && value !== '' && !category.options.some((option) => option.value === value))
        return [{ path: `body.features.${key}`, message: 'not an option of this category' }];
      return [];
    });
    if (errors.length > 0) throw new AppError('validation_failed', 'Some features are not valid.', { errors });
  }
  const changed = await updatePlan(db, id, patch, now);
  if (changed === undefined) throw new AppError('not_found', 'Plan not found');
  await recordAudit(
    db,
    {
      actor,
      action: 'plan.update',
      entity: 'plan',
      entityId: `${changed.after.planName}|${changed.after.term}`,
      detail: {
        before: {
          support_level: changed.before.supportLevel,
          prices_cents: pricesOf(changed.before),
          backup_included_tb: changed.before.backupIncludedTb,
          features: changed.before.features,
        },
        after: {
          support_level: changed.after.supportLevel,
          prices_cents: pricesOf(changed.after),
          backup_included_tb: changed.after.backupIncludedTb,
          features: changed.after.features,
        },
      },
    },
    now,
  );
  return changed.after;
}

/** Creates a plan (all four terms at the defaults); a name in use is a conflict. */
export async function addPlan(db: CodexDb, actor: Actor, planName: string, now: Date): Promise<void> {
  const created = await createPlan(db, planName, now);
  if (created.length === 0) throw new AppError('conflict', `A plan named "${planName}" already exists.`);
  await recordAudit(db, { actor, action: 'plan.create', entity: 'plan', entityId: planName }, now);
}

/** Imports a CSV catalogue: all rows or none. */
export async function importPlans(
  db: CodexDb,
  actor: Actor,
  csv: string,
  now: Date,
): Promise<{ created: number; updated: number }> {
  const known = new Set((await featureCatalogue(db)).map((category) => category.key));
  const rows = plansFromCsv(csv, known);
  if (rows.length === 0) throw new AppError('validation_failed', 'The file holds no plans.');
  const result = await upsertPlans(db, rows, now);
  await recordAudit(
    db,
    { actor, action: 'plan.import', entity: 'plan', entityId: '*', detail: { ...result, rows: rows.length } },
    now,
  );
  return result;
}

/** The whole catalogue as CSV. */
export async function exportPlans(db: CodexDb): Promise<string> {
  return plansToCsv(await plansAsRows(db));
}
