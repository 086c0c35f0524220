/** Queries on assets: filtered search with paging, detail, and the billing-type override. */
import { and, asc, desc, eq, exists, inArray, isNotNull, isNull, like, sql, type SQL } from 'drizzle-orm';
import type { BillingType, CompanyScope } from '../domain/index.js';
import {
  assetContacts,
  assets,
  companies,
  contactCompanies,
  contacts,
  secrets,
  type Asset,
  type Contact,
} from './schema.js';
import { containsPattern, countOf, offsetOf, scopeCondition, type Page, type PageRequest } from './query-helpers.js';
import type { CodexDb } from './types.js';

export const ASSET_SORTS = ['hostname', 'last_seen', 'company', 'billing_type'] as const;
export type AssetSort = (typeof ASSET_SORTS)[number];

/** An asset with the account number and name of its company. */
export type AssetWithCompany = Asset & { accountNumber: string; companyName: string };

export interface AssetListQuery extends PageRequest {
  q?: string | undefined;
  accountNumber?: string | undefined;
  billingType?: BillingType | undefined;
  online?: boolean | undefined;
  archived: 'active' | 'archived' | 'all';
  sort: AssetSort;
  dir: 'asc' | 'desc';
  scope: CompanyScope;
}

const SORT_COLUMNS = {
  hostname: assets.hostnameKey,
  last_seen: assets.lastSeen,
  company: sql`lower(${companies.name})`,
  billing_type: assets.billingType,
} as const;

function listConditions(query: AssetListQuery): SQL | undefined {
  const q = query.q?.trim();
  return and(
    query.archived === 'active'
      ? isNull(assets.archivedAt)
      : query.archived === 'archived'
        ? isNotNull(assets.archivedAt)
        : undefined,
    // Hostname only: it is what technicians type; the lower-cased key's trigram index keeps it fast.
    q ? like(assets.hostnameKey, containsPattern(q.toLowerCase())) : undefined,
    query.accountNumber !== undefined ? eq(companies.accountNumber, query.accountNumber) : undefined,
    query.billingType !== undefined ? eq(assets.billingType, query.billingType) : undefined,
    query.online !== undefined ? eq(assets.online, query.online) : undefined,
    scopeCondition(query.scope, assets.companyId),
  );
}

/** One page of assets matching the filters, and how many match in all. */
export async function listAssets(db: CodexDb, query: AssetListQuery): Promise<Page<AssetWithCompany>> {
  const where = listConditions(query);
  const order = query.dir === 'asc' ? asc : desc;
  const sortColumn = SORT_COLUMNS[query.sort];
  const [rows, counted] = await Promise.all([
    db
      .select({ asset: assets, accountNumber: companies.accountNumber, companyName: companies.name })
      .from(assets)
      .innerJoin(companies, eq(companies.id, assets.companyId))
      .where(where)
      .orderBy(
        query.sort === 'last_seen' ? sql`${sortColumn} ${sql.raw(query.dir)} NULLS LAST` : order(sortColumn),
        order(assets.id),
      )
      .limit(query.perPage)
      .offset(offsetOf(query)),
    db
      .select({ count: sql<number>`count(*)` })
      .from(assets)
      .innerJoin(companies, eq(companies.id, assets.companyId))
      .where(where),
  ]);
  return {
    items: rows.map((row) => ({ ...row.asset, accountNumber: row.accountNumber, companyName: row.companyName })),
    total: countOf(counted),
    page: query.page,
    perPage: query.perPage,
  };
}

/** An asset with its company, its contacts and which secrets it holds (kinds only, never values). */
export interface AssetDetail {
  asset: AssetWithCompany;
  contacts: Contact[];
  secrets: { id: number; kind: string; updatedAt: Date }[];
}

/** One asset by id, or undefined; its contacts limited to those of companies `scope` sees. */
export async function findAsset(db: CodexDb, id: number, scope: CompanyScope): Promise<AssetDetail | undefined> {
  const [row] = await db
    .select({ asset: assets, accountNumber: companies.accountNumber, companyName: companies.name })
    .from(assets)
    .innerJoin(companies, eq(companies.id, assets.companyId))
    .where(eq(assets.id, id));
  if (row === undefined) return undefined;
  const [linked, held] = await Promise.all([
    db
      .select({ contact: contacts })
      .from(assetContacts)
      .innerJoin(contacts, eq(contacts.id, assetContacts.contactId))
      .where(
        and(
          eq(assetContacts.assetId, id),
          scope.kind === 'all'
            ? undefined
            : exists(
                db
                  .select({ one: sql`1` })
                  .from(contactCompanies)
                  .where(
                    and(eq(contactCompanies.contactId, contacts.id), scopeCondition(scope, contactCompanies.companyId)),
                  ),
              ),
        ),
      )
      .orderBy(asc(contacts.name)),
    db
      .select({ id: secrets.id, kind: secrets.kind, updatedAt: secrets.updatedAt })
      .from(secrets)
      .where(eq(secrets.assetId, id))
      .orderBy(asc(secrets.kind)),
  ]);
  return {
    asset: { ...row.asset, accountNumber: row.accountNumber, companyName: row.companyName },
    contacts: linked.map((entry) => entry.contact),
    secrets: held,
  };
}

/** Sets or clears a person's billing-type override; returns the asset before and after. */
export async function setBillingOverride(
  db: CodexDb,
  id: number,
  override: BillingType | null,
  now: Date,
): Promise<{ before: Asset; after: Asset } | undefined> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(assets).where(eq(assets.id, id)).for('update');
    if (before === undefined) return undefined;
    const [after] = await tx
      .update(assets)
      .set({ billingTypeOverride: override, updatedAt: now })
      .where(eq(assets.id, id))
      .returning();
    return after === undefined ? undefined : { before, after };
  });
}

/** Active assets of several companies, by company then hostname (one query for a whole page). */
export async function assetsOfCompanies(db: CodexDb, companyIds: readonly number[]): Promise<Asset[]> {
  if (companyIds.length === 0) return [];
  return db
    .select()
    .from(assets)
    .where(and(inArray(assets.companyId, [...companyIds]), isNull(assets.archivedAt)))
    .orderBy(asc(assets.companyId), asc(assets.hostnameKey));
}
