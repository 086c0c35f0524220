/**
 * Writing fetched companies, contacts, agents and RMM site links. Every write is keyed by the
 * vendor's id (a link row), so running the same sync twice changes nothing the second time, and
 * a record renamed at the vendor keeps its Codex id and everything attached to it.
 *
 * Ownership of company fields: the vendor owns the name; every other field is filled from the
 * vendor only while it is empty in Codex, so a plan or compliance level set in Codex survives
 * every sync (the original overwrote Codex edits at 02:00 every night).
 */
import { and, eq, inArray, isNotNull, isNull, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { companies, companyLinks, contactCompanies, contactLinks, contacts, psaAgents } from '../db/index.js';
import type { CodexDb, SkippedRecord } from '../db/index.js';
import { checkAccountNumber } from '../domain/index.js';
import type { ExtAgent, ExtCompany, ExtContact, ExtSiteLink } from './provider.js';

/** What a batch did. `seen` are the vendor ids that were placed (and so are not gone). */
export interface BatchResult {
  created: number;
  updated: number;
  seen: string[];
  warnings: string[];
  /** Records that could not be stored, by name and reason; the rest of the batch was stored. */
  skipped: SkippedRecord[];
}

/** An empty batch result. */
export function emptyBatch(): BatchResult {
  return { created: 0, updated: 0, seen: [], warnings: [], skipped: [] };
}

/** The database's reason for refusing a write, without the query or its parameters. */
function refusal(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error
    ? `the database refused it (${cause.message.slice(0, 200)})`
    : 'the database refused it';
}

/**
 * Writes one record in its own savepoint. A record the database refuses is rolled back alone and
 * reported in `result.skipped`; the rest of the page is stored (one bad department used to roll
 * back its whole page and stop the run).
 */
export async function storeEach<T>(
  db: CodexDb,
  items: readonly T[],
  result: BatchResult,
  label: (item: T) => Omit<SkippedRecord, 'reason'>,
  write: (tx: CodexDb, item: T) => Promise<void>,
): Promise<void> {
  for (const item of items) {
    const before = {
      created: result.created,
      updated: result.updated,
      seen: result.seen.length,
      warnings: result.warnings.length,
    };
    try {
      await db.transaction(async (tx) => write(tx, item));
    } catch (error) {
      // Undo the counts of the rolled-back write, then report it.
      Object.assign(result, { created: before.created, updated: before.updated });
      result.seen.length = before.seen;
      result.warnings.length = before.warnings;
      result.skipped.push({ ...label(item), reason: refusal(error) });
    }
  }
}

/** `column IS DISTINCT FROM value` with the value cast, so NULLs compare as values. */
export function differs(
  column: SQL | { name: string },
  value: unknown,
  type: 'text' | 'boolean' | 'integer' | 'date' | 'timestamptz' | 'text[]' | 'inet' | 'bigint' | 'jsonb',
): SQL {
  const cast = sql.raw(type);
  const rendered = type === 'jsonb' ? sql`${JSON.stringify(value)}::jsonb` : sql`${value}::${cast}`;
  return sql`${column} IS DISTINCT FROM ${rendered}`;
}

/** The link of a vendor record, if any. */
async function linkedCompany(db: CodexDb, provider: string, externalId: string): Promise<number | undefined> {
  const [link] = await db
    .select({ companyId: companyLinks.companyId })
    .from(companyLinks)
    .where(and(eq(companyLinks.provider, provider), eq(companyLinks.externalId, externalId)));
  return link?.companyId;
}

/** Upserts companies of one vendor page. */
export async function storeCompanies(
  db: CodexDb,
  provider: string,
  items: readonly ExtCompany[],
  now: Date,
): Promise<BatchResult> {
  const result = emptyBatch();
  const valid: (ExtCompany & { accountNumber: string })[] = [];
  for (const item of items) {
    const check =
      item.accountNumber === null
        ? ({ ok: false, reason: 'it has no account number' } as const)
        : checkAccountNumber(item.accountNumber);
    if (check.ok) valid.push({ ...item, accountNumber: check.value });
    else
      result.skipped.push({
        collection: 'companies',
        externalId: item.externalId,
        name: item.name,
        reason: check.reason,
      });
  }
  await storeEach(
    db,
    valid,
    result,
    (item) => ({ collection: 'companies', externalId: item.externalId, name: item.name }),
    (tx, item) => storeCompany(tx, provider, item, now, result),
  );
  return result;
}

/** Upserts one company whose account number passed the check. */
async function storeCompany(
  db: CodexDb,
  provider: string,
  item: ExtCompany & { accountNumber: string },
  now: Date,
  result: BatchResult,
): Promise<void> {
  const fill = {
    description: item.description ?? null,
    mainLocation: item.mainLocation ?? null,
    phone: item.phone ?? null,
    planName: item.planName ?? null,
    contractTerm: item.contractTerm ?? null,
    contractStart: item.contractStart ?? null,
    emailSystem: item.emailSystem ?? null,
    phoneSystem: item.phoneSystem ?? null,
    managedUsers: item.managedUsers ?? null,
    managedDevices: item.managedDevices ?? null,
    managedNetwork: item.managedNetwork ?? null,
  };
  let companyId = await linkedCompany(db, provider, item.externalId);
  if (companyId === undefined) {
    const [existing] = await db
      .select({ id: companies.id })
      .from(companies)
      .where(eq(companies.accountNumber, item.accountNumber));
    if (existing === undefined) {
      const [inserted] = await db
        .insert(companies)
        .values({
          accountNumber: item.accountNumber,
          name: item.name,
          domains: item.domains ?? [],
          ...fill,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: companies.id });
      if (inserted === undefined) return;
      await db
        .insert(companyLinks)
        .values({ companyId: inserted.id, provider, externalId: item.externalId, name: item.name, lastSeenAt: now });
      result.created += 1;
      result.seen.push(item.externalId);
      return;
    }
    companyId = existing.id;
    await db
      .insert(companyLinks)
      .values({ companyId, provider, externalId: item.externalId, name: item.name, lastSeenAt: now });
  } else {
    await db
      .update(companyLinks)
      .set({ name: item.name, lastSeenAt: now })
      .where(and(eq(companyLinks.provider, provider), eq(companyLinks.externalId, item.externalId)));
  }
  result.seen.push(item.externalId);
  const fillSets: Record<string, SQL> = {};
  const fillChanges: SQL[] = [];
  for (const [key, value] of Object.entries(fill) as [keyof typeof fill, unknown][]) {
    if (value === null) continue;
    fillSets[key] = sql`coalesce(${companies[key]}, ${value})`;
    fillChanges.push(isNull(companies[key]));
  }
  const domains = item.domains ?? [];
  const updated = await db
    .update(companies)
    .set({
      name: item.name,
      ...fillSets,
      ...(domains.length > 0
        ? {
            domains: sql`CASE WHEN cardinality(${companies.domains}) = 0 THEN ${sql.param(domains)}::text[] ELSE ${companies.domains} END`,
          }
        : {}),
      archivedAt: null,
      updatedAt: now,
    })
    .where(
      and(
        eq(companies.id, companyId),
        or(
          ne(companies.name, item.name),
          isNotNull(companies.archivedAt),
          domains.length > 0 ? sql`cardinality(${companies.domains}) = 0` : undefined,
          ...fillChanges,
        ),
      ),
    )
    .returning({ id: companies.id });
  if (updated.length > 0) result.updated += 1;
  const [current] = await db
    .select({ accountNumber: companies.accountNumber })
    .from(companies)
    .where(eq(companies.id, companyId));
  if (current !== undefined && current.accountNumber !== item.accountNumber) {
    result.warnings.push(
      `${provider} record "${item.name}" now says account number ${item.accountNumber}; Codex keeps ${current.accountNumber}`,
    );
  }
}

/** Upserts contacts of one vendor page and their synced company links (manual links are kept). */
export async function storeContacts(
  db: CodexDb,
  provider: string,
  items: readonly ExtContact[],
  now: Date,
): Promise<BatchResult> {
  const result = emptyBatch();
  await storeEach(
    db,
    items,
    result,
    (item) => ({ collection: 'contacts', externalId: item.externalId, name: item.name }),
    (tx, item) => storeContact(tx, provider, item, now, result),
  );
  return result;
}

/** Upserts one contact and its synced company links. */
async function storeContact(
  db: CodexDb,
  provider: string,
  item: ExtContact,
  now: Date,
  result: BatchResult,
): Promise<void> {
  const values = {
    name: item.name,
    firstName: item.firstName ?? null,
    lastName: item.lastName ?? null,
    email: item.email,
    active: item.active,
    jobTitle: item.jobTitle ?? null,
    mobilePhone: item.mobilePhone ?? null,
    workPhone: item.workPhone ?? null,
    vip: item.vip ?? false,
  };
  const [link] = await db
    .select({ contactId: contactLinks.contactId })
    .from(contactLinks)
    .where(and(eq(contactLinks.provider, provider), eq(contactLinks.externalId, item.externalId)));
  let contactId = link?.contactId;
  let created = false;
  if (contactId === undefined) {
    // A contact someone entered by hand (or another vendor brought) with this address gets linked, not duplicated.
    const [byEmail] =
      item.email === null
        ? []
        : await db
            .select({ id: contacts.id })
            .from(contacts)
            .where(
              and(
                eq(sql`lower(${contacts.email})`, item.email.toLowerCase()),
                sql`NOT EXISTS (SELECT 1 FROM ${contactLinks} WHERE ${contactLinks.contactId} = ${contacts.id} AND ${contactLinks.provider} = ${provider})`,
              ),
            )
            .limit(1);
    if (byEmail === undefined) {
      const [inserted] = await db
        .insert(contacts)
        .values({ ...values, createdAt: now, updatedAt: now })
        .returning({ id: contacts.id });
      if (inserted === undefined) return;
      contactId = inserted.id;
      created = true;
      result.created += 1;
    } else contactId = byEmail.id;
    await db.insert(contactLinks).values({ contactId, provider, externalId: item.externalId });
  }
  if (!created) {
    const changed = await db
      .update(contacts)
      .set({ ...values, archivedAt: null, updatedAt: now })
      .where(
        and(
          eq(contacts.id, contactId),
          or(
            isNotNull(contacts.archivedAt),
            differs(contacts.name, values.name, 'text'),
            differs(contacts.firstName, values.firstName, 'text'),
            differs(contacts.lastName, values.lastName, 'text'),
            differs(contacts.email, values.email, 'text'),
            differs(contacts.active, values.active, 'boolean'),
            differs(contacts.jobTitle, values.jobTitle, 'text'),
            differs(contacts.mobilePhone, values.mobilePhone, 'text'),
            differs(contacts.workPhone, values.workPhone, 'text'),
            differs(contacts.vip, values.vip, 'boolean'),
          ),
        ),
      )
      .returning({ id: contacts.id });
    if (changed.length > 0) result.updated += 1;
  }
  result.seen.push(item.externalId);
  const companyIds =
    item.companyExternalIds.length === 0
      ? []
      : (
          await db
            .select({ id: companyLinks.companyId })
            .from(companyLinks)
            .where(and(eq(companyLinks.provider, provider), inArray(companyLinks.externalId, item.companyExternalIds)))
        ).map((row) => row.id);
  await db
    .delete(contactCompanies)
    .where(
      and(
        eq(contactCompanies.contactId, contactId),
        eq(contactCompanies.source, 'sync'),
        companyIds.length === 0 ? undefined : notInArray(contactCompanies.companyId, companyIds),
      ),
    );
  if (companyIds.length > 0) {
    await db
      .insert(contactCompanies)
      .values(companyIds.map((companyId) => ({ contactId, companyId, source: 'sync' as const })))
      .onConflictDoNothing();
  }
}

/** Upserts PSA agents. */
export async function storeAgents(
  db: CodexDb,
  provider: string,
  items: readonly ExtAgent[],
  now: Date,
): Promise<BatchResult> {
  const result = emptyBatch();
  await storeEach(
    db,
    items,
    result,
    (item) => ({ collection: 'agents', externalId: item.externalId, name: item.name }),
    async (db, item) => {
      const values = { name: item.name, email: item.email, jobTitle: item.jobTitle ?? null, active: item.active };
      const rows = await db
        .insert(psaAgents)
        .values({ provider, externalId: item.externalId, ...values, updatedAt: now })
        .onConflictDoUpdate({
          target: [psaAgents.provider, psaAgents.externalId],
          set: { ...values, archivedAt: null, updatedAt: now },
          setWhere: sql`${isNotNull(psaAgents.archivedAt)} OR ${differs(psaAgents.name, values.name, 'text')} OR ${differs(psaAgents.email, values.email, 'text')}
          OR ${differs(psaAgents.jobTitle, values.jobTitle, 'text')} OR ${differs(psaAgents.active, values.active, 'boolean')}`,
        })
        .returning({ inserted: sql<boolean>`(xmax = 0)` });
      result.seen.push(item.externalId);
      if (rows[0]?.inserted === true) result.created += 1;
      else if (rows[0] !== undefined) result.updated += 1;
    },
  );
  return result;
}

/**
 * Links RMM sites to the companies their account number names. A site without one, or naming no
 * company, loses its link, so its devices are archived rather than kept forever (the original kept them).
 */
export async function storeSites(
  db: CodexDb,
  provider: string,
  items: readonly ExtSiteLink[],
  now: Date,
): Promise<BatchResult> {
  const result = emptyBatch();
  for (const site of items) {
    const check = site.accountNumber === null ? undefined : checkAccountNumber(site.accountNumber);
    if (check?.ok === false)
      result.skipped.push({
        collection: 'sites',
        externalId: site.externalId,
        name: site.name,
        reason: `${check.reason}; its devices are not imported`,
      });
    const accountNumber = check?.ok === true ? check.value : null;
    const [company] =
      accountNumber === null
        ? []
        : await db.select({ id: companies.id }).from(companies).where(eq(companies.accountNumber, accountNumber));
    if (company === undefined) {
      if (accountNumber !== null)
        result.warnings.push(
          `${provider} site "${site.name}" names account number ${site.accountNumber}, which no company has`,
        );
      await db
        .delete(companyLinks)
        .where(and(eq(companyLinks.provider, provider), eq(companyLinks.externalId, site.externalId)));
      continue;
    }
    await db
      .insert(companyLinks)
      .values({ companyId: company.id, provider, externalId: site.externalId, name: site.name, lastSeenAt: now })
      .onConflictDoUpdate({
        target: [companyLinks.provider, companyLinks.externalId],
        set: { companyId: company.id, name: site.name, lastSeenAt: now },
      });
    result.seen.push(site.externalId);
  }
  return result;
}
