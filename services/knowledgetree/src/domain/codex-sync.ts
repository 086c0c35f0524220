/**
 * The codex job: builds `Companies/<company>/{Contacts,Assets,Tickets}` from codex as read-only
 * articles and keeps it in step (reference §2.11 items 4, 5, 6 and 14: the original's sync never
 * ran, blocked a request and overwrote everything).
 *
 * - Everything it writes carries a `codex_key` made of codex ids (`company:<account>`,
 *   `contact:<account>:<id>`, `asset:<id>`, `ticket:<id>`), never names: a renamed company is
 *   the same folder renamed, with the hand-written notes beside its generated subfolders.
 * - It writes only what changed: an article whose title and Markdown are what codex gives now is
 *   left alone (no revision); a ticket whose `updated_at` is the one it was written from is not
 *   even fetched again.
 * - What codex archived (or no longer lists) moves to an "Archived" folder; nothing is deleted.
 * - It touches only nodes with a `codex_key`: hand-written folders and articles are never read
 *   for writing, renamed, moved or deleted. A generated node someone put in the trash stays there.
 * - Runs are rows in `sync_runs` (progress, counters, outcome); one runs at a time (unique index).
 */
import { sql } from 'drizzle-orm';
import { AppError } from '@hivematrix/sdk';
import type { KnowledgetreeDb } from '../db/index.js';
import { assetMarkdown, contactMarkdown, segmentTitle, ticketMarkdown, ticketTitle } from '../codex/index.js';
import type { CodexCompany, CodexSource } from '../codex/index.js';
import { rootNode } from './nodes.js';
import { saveArticle } from './revisions.js';
import { isUniqueViolation, one, rows, type Executor } from './sql.js';
import { createNode, moveNode, renameNode } from './tree.js';
import type { Viewer } from './viewer.js';

/** The job writes as this admin-level actor, inside read-only subtrees only through `allowReadOnly`. */
export const CODEX_JOB: Viewer = {
  kind: 'user',
  sub: 'system:codex-sync',
  name: 'Codex sync',
  level: 'admin',
  companies: [],
};
const WRITE = { allowReadOnly: true };
/** A running run whose heartbeat is older than this died with its process. */
const STALE_MS = 15 * 60_000;

export interface SyncRun {
  id: string;
  trigger: 'schedule' | 'manual';
  started_by: string;
  status: 'running' | 'succeeded' | 'failed';
  started_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
  companies_total: number;
  companies_done: number;
  created: number;
  updated: number;
  archived: number;
  unchanged: number;
  error: string | null;
}

const RUN_COLUMNS = sql`id::text AS id, trigger, started_by, status, started_at, heartbeat_at, finished_at, companies_total, companies_done,
  created, updated, archived, unchanged, error`;

/** Records a new running run, or throws a 409 when one is running (a dead one is closed first). */
export async function startRun(
  db: Executor,
  trigger: SyncRun['trigger'],
  startedBy: string,
  now: Date,
): Promise<string> {
  await db.execute(sql`UPDATE sync_runs SET status = 'failed', finished_at = ${now}, error = 'The run stopped reporting progress (its process ended)'
                       WHERE status = 'running' AND heartbeat_at < ${new Date(now.getTime() - STALE_MS)}`);
  try {
    const run = await one<{ id: string }>(
      db,
      sql`INSERT INTO sync_runs (trigger, started_by, status, started_at, heartbeat_at)
                                                  VALUES (${trigger}, ${startedBy}, 'running', ${now}, ${now}) RETURNING id::text AS id`,
    );
    if (run === undefined) throw new AppError('internal', 'insert returned no row');
    return run.id;
  } catch (error) {
    if (isUniqueViolation(error, 'sync_runs_one_running'))
      throw new AppError('conflict', 'A codex sync is already running');
    throw error;
  }
}

export async function listRuns(db: Executor, limit = 50): Promise<SyncRun[]> {
  return rows<SyncRun>(db, sql`SELECT ${RUN_COLUMNS} FROM sync_runs ORDER BY started_at DESC, id DESC LIMIT ${limit}`);
}

export async function getRun(db: Executor, id: string): Promise<SyncRun | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  return one<SyncRun>(db, sql`SELECT ${RUN_COLUMNS} FROM sync_runs WHERE id = ${id}::bigint`);
}

