/** Queries on companies: list with search/sort/paging, detail, and the client's own companies. */
import { and, asc, desc, eq, ilike, isNull, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import type { CompanyScope } from '../domain/index.js';
import { billingPlans, companies, contactCompanies, contacts, type Company } from './schema.js';
import { containsPattern, countOf, offsetOf, scopeCondition, type Page, type PageRequest } from './query-helpers.js';
import type { CodexDb } from './types.js';

export const COMPANY_SORTS = ['name', 'account_number', 'plan', 'contract_end', 'updated'] as const;
export type CompanySort = (typeof COMPANY_SORTS)[number];

/** A company with the support level of its plan (looked up, never copied, so it cannot drift). */
export type CompanyWithPlan = Company & { supportLevel: string | null };

export interface CompanyListQuery extends PageRequest {
  q?: string | undefined;
  sort: CompanySort;
  dir: 'asc' | 'desc';
  archived: 'active' | 'archived' | 'all';
  scope: CompanyScope;
}

const SORT_COLUMNS = {
  name: sql`lower(${companies.name})`,
  account_number: companies.accountNumber,
  plan: companies.planName,
  contract_end: companies.contractEnd,
  updated: companies.updatedAt,
} as const;

/** The join condition of a company to its plan row (no term means month-to-month, as Ledger prices it). */
const planJoin = and(
  eq(billingPlans.planName, companies.planName),
  eq(billingPlans.term, sql`coalesce(${companies.contractTerm}, 'Month to Month')`),
);

/** The conditions a list request implies. */
function listConditions(query: Pick<CompanyListQuery, 'q' | 'archived' | 'scope'>): SQL | undefined {
  const q = query.q?.trim();
  return and(
    query.archived === 'active'
      ? isNull(companies.archivedAt)
      : query.archived === 'archived'
        ? isNotNull(companies.archivedAt)
        : undefined,
    q ? or(ilike(companies.name, containsPattern(q)), ilike(companies.accountNumber, containsPattern(q))) : undefined,
    scopeCondition(query.scope, companies.id),
  );
}

/** One page of companies matching the request, and how many match in all. */
export async function listCompanies(db: CodexDb, query: CompanyListQuery): Promise<Page<CompanyWithPlan>> {
  const where = listConditions(query);
  const order = query.dir === 'asc' ? asc : desc;
  const [rows, counted] = await Promise.all([
    db
      .select({ company: companies, supportLevel: billingPlans.supportLevel })
      .from(companies)
      .leftJoin(billingPlans, planJoin)
      .where(where)
      .orderBy(order(SORT_COLUMNS[query.sort]), order(companies.id))
      .limit(query.perPage)
      .offset(offsetOf(query)),
    db
      .select({ count: sql<number>`count(*)` })
      .from(companies)
      .where(where),
  ]);
  return {
    items: rows.map((row) => ({ ...row.company, supportLevel: row.supportLevel })),
    total: countOf(counted),
    page: query.page,
    perPage: query.perPage,
  };
}

/** A company by account number with its plan's support level, or undefined. */
export async function findCompany(db: CodexDb, accountNumber: string): Promise<CompanyWithPlan | undefined> {
  const [row] = await db
    .select({ company: companies, supportLevel: billingPlans.supportLevel })
    .from(companies)
    .leftJoin(billingPlans, planJoin)
    .where(eq(companies.accountNumber, accountNumber))
    .limit(1);
  return row === undefined ? undefined : { ...row.company, supportLevel: row.supportLevel };
}

/**
 * The companies a client user belongs to: those of active, unarchived contacts whose e-mail is
 * the user's (compared case-insensitively). An empty e-mail matches nothing.
 */
export async function companyIdsForEmail(db: CodexDb, email: string): Promise<number[]> {
  if (email.trim() === '') return [];
  const rows = await db
    .selectDistinct({ id: contactCompanies.companyId })
    .from(contactCompanies)
    .innerJoin(contacts, eq(contacts.id, contactCompanies.contactId))
    .where(
      and(
        eq(sql`lower(${contacts.email})`, email.trim().toLowerCase()),
        eq(contacts.active, true),
        isNull(contacts.archivedAt),
      ),
    );
  return rows.map((row) => row.id);
}

/** Distinct plan names in the catalogue, for the company plan select. */
export async function planNames(db: CodexDb): Promise<string[]> {
  const rows = await db
    .selectDistinct({ name: billingPlans.planName })
    .from(billingPlans)
    .orderBy(billingPlans.planName);
  return rows.map((row) => row.name);
}

/** The fields people edit on a company (the PSA only fills them while they are empty). */
export interface CompanyDetailsPatch {
  description?: string | null;
  complianceLevel?: Company['complianceLevel'];
  domains?: string[];
  mainLocation?: string | null;
  phone?: string | null;
  emailSystem?: string | null;
  phoneSystem?: string | null;
}

/** Applies a details patch; returns the company before and after. */
export async function updateCompanyDetails(
  db: CodexDb,
  id: number,
  patch: CompanyDetailsPatch,
  now: Date,
): Promise<Company | undefined> {
  const [row] = await db
    .update(companies)
    .set({ ...patch, updatedAt: now })
    .where(eq(companies.id, id))
    .returning();
  return row;
}

/** A company's plan, term and start (billing's fields). */
export interface CompanyPlanPatch {
  planName: string | null;
  contractTerm: Company['contractTerm'];
  contractStart: string | null;
}

/** Sets a company's plan fields and returns the updated company. */
export async function updateCompanyPlan(
  db: CodexDb,
  id: number,
  patch: CompanyPlanPatch,
  now: Date,
): Promise<Company | undefined> {
  const [row] = await db
    .update(companies)
    .set({ ...patch, updatedAt: now })
    .where(eq(companies.id, id))
    .returning();
  return row;
}
