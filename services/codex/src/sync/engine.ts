/**
 * Runs one sync job: consumes an adapter's event stream, writes each batch in its own
 * transaction, archives the records of collections that were fetched in full, and reports
 * counts and progress. A stream that throws half-way keeps what it delivered (status `partial`)
 * and archives nothing of the collection it was fetching, nor of any collection after it.
 */
import { and, eq, inArray, isNull, notInArray, sql, type AnyColumn } from 'drizzle-orm';
import { assets, companies, companyLinks, contactLinks, contacts, psaAgents } from '../db/index.js';
import type { CodexDb, RunCounts, SkippedRecord } from '../db/index.js';
import { planArchival } from '../domain/index.js';
import type { KnownRecord, SecretKeyring, SyncJobName } from '../domain/index.js';
import type { Collection, FetchContext, SyncEvent, SyncProvider } from './provider.js';
import { storeAgents, storeCompanies, storeContacts, storeSites, type BatchResult } from './store-directory.js';
import { knownAssets, storeAssets } from './store-assets.js';
import { storeTickets } from './store-tickets.js';

export interface EngineDeps {
  db: CodexDb;
  now: () => Date;
  secretKey: SecretKeyring | undefined;
}

/** How a run ended. */
export interface RunOutcome extends RunCounts {
  status: 'succeeded' | 'partial' | 'failed';
  errors: string[];
  warnings: string[];
  /** Records that could not be stored (the run carried on without them). */
  skipped: SkippedRecord[];
}

/** Called after every batch with the collection being fetched and the counts so far. */
export type ProgressListener = (progress: RunCounts & { phase: string }) => Promise<void>;

async function knownRecords(db: CodexDb, provider: string, collection: Collection): Promise<KnownRecord[]> {
  const archivedOf = (column: AnyColumn) => sql<boolean>`${column} IS NOT NULL`;
  switch (collection) {
    case 'companies':
      return db
        .select({ id: companies.id, externalId: companyLinks.externalId, archived: archivedOf(companies.archivedAt) })
        .from(companyLinks)
        .innerJoin(companies, eq(companies.id, companyLinks.companyId))
        .where(eq(companyLinks.provider, provider));
    case 'contacts':
      return db
        .select({ id: contacts.id, externalId: contactLinks.externalId, archived: archivedOf(contacts.archivedAt) })
        .from(contactLinks)
        .innerJoin(contacts, eq(contacts.id, contactLinks.contactId))
        .where(eq(contactLinks.provider, provider));
    case 'agents':
      return db
        .select({ id: psaAgents.id, externalId: psaAgents.externalId, archived: archivedOf(psaAgents.archivedAt) })
        .from(psaAgents)
        .where(eq(psaAgents.provider, provider));
    case 'assets':
      return knownAssets(db, provider);
    default:
      return [];
  }
}

const TABLES = { companies, contacts, agents: psaAgents, assets } as const;

/** Archives and restores records of a complete collection; returns how many were archived. */
async function archiveMissing(
  deps: EngineDeps,
  provider: string,
  collection: Collection,
  seen: Set<string>,
  warnings: string[],
): Promise<number> {
  if (collection === 'sites') {
    // Site links are mappings, not records: a site that is gone simply maps nothing any more.
    if (seen.size > 0) {
      await deps.db
        .delete(companyLinks)
        .where(and(eq(companyLinks.provider, provider), notInArray(companyLinks.externalId, [...seen])));
    }
    return 0;
  }
  if (collection === 'tickets') return 0;
  const table = TABLES[collection];
  const plan = planArchival({ complete: true, seen, known: await knownRecords(deps.db, provider, collection) });
  if (plan.skipped !== undefined) warnings.push(`${collection}: ${plan.skipped}`);
  if (plan.archive.length > 0) {
    await deps.db
      .update(table)
      .set({ archivedAt: deps.now() })
      .where(and(inArray(table.id, plan.archive), isNull(table.archivedAt)));
  }
  if (plan.restore.length > 0)
    await deps.db.update(table).set({ archivedAt: null }).where(inArray(table.id, plan.restore));
  return plan.archive.length;
}

async function storeBatch(
  deps: EngineDeps,
  provider: string,
  event: Exclude<SyncEvent, { kind: 'complete' | 'warning' }>,
): Promise<BatchResult> {
  return deps.db.transaction(async (tx) => {
    const now = deps.now();
    switch (event.kind) {
      case 'companies':
        return storeCompanies(tx, provider, event.items, now);
      case 'contacts':
        return storeContacts(tx, provider, event.items, now);
      case 'agents':
        return storeAgents(tx, provider, event.items, now);
      case 'sites':
        return storeSites(tx, provider, event.items, now);
      case 'assets':
        return storeAssets(tx, provider, event.items, deps.secretKey, now);
      case 'tickets':
        return storeTickets(tx, provider, event.items, now);
    }
  });
}

/**
 * A failure for the run's history: the vendor's message as it is; for a database failure only the
 * server's reason (drizzle's own message repeats the query and its parameters, which may hold data).
 */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const text =
    error.message.startsWith('Failed query') && error.cause instanceof Error
      ? `database: ${error.cause.message}`
      : error.message;
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** Runs `job` of `provider` to the end and says how it went; it never throws for vendor failures. */
export async function runSyncJob(
  deps: EngineDeps,
  provider: SyncProvider,
  job: SyncJobName,
  context: FetchContext,
  onProgress: ProgressListener,
): Promise<RunOutcome> {
  const outcome: RunOutcome = {
    status: 'succeeded',
    fetched: 0,
    created: 0,
    updated: 0,
    archived: 0,
    errors: [],
    warnings: [],
    skipped: [],
  };
  const seen = new Map<Collection, Set<string>>();
  let phase = 'starting';
  let stored = 0;
  try {
    for await (const event of provider.fetch(job, context)) {
      if (event.kind === 'warning') {
        if (outcome.warnings.length < 200) outcome.warnings.push(event.message);
        continue;
      }
      if (event.kind === 'complete') {
        outcome.archived += await archiveMissing(
          deps,
          provider.name,
          event.collection,
          seen.get(event.collection) ?? new Set(),
          outcome.warnings,
        );
        continue;
      }
      phase = event.kind;
      const result = await storeBatch(deps, provider.name, event);
      const collection = seen.get(event.kind) ?? new Set<string>();
      for (const id of result.seen) collection.add(id);
      seen.set(event.kind, collection);
      outcome.fetched += event.items.length;
      outcome.created += result.created;
      outcome.updated += result.updated;
      stored += event.items.length;
      outcome.warnings.push(...result.warnings.slice(0, Math.max(0, 200 - outcome.warnings.length)));
      outcome.skipped.push(...result.skipped.slice(0, Math.max(0, 500 - outcome.skipped.length)));
      await onProgress({
        phase,
        fetched: outcome.fetched,
        created: outcome.created,
        updated: outcome.updated,
        archived: outcome.archived,
      });
    }
  } catch (error) {
    outcome.status = stored > 0 ? 'partial' : 'failed';
    outcome.errors.push(`${phase}: ${describeError(error)}`);
    outcome.warnings.push(
      'Nothing was archived for the collection being fetched when the error happened, nor for later ones.',
    );
  }
  return outcome;
}