interface Counters {
  created: number;
  updated: number;
  archived: number;
  unchanged: number;
}

interface Keyed {
  id: string;
  parent_id: string;
  type: 'folder' | 'article';
  title: string;
  markdown: string;
  revision_id: string | null;
  codex_version: string | null;
  linked_company: string | null;
  deleted: boolean;
}

async function byKey(db: Executor, key: string): Promise<Keyed | undefined> {
  return one<Keyed>(
    db,
    sql`SELECT id, parent_id, type, title, markdown, revision_id::text AS revision_id, codex_version, linked_company,
                              (deleted_at IS NOT NULL) AS deleted FROM nodes WHERE codex_key = ${key}`,
  );
}

/** The wanted title, or (when a hand-written sibling already holds it) the title with a suffix. */
function titles(title: string, suffix: string): [string, string] {
  return [title, segmentTitle(`${title.slice(0, 180)} (${suffix})`, title)];
}

/** Runs `write` with the wanted title and, on a sibling-name conflict, with the suffixed one. */
async function withTitle<T>(wanted: [string, string], write: (title: string) => Promise<T>): Promise<T> {
  try {
    return await write(wanted[0]);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
    return write(wanted[1]);
  }
}

type Outcome = 'created' | 'updated' | 'archived' | 'unchanged' | 'skipped';

class Job {
  readonly counters: Counters = { created: 0, updated: 0, archived: 0, unchanged: 0 };
  constructor(
    private readonly db: KnowledgetreeDb,
    private readonly now: () => Date,
  ) {}

  count(outcome: Outcome): void {
    if (outcome !== 'skipped') this.counters[outcome] += 1;
  }

  /** A generated folder under `parentId`: created, moved back, renamed as codex names it. Undefined if trashed by a user. */
  async folder(
    key: string,
    parentId: string,
    title: string,
    suffix: string,
    extra: { readOnly?: boolean; linkedCompany?: string } = {},
  ): Promise<string | undefined> {
    const wanted = titles(title, suffix);
    const found = await byKey(this.db, key);
    if (found === undefined) {
      const id = await withTitle(wanted, (t) =>
        createNode(
          this.db,
          CODEX_JOB,
          { parentId, type: 'folder', title: t, readOnly: extra.readOnly ?? false, codexKey: key },
          this.now(),
          WRITE,
        ),
      );
      if (extra.linkedCompany !== undefined)
        await this.db.execute(sql`UPDATE nodes SET linked_company = ${extra.linkedCompany} WHERE id = ${id}`);
      this.count('created');
      return id;
    }
    if (found.deleted) return undefined;
    let changed = false;
    if (found.parent_id !== parentId) {
      await this.moveInto(found.id, found.title, suffix, parentId);
      changed = true;
    }
    if (!wanted.includes(found.title)) {
      await withTitle(wanted, (t) => renameNode(this.db, CODEX_JOB, found.id, t, this.now(), WRITE));
      changed = true;
    }
    if (extra.linkedCompany !== undefined && found.linked_company !== extra.linkedCompany) {
      await this.db.execute(sql`UPDATE nodes SET linked_company = ${extra.linkedCompany} WHERE id = ${found.id}`);
    }
    if (changed) this.count('updated');
    return found.id;
  }

  /** A generated article: written only when its place, title or Markdown differ from codex's. */
  async article(
    key: string,
    parentId: string,
    title: string,
    suffix: string,
    markdown: string,
    version: string | null,
    archived: boolean,
  ): Promise<Outcome> {
    const wanted = titles(title, suffix);
    const found = await byKey(this.db, key);
    if (found === undefined) {
      const id = await withTitle(wanted, (t) =>
        createNode(
          this.db,
          CODEX_JOB,
          { parentId, type: 'article', title: t, markdown, readOnly: false, codexKey: key, message: 'From codex' },
          this.now(),
          WRITE,
        ),
      );
      await this.db.execute(sql`UPDATE nodes SET codex_version = ${version} WHERE id = ${id}`);
      return 'created';
    }
    if (found.deleted) return 'skipped';
    let outcome: Outcome = 'unchanged';
    if (found.parent_id !== parentId) {
      await this.moveInto(found.id, found.title, suffix, parentId);
      outcome = archived ? 'archived' : 'updated';
    }
    const current = await byKey(this.db, key);
    if (current === undefined) return outcome;
    if (current.markdown !== markdown || !wanted.includes(current.title)) {
      const save = (t: string) =>
        saveArticle(
          this.db,
          CODEX_JOB,
          current.id,
          { markdown, title: t, baseRevisionId: current.revision_id ?? '', message: 'Updated from codex' },
          this.now(),
          WRITE,
        );
      if (wanted.includes(current.title)) await save(current.title);
      else await withTitle(wanted, save);
      if (outcome === 'unchanged') outcome = 'updated';
    }
    if (current.codex_version !== version)
      await this.db.execute(sql`UPDATE nodes SET codex_version = ${version} WHERE id = ${current.id}`);
    return outcome;
  }

