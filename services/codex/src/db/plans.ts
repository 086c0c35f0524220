/** Queries on the billing-plan catalogue and its feature matrix. */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { TERMS } from '../domain/index.js';
import type { ContractTerm, PlanRow, PriceField } from '../domain/index.js';
import { billingPlans, featureCategories, featureOptions, planFeatures, type BillingPlan } from './schema.js';
import type { CodexDb } from './types.js';

/** A plan row with its feature values. */
export type PlanWithFeatures = BillingPlan & { features: Record<string, string> };

/** Column of each price field. */
const PRICE_COLUMNS = {
  per_user: 'perUserCents',
  per_workstation: 'perWorkstationCents',
  per_server: 'perServerCents',
  per_vm: 'perVmCents',
  per_switch: 'perSwitchCents',
  per_firewall: 'perFirewallCents',
  per_hour: 'perHourCents',
  backup_base_workstation: 'backupBaseWorkstationCents',
  backup_base_server: 'backupBaseServerCents',
  backup_per_tb: 'backupPerTbCents',
} as const satisfies Record<PriceField, keyof BillingPlan>;

/** The prices of a plan row keyed by field name. */
export function pricesOf(plan: BillingPlan): Record<PriceField, number> {
  return Object.fromEntries(Object.entries(PRICE_COLUMNS).map(([field, column]) => [field, plan[column]])) as Record<
    PriceField,
    number
  >;
}

/** Plan columns from a prices record (for inserts and updates). */
function priceColumns(
  prices: Partial<Record<PriceField, number>>,
): Partial<Record<(typeof PRICE_COLUMNS)[PriceField], number>> {
  const out: Partial<Record<(typeof PRICE_COLUMNS)[PriceField], number>> = {};
  for (const [field, cents] of Object.entries(prices) as [PriceField, number][]) out[PRICE_COLUMNS[field]] = cents;
  return out;
}

const TERM_ORDER = sql`array_position(ARRAY['Month to Month','1 Year','2 Year','3 Year']::text[], ${billingPlans.term})`;

/** Every plan and term with its features, by plan name then term. */
export async function listPlans(db: CodexDb): Promise<PlanWithFeatures[]> {
  const plans = await db.select().from(billingPlans).orderBy(asc(billingPlans.planName), asc(TERM_ORDER));
  return attachFeatures(db, plans);
}

async function attachFeatures(db: CodexDb, plans: BillingPlan[]): Promise<PlanWithFeatures[]> {
  if (plans.length === 0) return [];
  const rows = await db
    .select()
    .from(planFeatures)
    .where(
      inArray(
        planFeatures.planId,
        plans.map((plan) => plan.id),
      ),
    );
  return plans.map((plan) => ({
    ...plan,
    features: Object.fromEntries(
      rows.filter((row) => row.planId === plan.id).map((row) => [row.featureKey, row.value]),
    ),
  }));
}

/** One plan and term, or undefined. */
export async function findPlan(
  db: CodexDb,
  planName: string,
  term: ContractTerm,
): Promise<PlanWithFeatures | undefined> {
  const plans = await db
    .select()
    .from(billingPlans)
    .where(and(eq(billingPlans.planName, planName), eq(billingPlans.term, term)));
  return (await attachFeatures(db, plans))[0];
}

/** One plan row by id, or undefined. */
export async function findPlanById(db: CodexDb, id: number): Promise<PlanWithFeatures | undefined> {
  return (await attachFeatures(db, await db.select().from(billingPlans).where(eq(billingPlans.id, id))))[0];
}

/** The defaults of a new plan (the original's "create plan": $90/h, backup bases $25/$50, 1 TB, $15/TB). */
export const NEW_PLAN_DEFAULTS: Partial<Record<PriceField, number>> = {
  per_hour: 9000,
  backup_base_workstation: 2500,
  backup_base_server: 5000,
  backup_per_tb: 1500,
};

/** Creates a plan with all four terms at the defaults; a plan name that exists is a conflict (returns []). */
export async function createPlan(db: CodexDb, planName: string, now: Date): Promise<BillingPlan[]> {
  return db
    .insert(billingPlans)
    .values(
      TERMS.map((term) => ({ planName, term, ...priceColumns(NEW_PLAN_DEFAULTS), createdAt: now, updatedAt: now })),
    )
    .onConflictDoNothing()
    .returning();
}

/** What may change on a plan row. */
export interface PlanPatch {
  supportLevel?: BillingPlan['supportLevel'];
  prices?: Partial<Record<PriceField, number>>;
  backupIncludedTb?: string;
  features?: Record<string, string | null>;
}

