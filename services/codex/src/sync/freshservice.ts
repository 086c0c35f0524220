/**
 * The Freshservice adapter (API v2, https://api.freshservice.com): departments → companies,
 * requesters → contacts, agents, and tickets with their conversations and time entries.
 *
 * Authentication is HTTP Basic with the API key as user and "X" as password. Lists are paged with
 * `page`/`per_page` (at most 100) and the next page is announced in the `Link` header (RFC 8288);
 * the original stopped at a short page instead, which silently read one page of any endpoint with
 * a smaller fixed page size. Tickets are fetched incrementally with `updated_since`.
 *
 * Two behaviours of the ticket list that the documentation states and the original ignored:
 * - Deleted and spam tickets are left out unless asked for with `filter=deleted` / `filter=spam`
 *   (they never arrive as status ids). Both lists are read in full every run, because deleting a
 *   ticket need not change its `updated_at` and the filters are documented on their own; their
 *   tickets are archived, so their time stops billing.
 * - Without `workspace_id` only the primary workspace's tickets are listed. The adapter lists the
 *   workspaces (`/api/v2/workspaces`) and reads each one, or the ones configured; an account
 *   without the workspaces feature (404 there) is read without the parameter.
 */
import type { z } from 'zod';
import {
  apiRoot,
  DEFAULT_RETRY,
  nextLink,
  sameOrigin,
  vendorJson,
  VendorError,
  type RetryPolicy,
  type VendorHttpDeps,
} from './http.js';
import {
  agentSchema,
  conversationSchema,
  departmentSchema,
  mapAgent,
  mapConversation,
  mapDepartment,
  mapRequester,
  mapTicket,
  mapTimeEntry,
  requesterSchema,
  ticketSchema,
  timeEntrySchema,
  workspaceSchema,
} from './freshservice-map.js';
import type { SyncJobName } from '../domain/index.js';
import type { ExtTicket, FetchContext, SyncEvent, SyncProvider } from './provider.js';

export interface FreshserviceOptions {
  /** https://<domain>.freshservice.com */
  baseUrl: string;
  apiKey: string;
  /** Custom status ids beyond the standard 2–7. */
  statusMap: Readonly<Record<number, string>>;
  timeZone: string;
  http: VendorHttpDeps;
  retry?: RetryPolicy;
  perPage?: number;
  /** Workspace ids to read; undefined reads every workspace the API key can see. */
  workspaces?: readonly string[] | undefined;
}

/** A workspace to read tickets from; `id` null for an account without workspaces. */
interface Workspace {
  id: string | null;
  name: string | null;
}

/** The ticket lists: the default one (open, closed …) and the two the default hides. */
const DISCARDED_FILTERS = ['deleted', 'spam'] as const;

/** First ticket fetch: Freshservice returns only the last 30 days' tickets without `updated_since`. */
const EPOCH = new Date('2000-01-01T00:00:00Z');

/** Freshservice's HTTP Basic header: the API key as user, "X" as password. */
export function freshserviceAuthorization(apiKey: string): string {
  return `Basic ${Buffer.from(`${apiKey}:X`).toString('base64')}`;
}

