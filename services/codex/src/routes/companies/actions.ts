/**
 * Changes to a company that both the JSON API and the HTML forms make: validated once, audited
 * once. A plan change is refused unless the plan exists for the company's term, so no client can
 * silently fall out of billing over a misspelt plan or term (reference §2.7 items 1-2).
 */
import { AppError } from '@hivematrix/sdk';
import {
  effectiveFeatures,
  featureCatalogue,
  findCompany,
  findPlan,
  recordAudit,
  setFeatureOverrides,
  updateCompanyDetails,
  updateCompanyPlan,
} from '../../db/index.js';
import type { Actor, CodexDb, CompanyDetailsPatch, CompanyWithPlan } from '../../db/index.js';
import { normaliseTerm, pricingTerm } from '../../domain/index.js';

/** The plan fields as a caller sends them (terms in any common spelling). */
export interface PlanInput {
  planName: string | null;
  contractTerm: string | null;
  contractStart: string | null;
}

/** Sets a company's plan, term and start; returns the company as it is now. */
export async function changePlan(
  db: CodexDb,
  actor: Actor,
  company: CompanyWithPlan,
  input: PlanInput,
  now: Date,
): Promise<CompanyWithPlan> {
  const term =
    input.contractTerm === null || input.contractTerm.trim() === '' ? null : normaliseTerm(input.contractTerm);
  if (input.contractTerm !== null && input.contractTerm.trim() !== '' && term === null) {
    throw new AppError('validation_failed', 'The contract term must be Month to Month, 1 Year, 2 Year or 3 Year.', {
      errors: [{ path: 'body.contract_term', message: 'unknown term' }],
    });
  }
  const planName = input.planName?.trim() || null;
  if (planName !== null && (await findPlan(db, planName, pricingTerm(term))) === undefined) {
    throw new AppError(
      'unprocessable_entity',
      `There is no plan "${planName}" for the term ${pricingTerm(term)}; create it in the billing plans first.`,
    );
  }
  if (input.contractStart !== null && !/^\d{4}-\d{2}-\d{2}$/.test(input.contractStart)) {
    throw new AppError('validation_failed', 'The contract start must be a date (YYYY-MM-DD).', {
      errors: [{ path: 'body.contract_start', message: 'not a date' }],
    });
  }
  await updateCompanyPlan(db, company.id, { planName, contractTerm: term, contractStart: input.contractStart }, now);
  await recordAudit(
    db,
    {
      actor,
      action: 'company.plan',
      entity: 'company',
      entityId: company.accountNumber,
      detail: {
        before: {
          plan_name: company.planName,
          contract_term: company.contractTerm,
          contract_start: company.contractStart,
        },
        after: { plan_name: planName, contract_term: term, contract_start: input.contractStart },
      },
    },
    now,
  );
  return reload(db, company.accountNumber);
}

/** Applies edits to a company's operational fields. */
export async function editDetails(
  db: CodexDb,
  company: CompanyWithPlan,
  patch: CompanyDetailsPatch,
  now: Date,
): Promise<CompanyWithPlan> {
  await updateCompanyDetails(db, company.id, patch, now);
  return reload(db, company.accountNumber);
}

/** Sets or clears feature overrides; every key must be a category and every value one of its options. */
export async function changeFeatures(
  db: CodexDb,
  actor: Actor,
  company: CompanyWithPlan,
  overrides: Record<string, string | null>,
  now: Date,
): Promise<void> {
  const catalogue = await featureCatalogue(db);
  const errors = Object.entries(overrides).flatMap(([key, value]) => {
    const category = catalogue.find((entry) => entry.key === key);
    if (category === undefined) return [{ path: `body.overrides.${key}`, message: 'unknown feature category' }];
    if (value !== null && !category.options.some((option) => option.value === value))
      return [{ path: `body.overrides.${key}`, message: 'not an option of this category' }];
    return [];
  });
  if (errors.length > 0) throw new AppError('validation_failed', 'Some feature overrides are not valid.', { errors });
  const before = await effectiveFeatures(db, company);
  await setFeatureOverrides(db, company.id, overrides);
  await recordAudit(
    db,
    {
      actor,
      action: 'company.features',
      entity: 'company',
      entityId: company.accountNumber,
      detail: {
        before: Object.fromEntries(before.map((feature) => [feature.key, feature.override])),
        after: overrides,
      },
    },
    now,
  );
}

async function reload(db: CodexDb, accountNumber: string): Promise<CompanyWithPlan> {
  const company = await findCompany(db, accountNumber);
  if (company === undefined) throw new AppError('not_found', 'Company not found');
  return company;
}