  /** Moves a generated node into `parentId`; when a sibling there has its name, with a suffix. */
  async moveInto(id: string, title: string, suffix: string, parentId: string): Promise<void> {
    try {
      await moveNode(this.db, CODEX_JOB, id, parentId, this.now(), WRITE);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
      await renameNode(this.db, CODEX_JOB, id, titles(title, suffix)[1], this.now(), WRITE);
      await moveNode(this.db, CODEX_JOB, id, parentId, this.now(), WRITE);
    }
  }

  /** Moves a generated article codex no longer lists into the company's Archived folder. */
  async archiveMissing(
    parentId: string,
    prefix: string,
    seen: Set<string>,
    archive: () => Promise<string | undefined>,
  ): Promise<void> {
    const stale = await rows<{ id: string; codex_key: string; title: string }>(
      this.db,
      sql`SELECT id, codex_key, title FROM nodes WHERE parent_id = ${parentId} AND deleted_at IS NULL AND codex_key LIKE ${`${prefix}%`}`,
    );
    for (const node of stale.filter((n) => !seen.has(n.codex_key))) {
      const target = await archive();
      if (target === undefined) return;
      await this.moveInto(node.id, node.title, node.codex_key.split(':').slice(1).join(' '), target);
      this.count('archived');
    }
  }

  async company(
    source: CodexSource,
    company: CodexCompany,
    companiesId: string,
    archivedCompaniesId: () => Promise<string | undefined>,
  ): Promise<void> {
    const account = company.account_number;
    const parent = company.archived_at === null ? companiesId : await archivedCompaniesId();
    if (parent === undefined) return;
    const folderId = await this.folder(`company:${account}`, parent, segmentTitle(company.name, account), account, {
      linkedCompany: account,
    });
    if (folderId === undefined) return;
    let archivedId: string | undefined | null = null;
    const archive = async () => {
      if (archivedId === null)
        archivedId = await this.folder(`archived:${account}`, folderId, 'Archived', 'codex', { readOnly: true });
      return archivedId;
    };
    const sub = async (kind: string, title: string) =>
      this.folder(`${kind}:${account}`, folderId, title, 'codex', { readOnly: true });

    const contactsId = await sub('contacts', 'Contacts');
    if (contactsId !== undefined) {
      const seen = new Set<string>();
      for (const contact of await source.contacts(account)) {
        const key = `contact:${account}:${contact.id}`;
        const archived = contact.archived_at !== null;
        const parentId = archived ? await archive() : contactsId;
        if (parentId === undefined) continue;
        if (!archived) seen.add(key);
        this.count(
          await this.article(
            key,
            parentId,
            segmentTitle(contact.name, `Contact ${contact.id}`),
            `contact ${contact.id}`,
            contactMarkdown(contact, account),
            null,
            archived,
          ),
        );
      }
      await this.archiveMissing(contactsId, `contact:${account}:`, seen, archive);
    }

    const assetsId = await sub('assets', 'Assets');
    if (assetsId !== undefined) {
      const seen = new Set<string>();
      for (const asset of await source.assets(account)) {
        const key = `asset:${asset.id}`;
        const archived = asset.archived_at !== null;
        const parentId = archived ? await archive() : assetsId;
        if (parentId === undefined) continue;
        if (!archived) seen.add(key);
        this.count(
          await this.article(
            key,
            parentId,
            segmentTitle(asset.hostname, `Asset ${asset.id}`),
            `asset ${asset.id}`,
            assetMarkdown(asset, account),
            null,
            archived,
          ),
        );
      }
      await this.archiveMissing(assetsId, 'asset:', seen, archive);
    }

    const ticketsId = await sub('tickets', 'Tickets');
    if (ticketsId !== undefined) {
      const seen = new Set<string>();
      for (const summary of await source.tickets(account)) {
        const key = `ticket:${summary.id}`;
        const existing = await byKey(this.db, key);
        // Unchanged since it was written (same updated_at, same place): not even fetched.
        if (
          existing !== undefined &&
          existing.codex_version === summary.updated_at &&
          existing.parent_id === ticketsId
        ) {
          seen.add(key);
          this.count('unchanged');
          continue;
        }
        const detail = await source.ticket(summary.id);
        if (detail === undefined) continue;
        seen.add(key);
        this.count(
          await this.article(
            key,
            ticketsId,
            ticketTitle(detail.ticket),
            `ticket ${summary.id}`,
            ticketMarkdown(detail, account),
            detail.ticket.updated_at,
            false,
          ),
        );
      }
      await this.archiveMissing(ticketsId, 'ticket:', seen, archive);
    }
  }
}

