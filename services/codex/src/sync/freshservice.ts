/**
 * The Freshservice adapter (API v2, https://api.freshservice.com): departments → companies,
 * requesters → contacts, agents, and tickets with their conversations and time entries.
 *
 * Authentication is HTTP Basic with the API key as user and "X" as password. Lists are paged with
 * `page`/`per_page` (at most 100) and the next page is announced in the `Link` header (RFC 8288);
 * the original stopped at a short page instead, which silently read one page of any endpoint with
 * a smaller fixed page size. Tickets are fetched incrementally with `updated_since`.
 */
import type { z } from 'zod';
import { DEFAULT_RETRY, nextLink, sameOrigin, vendorJson, VendorError, type RetryPolicy, type VendorHttpDeps } from './http.js';
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
} from './freshservice-map.js';
import type { SyncJobName } from './jobs.js';
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
}

/** First ticket fetch: Freshservice returns only the last 30 days' tickets without `updated_since`. */
const EPOCH = new Date('2000-01-01T00:00:00Z');

/** Builds the adapter. */
export function createFreshserviceProvider(options: FreshserviceOptions): SyncProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  const perPage = options.perPage ?? 100;
  const retry = options.retry ?? DEFAULT_RETRY;
  const authorization = `Basic ${Buffer.from(`${options.apiKey}:X`).toString('base64')}`;

  /** Every page of a list, parsed item by item with `schema`. */
  async function* pages<S extends z.ZodType>(path: string, key: string, schema: S, signal: AbortSignal): AsyncGenerator<z.output<S>[]> {
    let url: string | undefined = sameOrigin(`/api/v2${path}${path.includes('?') ? '&' : '?'}per_page=${perPage}&page=1`, base);
    while (url !== undefined) {
      const { body, headers } = await vendorJson(options.http, retry, url, () => ({ headers: { authorization, accept: 'application/json' } }), signal);
      const list = (body as Record<string, unknown> | null)?.[key];
      if (!Array.isArray(list)) throw new VendorError(`Freshservice ${path}: the answer has no "${key}" list`);
      yield list.map((item, index) => {
        const parsed = schema.safeParse(item);
        if (!parsed.success) throw new VendorError(`Freshservice ${path}: item ${index + 1} is not as documented (${parsed.error.issues[0]?.path.join('.') ?? '?'})`);
        return parsed.data;
      });
      url = nextLink(headers.get('link'), base);
    }
  }

  async function all<S extends z.ZodType>(path: string, key: string, schema: S, signal: AbortSignal): Promise<z.output<S>[]> {
    const out: z.output<S>[] = [];
    for await (const page of pages(path, key, schema, signal)) out.push(...page);
    return out;
  }

  async function* directory(signal: AbortSignal): AsyncGenerator<SyncEvent> {
    for await (const page of pages('/departments', 'departments', departmentSchema, signal)) {
      const companies = page.map(mapDepartment);
      for (const company of companies.filter((entry) => entry.accountNumber === null)) {
        yield { kind: 'warning', message: `Department "${company.name}" (${company.externalId}) has no account number and was not imported` };
      }
      yield { kind: 'companies', items: companies };
    }
    yield { kind: 'complete', collection: 'companies' };
    for await (const page of pages('/requesters', 'requesters', requesterSchema, signal)) yield { kind: 'contacts', items: page.map(mapRequester) };
    yield { kind: 'complete', collection: 'contacts' };
    for await (const page of pages('/agents', 'agents', agentSchema, signal)) yield { kind: 'agents', items: page.map(mapAgent) };
    yield { kind: 'complete', collection: 'agents' };
  }

  async function* ticketEvents(context: FetchContext): AsyncGenerator<SyncEvent> {
    const since = encodeURIComponent((context.since ?? EPOCH).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    for await (const page of pages(`/tickets?updated_since=${since}&include=requester,stats&order_type=asc`, 'tickets', ticketSchema, context.signal)) {
      const detailed: ExtTicket[] = [];
      for (const raw of page) {
        const ticket = mapTicket(raw, options.statusMap);
        const [conversations, entries] = [
          await all(`/tickets/${raw.id}/conversations`, 'conversations', conversationSchema, context.signal),
          await all(`/tickets/${raw.id}/time_entries`, 'time_entries', timeEntrySchema, context.signal),
        ];
        ticket.conversations = conversations.map(mapConversation);
        ticket.timeEntries = entries.flatMap((entry) => mapTimeEntry(entry, options.timeZone) ?? []);
        detailed.push(ticket);
      }
      yield { kind: 'tickets', items: detailed };
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
