/** Queries on tickets, their conversations and dated time entries. */
import { and, asc, desc, eq, gt, gte, ilike, inArray, isNull, lt, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { CLOSED_STATUSES, monthRange } from '../domain/index.js';
import type { CompanyScope } from '../domain/index.js';
import {
  companies,
  psaAgents,
  ticketConversations,
  tickets,
  timeEntries,
  type Ticket,
  type TimeEntry,
} from './schema.js';
import { containsPattern, countOf, offsetOf, scopeCondition, type Page, type PageRequest } from './query-helpers.js';
import type { CodexDb } from './types.js';

/** A ticket with its company and the name of the agent it is assigned to. */
export type TicketWithCompany = Ticket & {
  accountNumber: string | null;
  companyName: string | null;
  complianceLevel: string | null;
  agentName: string | null;
};

export interface TicketListQuery extends PageRequest {
  q?: string | undefined;
  accountNumber?: string | undefined;
  state: 'active' | 'closed' | 'all';
  scope: CompanyScope;
}

const SELECTION = {
  ticket: tickets,
  accountNumber: companies.accountNumber,
  companyName: companies.name,
  complianceLevel: companies.complianceLevel,
  agentName: psaAgents.name,
};

type SelectedRow = {
  ticket: Ticket;
  accountNumber: string | null;
  companyName: string | null;
  complianceLevel: string | null;
  agentName: string | null;
};

function flatten(row: SelectedRow): TicketWithCompany {
  return {
    ...row.ticket,
    accountNumber: row.accountNumber,
    companyName: row.companyName,
    complianceLevel: row.complianceLevel,
    agentName: row.agentName,
  };
}

function baseQuery(db: CodexDb) {
  return db
    .select(SELECTION)
    .from(tickets)
    .leftJoin(companies, eq(companies.id, tickets.companyId))
    .leftJoin(
      psaAgents,
      and(eq(psaAgents.provider, tickets.provider), eq(psaAgents.externalId, tickets.responderExternalId)),
    );
}

function listConditions(query: TicketListQuery): SQL | undefined {
  const q = query.q?.trim();
  return and(
    isNull(tickets.archivedAt),
    query.state === 'active'
      ? notInArray(tickets.status, [...CLOSED_STATUSES])
      : query.state === 'closed'
        ? inArray(tickets.status, [...CLOSED_STATUSES])
        : undefined,
    q ? or(ilike(tickets.subject, containsPattern(q)), eq(tickets.ticketNumber, q)) : undefined,
    query.accountNumber !== undefined ? eq(companies.accountNumber, query.accountNumber) : undefined,
    scopeCondition(query.scope, tickets.companyId),
  );
}

/** One page of tickets, most recently updated first. */
export async function listTickets(db: CodexDb, query: TicketListQuery): Promise<Page<TicketWithCompany>> {
  const where = listConditions(query);
  const [rows, counted] = await Promise.all([
    baseQuery(db)
      .where(where)
      .orderBy(desc(tickets.updatedAt), desc(tickets.id))
      .limit(query.perPage)
      .offset(offsetOf(query)),
    db
      .select({ count: sql<number>`count(*)` })
      .from(tickets)
      .leftJoin(companies, eq(companies.id, tickets.companyId))
      .where(where),
  ]);
  return { items: rows.map(flatten), total: countOf(counted), page: query.page, perPage: query.perPage };
}

/** Every active ticket (a dashboard's whole board), highest priority first, oldest update first. */
export async function activeTickets(db: CodexDb, scope: CompanyScope, limit: number): Promise<TicketWithCompany[]> {
  const rows = await baseQuery(db)
    .where(
      and(
        isNull(tickets.archivedAt),
        notInArray(tickets.status, [...CLOSED_STATUSES]),
        scopeCondition(scope, tickets.companyId),
      ),
    )
    .orderBy(desc(sql`coalesce(${tickets.priorityId}, 0)`), asc(tickets.updatedAt), asc(tickets.id))
    .limit(limit);
  return rows.map(flatten);
}

/**
 * The tickets stored or updated after `since` (every store sets `synced_at`): those still active
 * in full, and the ids of those now closed or archived, so a board holding the rest can apply
 * the difference. Undefined when more than `limit` changed (read the whole list then).
 */
export async function ticketsChangedSince(
  db: CodexDb,
  scope: CompanyScope,
  since: Date,
  limit: number,
): Promise<{ active: TicketWithCompany[]; gone: number[] } | undefined> {
  const rows = await baseQuery(db)
    .where(and(or(gt(tickets.syncedAt, since), gt(tickets.updatedAt, since)), scopeCondition(scope, tickets.companyId)))
    .orderBy(asc(tickets.id))
    .limit(limit + 1);
  if (rows.length > limit) return undefined;
  const changed = rows.map(flatten);
  const isActive = (ticket: TicketWithCompany) =>
    ticket.archivedAt === null && !CLOSED_STATUSES.includes(ticket.status);
  return {
    active: changed.filter(isActive),
    gone: changed.filter((ticket) => !isActive(ticket)).map((ticket) => ticket.id),
  };
}

/**
 * Aggregates that change whenever any ticket row is written: the sync sets `synced_at` on every
 * row it stores (and archives by setting `archived_at`), so a board can ask this cheap question
 * every second and read the whole active list only when the answer moves.
 */
export async function ticketsFingerprint(db: CodexDb): Promise<{ fingerprint: string; asOf: Date }> {
  const [row] = await db
    .select({
      // The database's clock: when this was read, for a reader's next `ticketsChangedSince`.
      asOf: sql<Date>`now()`.mapWith((value: string | Date) => new Date(value)),
      count: sql<string>`count(*)`,
      archived: sql<string>`count(${tickets.archivedAt})`,
      synced: sql<string>`coalesce(sum(extract(epoch from ${tickets.syncedAt})), 0)`,
      updated: sql<string>`coalesce(sum(extract(epoch from ${tickets.updatedAt})), 0)`,
    })
    .from(tickets);
  if (row === undefined) throw new Error('an aggregate returned no row');
  return { fingerprint: `${row.count}:${row.archived}:${row.synced}:${row.updated}`, asOf: row.asOf };
}

/** A ticket with its conversations and time entries, or undefined. */
export async function findTicket(db: CodexDb, id: number) {
  const [row] = await baseQuery(db).where(eq(tickets.id, id));
  if (row === undefined) return undefined;
  const [conversations, entries] = await Promise.all([
    db
      .select()
      .from(ticketConversations)
      .where(eq(ticketConversations.ticketId, id))
      .orderBy(asc(ticketConversations.createdAt), asc(ticketConversations.id)),
    db
      .select()
      .from(timeEntries)
      .where(and(eq(timeEntries.ticketId, id), isNull(timeEntries.archivedAt)))
      .orderBy(asc(timeEntries.entryDate), asc(timeEntries.id)),
  ]);
  return { ticket: flatten(row), conversations, timeEntries: entries };
}

/** A time entry with the ticket and company it was worked for. */
export type MonthEntry = TimeEntry & {
  ticketNumber: string;
  subject: string;
  accountNumber: string | null;
  companyName: string | null;
};

/**
 * The time entries worked in a month (by entry date, in the business time zone), optionally of
 * one company: billing counts exactly these, so hours land in the month they were worked.
 */
export async function timeEntriesForMonth(
  db: CodexDb,
  month: string,
  accountNumber: string | undefined,
): Promise<MonthEntry[]> {
  const { from, to } = monthRange(month);
  const rows = await db
    .select({
      entry: timeEntries,
      ticketNumber: tickets.ticketNumber,
      subject: tickets.subject,
      accountNumber: companies.accountNumber,
      companyName: companies.name,
    })
    .from(timeEntries)
    .innerJoin(tickets, eq(tickets.id, timeEntries.ticketId))
    .leftJoin(companies, eq(companies.id, tickets.companyId))
    .where(
      and(
        isNull(timeEntries.archivedAt),
        isNull(tickets.archivedAt),
        gte(timeEntries.entryDate, from),
        lt(timeEntries.entryDate, to),
        accountNumber !== undefined ? eq(companies.accountNumber, accountNumber) : undefined,
      ),
    )
    .orderBy(asc(companies.accountNumber), asc(timeEntries.entryDate), asc(timeEntries.id));
  return rows.map((row) => ({
    ...row.entry,
    ticketNumber: row.ticketNumber,
    subject: row.subject,
    accountNumber: row.accountNumber,
    companyName: row.companyName,
  }));
}

/** Minutes worked for one company in a month, split by billable. */
export interface MonthTotal {
  accountNumber: string | null;
  billableMinutes: number;
  nonBillableMinutes: number;
}

/**
 * The per-company totals of `timeEntriesForMonth`, summed by the database: the yearly prepaid
 * drawdown needs only these for every earlier month, not tens of thousands of entries.
 */
export async function timeTotalsForMonth(db: CodexDb, month: string): Promise<MonthTotal[]> {
  const { from, to } = monthRange(month);
  const rows = await db
    .select({
      accountNumber: companies.accountNumber,
      billable: sql<string>`coalesce(sum(${timeEntries.minutes}) filter (where ${timeEntries.billable}), 0)`,
      other: sql<string>`coalesce(sum(${timeEntries.minutes}) filter (where not ${timeEntries.billable}), 0)`,
    })
    .from(timeEntries)
    .innerJoin(tickets, eq(tickets.id, timeEntries.ticketId))
    .leftJoin(companies, eq(companies.id, tickets.companyId))
    .where(
      and(
        isNull(timeEntries.archivedAt),
        isNull(tickets.archivedAt),
        gte(timeEntries.entryDate, from),
        lt(timeEntries.entryDate, to),
      ),
    )
    .groupBy(companies.accountNumber)
    .orderBy(asc(companies.accountNumber));
  // sum() of integers is bigint, which pg hands back as text.
  return rows.map((row) => ({
    accountNumber: row.accountNumber,
    billableMinutes: Number(row.billable),
    nonBillableMinutes: Number(row.other),
  }));
}

/** The most recent tickets of one company (its detail page). */
export async function ticketsOfCompany(db: CodexDb, companyId: number, limit: number): Promise<TicketWithCompany[]> {
  const rows = await baseQuery(db)
    .where(and(eq(tickets.companyId, companyId), isNull(tickets.archivedAt)))
    .orderBy(desc(tickets.updatedAt))
    .limit(limit);
  return rows.map(flatten);
}

/** Vendor ids of a provider's tickets archived because the PSA deleted them or marked them spam. */
export async function discardedTicketIds(db: CodexDb, provider: string): Promise<string[]> {
  const rows = await db
    .select({ externalId: tickets.externalId })
    .from(tickets)
    .where(and(eq(tickets.provider, provider), sql`${tickets.discardedAs} IS NOT NULL`));
  return rows.map((row) => row.externalId);
}