/** Updates one plan row and its features in a transaction; returns the row before and after. */
export async function updatePlan(
  db: CodexDb,
  id: number,
  patch: PlanPatch,
  now: Date,
): Promise<{ before: PlanWithFeatures; after: PlanWithFeatures } | undefined> {
  return db.transaction(async (tx) => {
    const before = await findPlanById(tx, id);
    if (before === undefined) return undefined;
    await tx
      .update(billingPlans)
      .set({
        ...(patch.supportLevel !== undefined ? { supportLevel: patch.supportLevel } : {}),
        ...(patch.backupIncludedTb !== undefined ? { backupIncludedTb: patch.backupIncludedTb } : {}),
        ...priceColumns(patch.prices ?? {}),
        updatedAt: now,
      })
      .where(eq(billingPlans.id, id));
    await setPlanFeatures(tx, id, patch.features ?? {});
    const after = await findPlanById(tx, id);
    return after === undefined ? undefined : { before, after };
  });
}

/** Sets (value) or clears (null) feature values of a plan row. */
async function setPlanFeatures(db: CodexDb, planId: number, features: Record<string, string | null>): Promise<void> {
  for (const [featureKey, value] of Object.entries(features)) {
    if (value === null || value.trim() === '') {
      await db
        .delete(planFeatures)
        .where(and(eq(planFeatures.planId, planId), eq(planFeatures.featureKey, featureKey)));
    } else {
      await db
        .insert(planFeatures)
        .values({ planId, featureKey, value })
        .onConflictDoUpdate({ target: [planFeatures.planId, planFeatures.featureKey], set: { value } });
    }
  }
}

/** Writes imported rows (insert or update by plan and term) in one transaction. */
export async function upsertPlans(
  db: CodexDb,
  rows: readonly PlanRow[],
  now: Date,
): Promise<{ created: number; updated: number }> {
  return db.transaction(async (tx) => {
    let created = 0;
    for (const row of rows) {
      const values = {
        supportLevel: row.supportLevel,
        backupIncludedTb: row.backupIncludedTb,
        ...priceColumns(row.prices),
        updatedAt: now,
      };
      const [saved] = await tx
        .insert(billingPlans)
        .values({ planName: row.planName, term: row.term, createdAt: now, ...values })
        .onConflictDoUpdate({ target: [billingPlans.planName, billingPlans.term], set: values })
        // xmax is 0 for a row this statement inserted, non-zero for one it updated.
        .returning({ id: billingPlans.id, inserted: sql<boolean>`(xmax = 0)` });
      if (saved === undefined) continue;
      if (saved.inserted) created += 1;
      await setPlanFeatures(tx, saved.id, row.features);
    }
    return { created, updated: rows.length - created };
  });
}

/** The import/export shape of every plan row. */
export async function plansAsRows(db: CodexDb): Promise<PlanRow[]> {
  return (await listPlans(db)).map((plan) => ({
    planName: plan.planName,
    term: plan.term,
    supportLevel: plan.supportLevel,
    prices: pricesOf(plan),
    backupIncludedTb: plan.backupIncludedTb,
    features: plan.features,
  }));
}

/** A feature category with its options. */
export interface FeatureCategory {
  key: string;
  displayName: string;
  options: { id: number; value: string; description: string | null }[];
}

/** The feature catalogue, categories in their display order. */
export async function featureCatalogue(db: CodexDb): Promise<FeatureCategory[]> {
  const [categories, options] = await Promise.all([
    db.select().from(featureCategories).orderBy(asc(featureCategories.position), asc(featureCategories.key)),
    db.select().from(featureOptions).orderBy(asc(featureOptions.category), asc(featureOptions.value)),
  ]);
  return categories.map((category) => ({
    key: category.key,
    displayName: category.displayName,
    options: options
      .filter((option) => option.category === category.key)
      .map(({ id, value, description }) => ({ id, value, description })),
  }));
}

/** Adds an option to a category; false when the category does not exist, true otherwise (existing options are kept). */
export async function addFeatureOption(
  db: CodexDb,
  category: string,
  value: string,
  description: string | null,
): Promise<boolean> {
  const [exists] = await db
    .select({ key: featureCategories.key })
    .from(featureCategories)
    .where(eq(featureCategories.key, category));
  if (exists === undefined) return false;
  await db.insert(featureOptions).values({ category, value, description }).onConflictDoNothing();
  return true;
}

/** Adds a category (with "Not Included" and "Included" options); false when the key exists. */
export async function addFeatureCategory(db: CodexDb, key: string, displayName: string): Promise<boolean> {
  const [max] = await db
    .select({ position: sql<number>`coalesce(max(${featureCategories.position}), 0)` })
    .from(featureCategories);
  const inserted = await db
    .insert(featureCategories)
    .values({ key, displayName, position: Number(max?.position ?? 0) + 1 })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) return false;
  await db
    .insert(featureOptions)
    .values([
      { category: key, value: 'Not Included' },
      { category: key, value: 'Included' },
    ])
    .onConflictDoNothing();
  return true;
}