/**
 * Runs the job for run `runId` (already recorded by `startRun`) to the end, recording progress
 * after every company and the outcome at the end. Never throws: a failure is the run's outcome.
 */
export async function runSync(
  db: KnowledgetreeDb,
  source: CodexSource,
  runId: string,
  now: () => Date,
): Promise<SyncRun['status']> {
  const job = new Job(db, now);
  const progress = async (done: number, total: number) => {
    await db.execute(sql`UPDATE sync_runs SET companies_done = ${done}, companies_total = ${total}, created = ${job.counters.created},
                           updated = ${job.counters.updated}, archived = ${job.counters.archived}, unchanged = ${job.counters.unchanged},
                           heartbeat_at = ${now()} WHERE id = ${runId}::bigint`);
  };
  try {
    const companies = (await source.companies()).sort((a, b) => a.account_number.localeCompare(b.account_number));
    await progress(0, companies.length);
    const root = await rootNode(db, CODEX_JOB);
    const companiesId = await job.folder('companies', root.id, 'Companies', 'codex');
    if (companiesId === undefined)
      throw new AppError('conflict', 'The generated "Companies" folder is in the trash: restore it to sync again');
    let archivedCompanies: string | undefined | null = null;
    const archivedCompaniesId = async () => {
      if (archivedCompanies === null)
        archivedCompanies = await job.folder('companies:archived', companiesId, 'Archived', 'codex');
      return archivedCompanies;
    };
    for (const [index, company] of companies.entries()) {
      await job.company(source, company, companiesId, archivedCompaniesId);
      await progress(index + 1, companies.length);
    }
    await db.execute(
      sql`UPDATE sync_runs SET status = 'succeeded', finished_at = ${now()} WHERE id = ${runId}::bigint`,
    );
    return 'succeeded';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.execute(sql`UPDATE sync_runs SET status = 'failed', finished_at = ${now()}, error = ${message.slice(0, 1000)},
                           created = ${job.counters.created}, updated = ${job.counters.updated}, archived = ${job.counters.archived},
                           unchanged = ${job.counters.unchanged} WHERE id = ${runId}::bigint`);
    return 'failed';
  }
}

/** Starts runs in the background (a request never waits for one) and remembers the last. */
export interface CodexSyncRunner {
  /** Records a run and starts it; resolves with its id once recorded (409 while one runs). */
  start(trigger: SyncRun['trigger'], startedBy: string): Promise<string>;
  /** Settles when the run started last has finished (tests; shutdown). */
  idle(): Promise<void>;
}

export function codexSyncRunner(options: {
  db: KnowledgetreeDb;
  source: CodexSource;
  now: () => Date;
  onError: (error: unknown) => void;
}): CodexSyncRunner {
  let last: Promise<unknown> = Promise.resolve();
  return {
    async start(trigger, startedBy) {
      const id = await startRun(options.db, trigger, startedBy, options.now());
      last = runSync(options.db, options.source, id, options.now).catch(options.onError);
      return id;
    },
    async idle() {
      await last;
    },
  };
}
