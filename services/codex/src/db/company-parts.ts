/** A company's locations, feature overrides and effective features, and the bulk read for Ledger. */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { assetsOfCompanies } from './assets.js';
import { contactsOfCompanies } from './contacts.js';
import {
  companies,
  companyFeatureOverrides,
  featureCategories,
  locations,
  planFeatures,
  billingPlans,
  type Asset,
  type Company,
  type Contact,
  type Location,
} from './schema.js';
import { groupBy, offsetOf, type PageRequest } from './query-helpers.js';
import type { CodexDb } from './types.js';
import type { CompanyWithPlan } from './companies.js';

/** A company's locations, oldest first. */
export async function locationsOf(db: CodexDb, companyId: number): Promise<Location[]> {
  return db
    .select()
    .from(locations)
    .where(eq(locations.companyId, companyId))
    .orderBy(asc(locations.createdAt), asc(locations.id));
}

/** Adds a location. */
export async function addLocation(
  db: CodexDb,
  companyId: number,
  location: { name: string; address: string; phone: string | null },
  now: Date,
): Promise<Location> {
  const [row] = await db
    .insert(locations)
    .values({ ...location, companyId, createdAt: now })
    .returning();
  if (row === undefined) throw new Error('insert returned no row');
  return row;
}

/** Deletes a location of a company (a person's own record, not synced data); false when it was not there. */
export async function deleteLocation(db: CodexDb, companyId: number, locationId: number): Promise<boolean> {
  const deleted = await db
    .delete(locations)
    .where(and(eq(locations.id, locationId), eq(locations.companyId, companyId)))
    .returning({ id: locations.id });
  return deleted.length > 0;
}

/** One feature of a company: the plan's value, the company's override, and which applies. */
export interface EffectiveFeature {
  key: string;
  displayName: string;
  planValue: string | null;
  override: string | null;
  value: string;
  source: 'plan' | 'override' | 'none';
}

/** A company's features: every category, the plan's value, and the override that wins over it. */
export async function effectiveFeatures(
  db: CodexDb,
  company: Pick<Company, 'id' | 'planName' | 'contractTerm'>,
): Promise<EffectiveFeature[]> {
  const [categories, fromPlan, overrides] = await Promise.all([
    db.select().from(featureCategories).orderBy(asc(featureCategories.position), asc(featureCategories.key)),
    company.planName === null
      ? Promise.resolve([])
      : db
          .select({ key: planFeatures.featureKey, value: planFeatures.value })
          .from(planFeatures)
          .innerJoin(billingPlans, eq(billingPlans.id, planFeatures.planId))
          .where(
            and(
              eq(billingPlans.planName, company.planName),
              eq(billingPlans.term, company.contractTerm ?? 'Month to Month'),
            ),
          ),
    db.select().from(companyFeatureOverrides).where(eq(companyFeatureOverrides.companyId, company.id)),
  ]);
  return categories.map((category) => {
    const planValue = fromPlan.find((row) => row.key === category.key)?.value ?? null;
    const override = overrides.find((row) => row.featureKey === category.key)?.value ?? null;
    return {
      key: category.key,
      displayName: category.displayName,
      planValue,
      override,
      value: override ?? planValue ?? 'Not Included',
      source: override !== null ? 'override' : planValue !== null ? 'plan' : 'none',
    };
  });
}

/** Sets (value) or removes (null) a company's feature overrides; unknown keys are ignored by the caller's validation. */
export async function setFeatureOverrides(
  db: CodexDb,
  companyId: number,
  overrides: Record<string, string | null>,
): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [featureKey, value] of Object.entries(overrides)) {
      if (value === null) {
        await tx
          .delete(companyFeatureOverrides)
          .where(
            and(eq(companyFeatureOverrides.companyId, companyId), eq(companyFeatureOverrides.featureKey, featureKey)),
          );
      } else {
        await tx
          .insert(companyFeatureOverrides)
          .values({ companyId, featureKey, value })
          .onConflictDoUpdate({
            target: [companyFeatureOverrides.companyId, companyFeatureOverrides.featureKey],
            set: { value },
          });
      }
    }
  });
}

/** A company with everything billing reads about it. */
export interface BulkCompany {
  company: CompanyWithPlan;
  featureOverrides: Record<string, string>;
  assets: Asset[];
  contacts: (Contact & { companyId: number })[];
  locations: Location[];
}

/**
 * A page of active companies with their assets, contacts, locations and feature overrides in
 * six queries whatever the page size (the original ran several queries per company).
 */
export async function bulkCompanies(
  db: CodexDb,
  request: PageRequest,
): Promise<{ items: BulkCompany[]; total: number }> {
  const [rows, counted] = await Promise.all([
    db
      .select({ company: companies, supportLevel: billingPlans.supportLevel })
      .from(companies)
      .leftJoin(
        billingPlans,
        and(
          eq(billingPlans.planName, companies.planName),
          eq(billingPlans.term, sql`coalesce(${companies.contractTerm}, 'Month to Month')`),
        ),
      )
      .where(isNull(companies.archivedAt))
      .orderBy(asc(companies.accountNumber))
      .limit(request.perPage)
      .offset(offsetOf(request)),
    db
      .select({ count: sql<number>`count(*)` })
      .from(companies)
      .where(isNull(companies.archivedAt)),
  ]);
  const ids = rows.map((row) => row.company.id);
  const [assetRows, contactRows, locationRows, overrideRows] = await Promise.all([
    assetsOfCompanies(db, ids),
    contactsOfCompanies(db, ids),
    ids.length === 0
      ? Promise.resolve([])
      : db.select().from(locations).where(inArray(locations.companyId, ids)).orderBy(asc(locations.id)),
    ids.length === 0
      ? Promise.resolve([])
      : db.select().from(companyFeatureOverrides).where(inArray(companyFeatureOverrides.companyId, ids)),
  ]);
  const assetsBy = groupBy(assetRows, (row) => row.companyId);
  const contactsBy = groupBy(contactRows, (row) => row.companyId);
  const locationsBy = groupBy(locationRows, (row) => row.companyId);
  const overridesBy = groupBy(overrideRows, (row) => row.companyId);
  const items = rows.map(({ company, supportLevel }) => ({
    company: { ...company, supportLevel },
    featureOverrides: Object.fromEntries((overridesBy.get(company.id) ?? []).map((row) => [row.featureKey, row.value])),
    assets: assetsBy.get(company.id) ?? [],
    contacts: contactsBy.get(company.id) ?? [],
    locations: locationsBy.get(company.id) ?? [],
  }));
  return { items, total: Number(counted[0]?.count ?? 0) };
}
