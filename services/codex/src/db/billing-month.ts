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
import {
  billingPlans,
  companies,
  psaAgents,
  tickets,
  timeEntries,
  type Asset,
  type BillingPlan,
  type Company,
} from './schema.js';
import { groupBy } from './query-helpers.js';
import type { CodexDb } from './types.js';
import { monthRange } from '../domain/index.js';

/**
 * An asset's billing type as the schema types it: billing reads `coalesce(override, derived)`,
 * which has the derived column's type (one of the schema's values, never null).
 */
export type AssetBillingType = Asset['billingTypeDerived'];

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

/** An asset as billing reads it (field names as the API answers, so the rows are not copied twice). */
export interface MonthAsset {
  id: number;
  hostname: string;
  billing_type: AssetBillingType;
  backup_usage_bytes: number | null;
  archived_at: string | null;
}
/** A contact of a company as billing reads it. */
export interface MonthContact {
  id: number;
  name: string;
  email: string | null;
  active: boolean;
  archived_at: string | null;
}
/** A time entry worked in the month. */
export interface MonthEntry {
  id: number;
  ticket_number: string;
  entry_date: string;
  minutes: number;
  billable: boolean;
}

export interface BillingMonthCompany {
  company: {
    id: number;
    accountNumber: string;
    name: string;
    planName: string | null;
    contractTerm: Company['contractTerm'];
    contractStart: string | null;
    supportLevel: string | null;
    managedUsers: number | null;
    managedDevices: number | null;
    archivedAt: Date | null;
  };
  assets: MonthAsset[];
  contacts: MonthContact[];
  entries: MonthEntry[];
  priorMonths: { month: string; billableMinutes: number }[];
}

export interface BillingMonthPage {
  companies: BillingMonthCompany[];
  /** The cursor of the next page, or null when this page is the last. */
  nextAfter: string | null;
}

/** A company's id as a plain-SQL read hands it over (bigint arrives as text). */
export type CompanyIdRow = { company_id: string };
/** An asset row of a plain-SQL read (`ASSET_COLUMNS`): bigint as text, the instant formatted by the database. */
export type AssetSqlRow = CompanyIdRow & {
  id: string;
  hostname: string;
  billing_type: AssetBillingType;
  backup_usage_bytes: string | null;
  archived_at: string | null;
};
/** A contact row of a plain-SQL read (`CONTACT_COLUMNS`). */
export type ContactSqlRow = CompanyIdRow & {
  id: string;
  name: string;
  email: string | null;
  active: boolean;
  archived_at: string | null;
};
/** A time entry row of the month's plain-SQL read. */
type EntrySqlRow = CompanyIdRow & {
  id: string;
  ticket_number: string;
  entry_date: string;
  minutes: number;
  billable: boolean;
};

