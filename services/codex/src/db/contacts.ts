/** Queries on contacts: search with paging, detail, edits, and contacts of many companies at once. */
import { and, asc, desc, eq, exists, ilike, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { CompanyScope } from '../domain/index.js';
import { assetContacts, assets, companies, contactCompanies, contacts, type Asset, type Contact } from './schema.js';
import { containsPattern, countOf, offsetOf, scopeCondition, type Page, type PageRequest } from './query-helpers.js';
import type { CodexDb } from './types.js';

/** The company of a contact, as lists show it. */
export interface CompanyRef {
  id: number;
  accountNumber: string;
  name: string;
}

export type ContactWithCompanies = Contact & { companies: CompanyRef[] };

export interface ContactListQuery extends PageRequest {
  q?: string | undefined;
  accountNumber?: string | undefined;
  active: 'active' | 'inactive' | 'all';
  archived: 'active' | 'archived' | 'all';
  sort: 'name' | 'email';
  dir: 'asc' | 'desc';
  scope: CompanyScope;
}

/** The searched text: the same expression as the trigram index `contacts_search_trgm`. */
const SEARCH_TEXT = sql`(${contacts.name} || ' ' || coalesce(${contacts.email}, ''))`;

function listConditions(query: ContactListQuery): SQL | undefined {
  const q = query.q?.trim();
  const companyFilter = and(
    eq(contactCompanies.contactId, contacts.id),
    query.accountNumber !== undefined ? eq(companies.accountNumber, query.accountNumber) : undefined,
    query.scope.kind === 'only'
      ? query.scope.companyIds.length === 0
        ? sql`false`
        : inArray(contactCompanies.companyId, [...query.scope.companyIds])
      : undefined,
  );
  const needsCompany = query.accountNumber !== undefined || query.scope.kind === 'only';
  return and(
    query.archived === 'active'
      ? isNull(contacts.archivedAt)
      : query.archived === 'archived'
        ? isNotNull(contacts.archivedAt)
        : undefined,
    query.active === 'all' ? undefined : eq(contacts.active, query.active === 'active'),
    q ? ilike(SEARCH_TEXT, containsPattern(q)) : undefined,
    needsCompany
      ? exists(
          sql`(SELECT 1 FROM ${contactCompanies} JOIN ${companies} ON ${companies.id} = ${contactCompanies.companyId} WHERE ${companyFilter})`,
        )
      : undefined,
  );
}

/**
 * The companies of the given contacts that `scope` sees, keyed by contact id. A contact shared
 * with another company shows a client only the client's own companies (it used to show the other
 * company's name and account number too).
 */
export async function companiesOfContacts(
  db: CodexDb,
  contactIds: readonly number[],
  scope: CompanyScope,
): Promise<Map<number, CompanyRef[]>> {
  const byContact = new Map<number, CompanyRef[]>();
  if (contactIds.length === 0) return byContact;
  const rows = await db
    .select({
      contactId: contactCompanies.contactId,
      id: companies.id,
      accountNumber: companies.accountNumber,
      name: companies.name,
    })
    .from(contactCompanies)
    .innerJoin(companies, eq(companies.id, contactCompanies.companyId))
    .where(and(inArray(contactCompanies.contactId, [...contactIds]), scopeCondition(scope, contactCompanies.companyId)))
    .orderBy(asc(companies.name));
  for (const { contactId, ...company } of rows)
    byContact.set(contactId, [...(byContact.get(contactId) ?? []), company]);
  return byContact;
}

/** One page of contacts with their companies. */
export async function listContacts(db: CodexDb, query: ContactListQuery): Promise<Page<ContactWithCompanies>> {
  const where = listConditions(query);
  const order = query.dir === 'asc' ? asc : desc;
  const [rows, counted] = await Promise.all([
    db
      .select()
      .from(contacts)
      .where(where)
      .orderBy(order(query.sort === 'email' ? contacts.email : sql`lower(${contacts.name})`), order(contacts.id))
      .limit(query.perPage)
      .offset(offsetOf(query)),
    db
      .select({ count: sql<number>`count(*)` })
      .from(contacts)
      .where(where),
  ]);
  const byContact = await companiesOfContacts(
    db,
    rows.map((row) => row.id),
    query.scope,
  );
  return {
    items: rows.map((row) => ({ ...row, companies: byContact.get(row.id) ?? [] })),
    total: countOf(counted),
    page: query.page,
    perPage: query.perPage,
  };
}

/** A contact with the companies and linked assets `scope` sees. */
export async function findContact(
  db: CodexDb,
  id: number,
  scope: CompanyScope,
): Promise<{ contact: ContactWithCompanies; assets: Asset[] } | undefined> {
  const [row] = await db.select().from(contacts).where(eq(contacts.id, id));
  if (row === undefined) return undefined;
  const [byContact, linked] = await Promise.all([
    companiesOfContacts(db, [id], scope),
    db
      .select({ asset: assets })
      .from(assetContacts)
      .innerJoin(assets, eq(assets.id, assetContacts.assetId))
      .where(and(eq(assetContacts.contactId, id), scopeCondition(scope, assets.companyId))),
  ]);
  return { contact: { ...row, companies: byContact.get(id) ?? [] }, assets: linked.map((entry) => entry.asset) };
}

/** What technicians edit on a contact. */
export interface ContactPatch {
  active?: boolean;
  roles?: string[];
  jobTitle?: string | null;
  mobilePhone?: string | null;
  workPhone?: string | null;
}

/** Applies a patch; returns the updated contact or undefined. */
export async function updateContact(
  db: CodexDb,
  id: number,
  patch: ContactPatch,
  now: Date,
): Promise<Contact | undefined> {
  const [row] = await db
    .update(contacts)
    .set({ ...patch, updatedAt: now })
    .where(eq(contacts.id, id))
    .returning();
  return row;
}

/** Unarchived contacts of several companies with the company each row is for (one query). */
export async function contactsOfCompanies(
  db: CodexDb,
  companyIds: readonly number[],
): Promise<(Contact & { companyId: number })[]> {
  if (companyIds.length === 0) return [];
  const rows = await db
    .select({ contact: contacts, companyId: contactCompanies.companyId })
    .from(contactCompanies)
    .innerJoin(contacts, eq(contacts.id, contactCompanies.contactId))
    .where(and(inArray(contactCompanies.companyId, [...companyIds]), isNull(contacts.archivedAt)))
    .orderBy(asc(contactCompanies.companyId), desc(contacts.active), asc(sql`lower(${contacts.name})`));
  return rows.map((row) => ({ ...row.contact, companyId: row.companyId }));
}