/** Builds the adapter. */
export function createFreshserviceProvider(options: FreshserviceOptions): SyncProvider {
  const base = apiRoot(options.baseUrl);
  const perPage = options.perPage ?? 100;
  const retry = options.retry ?? DEFAULT_RETRY;
  const authorization = freshserviceAuthorization(options.apiKey);

  /** Every page of a list, parsed item by item with `schema`. */
  async function* pages<S extends z.ZodType>(
    path: string,
    key: string,
    schema: S,
    signal: AbortSignal,
  ): AsyncGenerator<z.output<S>[]> {
    let url: string | undefined = sameOrigin(
      `${base}/api/v2${path}${path.includes('?') ? '&' : '?'}per_page=${perPage}&page=1`,
      base,
    );
    while (url !== undefined) {
      const { body, headers } = await vendorJson(
        options.http,
        retry,
        url,
        () => ({ headers: { authorization, accept: 'application/json' } }),
        signal,
      );
      const list = (body as Record<string, unknown> | null)?.[key];
      if (!Array.isArray(list)) throw new VendorError(`Freshservice ${path}: the answer has no "${key}" list`);
      yield list.map((item, index) => {
        const parsed = schema.safeParse(item);
        if (!parsed.success)
          throw new VendorError(
            `Freshservice ${path}: item ${index + 1} is not as documented (${parsed.error.issues[0]?.path.join('.') ?? '?'})`,
          );
        return parsed.data;
      });
      url = nextLink(headers.get('link'), base);
    }
  }

  async function all<S extends z.ZodType>(
    path: string,
    key: string,
    schema: S,
    signal: AbortSignal,
  ): Promise<z.output<S>[]> {
    const out: z.output<S>[] = [];
    for await (const page of pages(path, key, schema, signal)) out.push(...page);
    return out;
  }

  async function* directory(signal: AbortSignal): AsyncGenerator<SyncEvent> {
    // Departments without a usable account number are skipped (and reported by name) when stored.
    for await (const page of pages('/departments', 'departments', departmentSchema, signal))
      yield { kind: 'companies', items: page.map(mapDepartment) };
    yield { kind: 'complete', collection: 'companies' };
    for await (const page of pages('/requesters', 'requesters', requesterSchema, signal))
      yield { kind: 'contacts', items: page.map(mapRequester) };
    yield { kind: 'complete', collection: 'contacts' };
    for await (const page of pages('/agents', 'agents', agentSchema, signal))
      yield { kind: 'agents', items: page.map(mapAgent) };
    yield { kind: 'complete', collection: 'agents' };
  }

  /** The workspaces to read: the configured ones, else every one listed; one unnamed one without the feature. */
  async function workspaces(signal: AbortSignal): Promise<Workspace[]> {
    let listed: { id: string; name: string }[];
    try {
      listed = await all('/workspaces', 'workspaces', workspaceSchema, signal);
    } catch (error) {
      if (!(error instanceof VendorError) || error.status !== 404) throw error;
      if (options.workspaces !== undefined)
        throw new VendorError('Freshservice: FRESHSERVICE_WORKSPACES is set but this account has no workspaces', 404);
      return [{ id: null, name: null }];
    }
    if (options.workspaces === undefined)
      return listed.map((workspace) => ({ id: workspace.id, name: workspace.name }));
    const wanted = options.workspaces;
    const missing = wanted.filter((id) => !listed.some((workspace) => workspace.id === id));
    if (missing.length > 0)
      throw new VendorError(
        `Freshservice: configured workspace ${missing.join(', ')} does not exist or is not visible to the API key`,
      );
    return listed.filter((workspace) => wanted.includes(workspace.id));
  }

  /** A ticket with its complete conversation and time-entry lists. */
  async function detailed(
    raw: z.output<typeof ticketSchema>,
    workspace: Workspace,
    signal: AbortSignal,
  ): Promise<ExtTicket> {
    const ticket: ExtTicket = {
      ...mapTicket(raw, options.statusMap),
      workspaceId: workspace.id ?? raw.workspace_id ?? null,
      workspaceName: workspace.name,
    };
    const conversations = await all(`/tickets/${raw.id}/conversations`, 'conversations', conversationSchema, signal);
    const entries = await all(`/tickets/${raw.id}/time_entries`, 'time_entries', timeEntrySchema, signal);
    ticket.conversations = conversations.map(mapConversation);
    ticket.timeEntries = entries.flatMap((entry) => mapTimeEntry(entry, options.timeZone) ?? []);
    return ticket;
  }

  /** One ticket by id; undefined when Freshservice no longer has it (purged from the trash). */
  async function oneTicket(id: string, signal: AbortSignal): Promise<z.output<typeof ticketSchema> | undefined> {
    try {
      const { body } = await vendorJson(
        options.http,
        retry,
        sameOrigin(`${base}/api/v2/tickets/${encodeURIComponent(id)}?include=requester,stats`, base),
        () => ({ headers: { authorization, accept: 'application/json' } }),
        signal,
      );
      const parsed = ticketSchema.safeParse((body as Record<string, unknown> | null)?.ticket);
      if (!parsed.success) throw new VendorError(`Freshservice /tickets/${id}: the ticket is not as documented`);
      return parsed.data;
    } catch (error) {
      if (error instanceof VendorError && error.status === 404) return undefined;
      throw error;
    }
  }

  async function* ticketEvents(context: FetchContext): AsyncGenerator<SyncEvent> {
    const since = encodeURIComponent((context.since ?? EPOCH).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const read = await workspaces(context.signal);
    const stillDiscarded = new Set<string>();
    for (const workspace of read) {
      const scope = workspace.id === null ? '' : `&workspace_id=${encodeURIComponent(workspace.id)}`;
      for await (const page of pages(
        `/tickets?updated_since=${since}&include=requester,stats&order_type=asc${scope}`,
        'tickets',
        ticketSchema,
        context.signal,
      )) {
        const items: ExtTicket[] = [];
        for (const raw of page) items.push(await detailed(raw, workspace, context.signal));
        yield { kind: 'tickets', items };
      }
      // Deleted and spam tickets: archived with their time; their conversations and entries are not re-read.
      for (const filter of DISCARDED_FILTERS) {
        for await (const page of pages(`/tickets?filter=${filter}${scope}`, 'tickets', ticketSchema, context.signal)) {
          for (const raw of page) stillDiscarded.add(raw.id);
          yield {
            kind: 'tickets',
            items: page.map((raw) => ({
              ...mapTicket(raw, options.statusMap),
              workspaceId: workspace.id ?? raw.workspace_id ?? null,
              workspaceName: workspace.name,
              discardedAs: filter,
            })),
          };
        }
      }
    }
    // A ticket codex holds as deleted or spam that left both lists was restored (or purged): look it up.
    const left = (await context.discardedTickets?.()) ?? [];
    for (const id of left.filter((entry) => !stillDiscarded.has(entry))) {
      const raw = await oneTicket(id, context.signal);
      if (raw === undefined || raw.deleted === true || raw.spam === true) continue;
      const workspace = read.find((entry) => entry.id === null || entry.id === (raw.workspace_id ?? null));
      if (workspace === undefined) continue; // restored into a workspace this job does not read
      yield { kind: 'tickets', items: [await detailed(raw, workspace, context.signal)] };
    }
    yield { kind: 'complete', collection: 'tickets' };
  }

  return {
    name: 'freshservice',
    jobs: ['freshservice', 'freshservice-tickets'],
    fetch(job: SyncJobName, context: FetchContext): AsyncIterable<SyncEvent> {
      if (job === 'freshservice') return directory(context.signal);
      if (job === 'freshservice-tickets') return ticketEvents(context);
      throw new VendorError(`Freshservice does not serve the ${job} job`);
    },
  };
}