/** An instant as ISO 8601 UTC text with milliseconds (what `Date.toISOString` writes), formatted by the database. */
function isoOf(column: SQL): SQL {
  return sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** "Present at some time since `start`": never archived, or archived at or after it. */
function presentSince(archivedAt: typeof companies.archivedAt, start: SQL): SQL | undefined {
  return or(isNull(archivedAt), gte(archivedAt, start));
}

/** A company of a month's page as billing reads it. */
export type MonthCompany = BillingMonthCompany['company'];

/** A keyset page of the companies present at some time in the month, and the month's bounds. */
export async function monthCompanies(
  db: CodexDb,
  request: Omit<BillingMonthRequest, 'prior'>,
): Promise<{ page: MonthCompany[]; nextAfter: string | null; start: SQL; from: string; to: string }> {
  const { from, to } = monthRange(request.month);
  // Local midnight of the 1st in the business time zone, as an instant (PostgreSQL knows the zone rules).
  const start = sql`(${from}::timestamp AT TIME ZONE ${request.timeZone})`;
  const rows = await db
    .select({
      id: companies.id,
      accountNumber: companies.accountNumber,
      name: companies.name,
      planName: companies.planName,
      contractTerm: companies.contractTerm,
      contractStart: companies.contractStart,
      supportLevel: billingPlans.supportLevel,
      managedUsers: companies.managedUsers,
      managedDevices: companies.managedDevices,
      archivedAt: companies.archivedAt,
    })
    .from(companies)
    .leftJoin(
      billingPlans,
      and(
        eq(billingPlans.planName, companies.planName),
        eq(billingPlans.term, sql`coalesce(${companies.contractTerm}, 'Month to Month')`),
      ),
    )
    .where(
      and(
        presentSince(companies.archivedAt, start),
        request.after === undefined ? undefined : gt(companies.accountNumber, request.after),
        request.account === undefined ? undefined : eq(companies.accountNumber, request.account),
      ),
    )
    .orderBy(asc(companies.accountNumber))
    .limit(request.limit + 1);
  const page = rows.slice(0, request.limit);
  const last = page.at(-1);
  return {
    page,
    nextAfter: rows.length > request.limit && last !== undefined ? last.accountNumber : null,
    start,
    from,
    to,
  };
}

/** A list of ids as one bound `bigint[]` parameter. */
export function idArray(ids: readonly number[]): SQL {
  return sql`${`{${ids.join(',')}}`}::bigint[]`;
}

/**
 * The billable minutes of each month from `prior.from` up to the month before `from` (`YYYY-MM-DD`),
 * for the page's companies the caller names (ledger: those with yearly prepaid hours): summing a
 * year of every company's entries was most of the read's cost.
 */
export async function priorMinutes(
  db: CodexDb,
  page: readonly MonthCompany[],
  month: string,
  from: string,
  prior: BillingMonthRequest['prior'],
): Promise<Map<number, { month: string; billableMinutes: number }[]>> {
  const priorAccounts = new Set(prior?.accounts ?? []);
  const priorIds = page.filter((row) => priorAccounts.has(row.accountNumber)).map((row) => row.id);
  if (prior === undefined || prior.from >= month || priorIds.length === 0) return new Map();
  const rows = await db
    .select({
      companyId: tickets.companyId,
      // Grouped by the month's first day and formatted once per group: to_char on every entry cost half the read.
      month: sql<string>`to_char(date_trunc('month', ${timeEntries.entryDate}::timestamp), 'YYYY-MM')`,
      // sum() of integers is bigint, which pg hands back as text.
      billable: sql<string>`coalesce(sum(${timeEntries.minutes}) filter (where ${timeEntries.billable}), 0)`,
    })
    .from(timeEntries)
    .innerJoin(tickets, eq(tickets.id, timeEntries.ticketId))
    .where(
      and(
        inArray(tickets.companyId, priorIds),
        isNull(timeEntries.archivedAt),
        isNull(tickets.archivedAt),
        gte(timeEntries.entryDate, `${prior.from}-01`),
        lt(timeEntries.entryDate, from),
      ),
    )
    .groupBy(tickets.companyId, sql`date_trunc('month', ${timeEntries.entryDate}::timestamp)`)
    .orderBy(asc(tickets.companyId), sql`2`);
  // Restricted to the page's companies, so a ticket's company is never null here.
  const byCompany = groupBy(rows, (row) => row.companyId ?? 0);
  return new Map(
    [...byCompany].map(([id, list]) => [
      id,
      list.map((row) => ({ month: row.month, billableMinutes: Number(row.billable) })),
    ]),
  );
}

/** An asset row of a plain-SQL read as billing reads it (every id fits a JavaScript number). */
export function monthAsset(row: AssetSqlRow): MonthAsset {
  return {
    id: Number(row.id),
    hostname: row.hostname,
    billing_type: row.billing_type,
    backup_usage_bytes: row.backup_usage_bytes === null ? null : Number(row.backup_usage_bytes),
    archived_at: row.archived_at,
  };
}

/** A contact row of a plain-SQL read as billing reads it. */
export function monthContact(row: ContactSqlRow): MonthContact {
  return { id: Number(row.id), name: row.name, email: row.email, active: row.active, archived_at: row.archived_at };
}

/** The asset columns billing reads, instants formatted by the database. */
export const ASSET_COLUMNS = sql`company_id, id, hostname, coalesce(billing_type_override, billing_type_derived) AS billing_type, backup_usage_bytes, ${isoOf(sql`archived_at`)} AS archived_at`;
/** The contact columns billing reads (`c` is the contact, `cc` its company link). */
export const CONTACT_COLUMNS = sql`cc.company_id, c.id, c.name, c.email, c.active, ${isoOf(sql`c.archived_at`)} AS archived_at`;

/** One keyset page of the month's companies with their parts (five queries whatever the page size; four when no earlier months are asked for). */
export async function billingMonthPage(db: CodexDb, request: BillingMonthRequest): Promise<BillingMonthPage> {
  const { page, nextAfter, start, from, to } = await monthCompanies(db, request);
  const ids = page.map((row) => row.id);
  if (ids.length === 0) return { companies: [], nextAfter: null };
  // The three large reads (tens of thousands of rows for a thousand companies) are plain SQL:
  // pg's rows are turned into the answer's items in one pass (the ORM's row mapping was the largest
  // share of codex's time), and instants are formatted by the database.
  const idList = idArray(ids);
  const [assetRows, contactRows, entryRows, priorBy] = await Promise.all([
    db.execute<AssetSqlRow>(sql`
      SELECT ${ASSET_COLUMNS}
      FROM assets WHERE company_id = ANY(${idList}) AND (archived_at IS NULL OR archived_at >= ${start})
      ORDER BY company_id, hostname_key, id`),
    db.execute<ContactSqlRow>(sql`
      SELECT ${CONTACT_COLUMNS}
      FROM contact_companies cc JOIN contacts c ON c.id = cc.contact_id
      WHERE cc.company_id = ANY(${idList}) AND (c.archived_at IS NULL OR c.archived_at >= ${start})
      ORDER BY cc.company_id, lower(c.name), c.id`),
    // The same entries as /api/tickets/time-entries: by entry date, neither entry nor ticket archived.
    db.execute<EntrySqlRow>(sql`
      SELECT t.company_id, e.id, t.ticket_number, e.entry_date::text AS entry_date, e.minutes, e.billable
      FROM time_entries e JOIN tickets t ON t.id = e.ticket_id
      WHERE t.company_id = ANY(${idList}) AND e.archived_at IS NULL AND t.archived_at IS NULL AND e.entry_date >= ${from}::date AND e.entry_date < ${to}::date
      ORDER BY t.company_id, e.entry_date, e.id`),
    priorMinutes(db, page, request.month, from, request.prior),
  ]);
  const assetsBy = groupBy(assetRows.rows, (row) => Number(row.company_id));
  const contactsBy = groupBy(contactRows.rows, (row) => Number(row.company_id));
  const entriesBy = groupBy(entryRows.rows, (row) => Number(row.company_id));
  const entry = (row: EntrySqlRow): MonthEntry => ({
    id: Number(row.id),
    ticket_number: row.ticket_number,
    entry_date: row.entry_date,
    minutes: row.minutes,
    billable: row.billable,
  });
  return {
    companies: page.map((company) => ({
      company,
      assets: (assetsBy.get(company.id) ?? []).map(monthAsset),
      contacts: (contactsBy.get(company.id) ?? []).map(monthContact),
      entries: (entriesBy.get(company.id) ?? []).map(entry),
      priorMonths: priorBy.get(company.id) ?? [],
    })),
    nextAfter,
  };
}

/** The whole plan catalogue (a few rows per plan): a caller prices every company from it. */
export async function planCatalogue(db: CodexDb): Promise<BillingPlan[]> {
  return db.select().from(billingPlans).orderBy(asc(billingPlans.planName), asc(billingPlans.term));
}

/** Lower-cased e-mail addresses of the PSA agents on record (their contacts are staff, not clients). */
export async function agentEmails(db: CodexDb): Promise<string[]> {
  const rows = await db
    .selectDistinct({ email: sql<string>`lower(${psaAgents.email})` })
    .from(psaAgents)
    .where(and(isNull(psaAgents.archivedAt), sql`${psaAgents.email} IS NOT NULL`));
  return rows.map((row) => row.email).sort();
}
