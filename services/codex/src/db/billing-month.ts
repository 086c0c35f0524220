/**
 * Everything a month's bills read from codex, in one pass: the companies that were active at any
 * time in the month (unarchived, or archived on or after the month's first instant in the business
 * time zone), each with its assets and contacts present in the month, its time entries of the month
 * and, on request, its billable minutes per earlier month; plus the plan catalogue and the PSA
 * agents' e-mail addresses. Ledger reads this instead of six or more separate calls per page.
 *
 * Companies are paged by a keyset on `account_number` (unique): a page is "the next `limit`
 * companies after this account number", so archiving or adding companies while a caller pages
 * never shifts a later page (offsets did, and month-end skipped companies).
 */
import { and, asc, eq, gt, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { billingPlans, companies, contactCompanies, contacts, assets, psaAgents, tickets, timeEntries, type BillingPlan, type Company } from './schema.js';
import { groupBy } from './query-helpers.js';
import type { CodexDb } from './types.js';
import type { BillingType } from '../domain/billing-type.js';
import { monthRange } from '../domain/time.js';

export interface BillingMonthRequest {
  /** `YYYY-MM`. */
  month: string;
  /** The business time zone: the month starts at local midnight on the 1st. */
  timeZone: string;
  /** Only companies whose account number sorts after this one (the keyset cursor). */
  after?: string | undefined;
  /** Only this company. */
  account?: string | undefined;
  /** Also the billable minutes of each month from `from` (`YYYY-MM`) up to the month before `month`, of these companies only. */
  prior?: { from: string; accounts: readonly string[] } | undefined;
  limit: number;
}

export interface BillingMonthCompany {
  company: {
    id: number; accountNumber: string; name: string; planName: string | null; contractTerm: Company['contractTerm']; contractStart: string | null;
    supportLevel: string | null; managedUsers: number | null; managedDevices: number | null; archivedAt: Date | null;
  };
  assets: { id: number; hostname: string; billingType: BillingType; backupUsageBytes: number | null; archivedAt: Date | null }[];
  contacts: { id: number; name: string; email: string | null; active: boolean; archivedAt: Date | null }[];
  entries: { id: number; ticketNumber: string; entryDate: string; minutes: number; billable: boolean }[];
  priorMonths: { month: string; billableMinutes: number }[];
}

export interface BillingMonthPage {
  companies: BillingMonthCompany[];
  /** The cursor of the next page, or null when this page is the last. */
  nextAfter: string | null;
}

/** "Present at some time since `start`": never archived, or archived at or after it. */
function presentSince(archivedAt: typeof companies.archivedAt | typeof assets.archivedAt | typeof contacts.archivedAt, start: SQL): SQL | undefined {
  return or(isNull(archivedAt), gte(archivedAt, start));
}

/** One keyset page of the month's companies with their parts (five queries whatever the page size). */
export async function billingMonthPage(db: CodexDb, request: BillingMonthRequest): Promise<BillingMonthPage> {
  const { from, to } = monthRange(request.month);
  // Local midnight of the 1st in the business time zone, as an instant (PostgreSQL knows the zone rules).
  const start = sql`(${from}::timestamp AT TIME ZONE ${request.timeZone})`;
  const rows = await db
    .select({
      id: companies.id, accountNumber: companies.accountNumber, name: companies.name, planName: companies.planName,
      contractTerm: companies.contractTerm, contractStart: companies.contractStart, supportLevel: billingPlans.supportLevel,
      managedUsers: companies.managedUsers, managedDevices: companies.managedDevices, archivedAt: companies.archivedAt,
    })
    .from(companies)
    .leftJoin(billingPlans, and(eq(billingPlans.planName, companies.planName), eq(billingPlans.term, sql`coalesce(${companies.contractTerm}, 'Month to Month')`)))
    .where(and(
      presentSince(companies.archivedAt, start),
      request.after === undefined ? undefined : gt(companies.accountNumber, request.after),
      request.account === undefined ? undefined : eq(companies.accountNumber, request.account),
    ))
    .orderBy(asc(companies.accountNumber))
    .limit(request.limit + 1);
  const page = rows.slice(0, request.limit);
  const ids = page.map((row) => row.id);
  if (ids.length === 0) return { companies: [], nextAfter: null };
  // Earlier months are summed only for the companies the caller names (ledger: those with yearly
  // prepaid hours): summing a year of every company's entries was most of the read's cost.
  const priorAccounts = new Set(request.prior?.accounts ?? []);
  const priorIds = page.filter((row) => priorAccounts.has(row.accountNumber)).map((row) => row.id);
  const [assetRows, contactRows, entryRows, priorRows] = await Promise.all([
    db.select({ companyId: assets.companyId, id: assets.id, hostname: assets.hostname, billingType: sql<BillingType>`coalesce(${assets.billingTypeOverride}, ${assets.billingTypeDerived})`, backupUsageBytes: assets.backupUsageBytes, archivedAt: assets.archivedAt })
      .from(assets)
      .where(and(inArray(assets.companyId, ids), presentSince(assets.archivedAt, start)))
      .orderBy(asc(assets.companyId), asc(assets.hostnameKey), asc(assets.id)),
    db.select({ companyId: contactCompanies.companyId, id: contacts.id, name: contacts.name, email: contacts.email, active: contacts.active, archivedAt: contacts.archivedAt })
      .from(contactCompanies)
      .innerJoin(contacts, eq(contacts.id, contactCompanies.contactId))
      .where(and(inArray(contactCompanies.companyId, ids), presentSince(contacts.archivedAt, start)))
      .orderBy(asc(contactCompanies.companyId), asc(sql`lower(${contacts.name})`), asc(contacts.id)),
    // The same entries as /api/tickets/time-entries: by entry date, neither entry nor ticket archived.
    db.select({ companyId: tickets.companyId, id: timeEntries.id, ticketNumber: tickets.ticketNumber, entryDate: timeEntries.entryDate, minutes: timeEntries.minutes, billable: timeEntries.billable })
      .from(timeEntries)
      .innerJoin(tickets, eq(tickets.id, timeEntries.ticketId))
      .where(and(inArray(tickets.companyId, ids), isNull(timeEntries.archivedAt), isNull(tickets.archivedAt), gte(timeEntries.entryDate, from), lt(timeEntries.entryDate, to)))
      .orderBy(asc(tickets.companyId), asc(timeEntries.entryDate), asc(timeEntries.id)),
    request.prior === undefined || request.prior.from >= request.month || priorIds.length === 0
      ? Promise.resolve([])
      : db.select({
          companyId: tickets.companyId,
          month: sql<string>`to_char(${timeEntries.entryDate}, 'YYYY-MM')`,
          // sum() of integers is bigint, which pg hands back as text.
          billable: sql<string>`coalesce(sum(${timeEntries.minutes}) filter (where ${timeEntries.billable}), 0)`,
        })
          .from(timeEntries)
          .innerJoin(tickets, eq(tickets.id, timeEntries.ticketId))
          .where(and(inArray(tickets.companyId, priorIds), isNull(timeEntries.archivedAt), isNull(tickets.archivedAt), gte(timeEntries.entryDate, `${request.prior.from}-01`), lt(timeEntries.entryDate, from)))
          .groupBy(tickets.companyId, sql`2`)
          .orderBy(asc(tickets.companyId), sql`2`),
  ]);
  const assetsBy = groupBy(assetRows, (row) => row.companyId);
  const contactsBy = groupBy(contactRows, (row) => row.companyId);
  // Both are restricted to the page's companies, so a ticket's company is never null here.
  const entriesBy = groupBy(entryRows, (row) => row.companyId ?? 0);
  const priorBy = groupBy(priorRows, (row) => row.companyId ?? 0);
  const last = page.at(-1);
  return {
    companies: page.map((company) => ({
      company,
      assets: assetsBy.get(company.id) ?? [],
      contacts: contactsBy.get(company.id) ?? [],
      entries: entriesBy.get(company.id) ?? [],
      priorMonths: (priorBy.get(company.id) ?? []).map((row) => ({ month: row.month, billableMinutes: Number(row.billable) })),
    })),
    nextAfter: rows.length > request.limit && last !== undefined ? last.accountNumber : null,
  };
}

/** The whole plan catalogue (a few rows per plan): a caller prices every company from it. */
export async function planCatalogue(db: CodexDb): Promise<BillingPlan[]> {
  return db.select().from(billingPlans).orderBy(asc(billingPlans.planName), asc(billingPlans.term));
}

/** Lower-cased e-mail addresses of the PSA agents on record (their contacts are staff, not clients). */
export async function agentEmails(db: CodexDb): Promise<string[]> {
  const rows = await db.selectDistinct({ email: sql<string>`lower(${psaAgents.email})` }).from(psaAgents)
    .where(and(isNull(psaAgents.archivedAt), sql`${psaAgents.email} IS NOT NULL`));
  return rows.map((row) => row.email).sort();
}
