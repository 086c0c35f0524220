/**
 * What beacon asks codex. The shared board is read with beacon's service token (codex names
 * beacon on these routes); everything a person does (open a ticket, start a sync) goes with that
 * person's own token, so codex applies its own rules to them (reference §4.5 item 3: the original
 * started syncs with its service token, so any signed-in user could).
 */
import { z } from 'zod';
import { AppError, ServiceCallError, type ServiceClient } from '@hivematrix/sdk';
import { PRIORITIES } from '../domain/index.js';
import type { NoteInput } from '../domain/index.js';
import { codexRefusal } from './problem.js';

const instant = z.string();
export const codexTicketSchema = z.object({
  id: z.number().int(),
  provider: z.string(),
  external_id: z.string(),
  ticket_number: z.string(),
  subject: z.string(),
  status: z.string(),
  priority: z.enum(PRIORITIES),
  priority_id: z.number().int().nullable(),
  ticket_type: z.string().nullable(),
  account_number: z.string().nullable(),
  company_name: z.string().nullable(),
  requester_name: z.string().nullable(),
  requester_email: z.string().nullable(),
  responder_external_id: z.string().nullable(),
  agent_name: z.string().nullable(),
  group_external_id: z.string().nullable(),
  created_at: instant,
  updated_at: instant,
  due_by: instant.nullable(),
  fr_due_by: instant.nullable(),
  first_responded_at: instant.nullable(),
});

export const activeTicketsSchema = z.object({
  tickets: z.array(codexTicketSchema),
  total: z.number().int(),
  last_sync_at: instant.nullable(),
  /** Present when the answer holds only the changes since that instant (then `removed` too). */
  changes_since: instant.optional(),
  removed: z.array(z.number().int()).optional(),
  /** Codex's clock when it read this: the base of the next `changed_since`. */
  as_of: instant.optional(),
});
export type ActiveTickets = z.infer<typeof activeTicketsSchema>;

export const agentsSchema = z.array(
  z.object({ provider: z.string(), external_id: z.string(), name: z.string(), active: z.boolean() }),
);
export type PsaAgent = z.infer<typeof agentsSchema>[number];

export const psaConfigSchema = z.object({
  providers: z.array(z.object({ provider: z.string(), ticket_url_template: z.string().nullable() })),
});
export type PsaConfig = z.infer<typeof psaConfigSchema>;

export const ticketDetailSchema = z.object({
  ticket: codexTicketSchema.extend({ description_text: z.string().nullable().optional() }),
  conversations: z.array(
    z.object({
      id: z.number().int(),
      body_text: z.string(),
      private: z.boolean(),
      incoming: z.boolean(),
      from_email: z.string().nullable(),
      created_at: instant,
    }),
  ),
});
export type TicketDetail = z.infer<typeof ticketDetailSchema>;

export const syncRunSchema = z.object({
  id: z.number().int(),
  job: z.string(),
  status: z.enum(['running', 'succeeded', 'partial', 'failed']),
  phase: z.string().nullable(),
  started_at: instant,
  finished_at: instant.nullable(),
  fetched: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  errors: z.array(z.string()),
});
export type SyncRun = z.infer<typeof syncRunSchema>;

/** Codex's answer to `POST /api/tickets/:id/notes`: the stored note, and the PSA it was written to (null: kept in codex). */
export const addedNoteSchema = z.object({
  note: z.object({
    id: z.number().int(),
    ticket_id: z.number().int(),
    external_id: z.string().nullable(),
    body_text: z.string(),
    private: z.boolean(),
    created_at: instant,
  }),
  pushed_to: z.string().nullable(),
});
export type AddedNote = z.infer<typeof addedNoteSchema>;

/** Codex as beacon uses it. */
export interface CodexClient {
  /**
   * Every active ticket (service token; the shared cache is the only caller), or `unchanged`
   * when codex's ETag still equals `etag` (a 304: codex answered from a few aggregates).
   */
  activeTickets(
    limit: number,
    etag?: string,
    changedSince?: string,
  ): Promise<{ unchanged: true } | { unchanged: false; data: ActiveTickets; etag: string | undefined }>;
  agents(): Promise<PsaAgent[]>;
  psaConfig(): Promise<PsaConfig>;
  /** One ticket with its conversation, as `userToken`'s owner may see it. */
  ticket(id: number, userToken: string): Promise<TicketDetail>;
  /** Starts `job` with the user's authority. */
  startSync(job: string, userToken: string): Promise<SyncRun>;
  syncRun(id: number, userToken: string): Promise<SyncRun>;
  /** Adds a note to ticket `id` as `userToken`'s owner (codex writes it to the ticket's PSA). */
  addNote(id: number, input: NoteInput, userToken: string): Promise<AddedNote>;
}

/** Codex over HTTP: service calls through the SDK's client, user calls with the user's bearer token. */
export function httpCodexClient(options: {
  client: ServiceClient;
  codexUrl: string;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}): CodexClient {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const base = options.codexUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function asUser<S extends z.ZodType>(
    path: string,
    token: string,
    schema: S,
    method = 'GET',
    json?: unknown,
  ): Promise<z.output<S>> {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new AppError('bad_gateway', 'codex could not be reached', { cause: error });
    }
    const body: unknown = await response.json().catch(() => null);
    // Codex's own refusals are the user's: passed through as ours, with codex's detail.
    if (!response.ok) throw codexRefusal(response, body);
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new AppError('bad_gateway', 'codex answered an unexpected shape');
    return parsed.data;
  }

  return {
    activeTickets: async (limit, etag, changedSince) => {
      // A conditional GET (RFC 9110 §13.1.2), so the SDK's call (which treats 304 as a failure) is not used;
      // the shared board is nobody's in particular, so no X-On-Behalf-Of.
      const send = async () => {
        const headers: Record<string, string> = {
          accept: 'application/json',
          authorization: `Bearer ${await options.client.getServiceToken('codex')}`,
        };
        if (etag !== undefined) headers['if-none-match'] = etag;
        try {
          const query = new URLSearchParams({
            limit: String(limit),
            ...(changedSince === undefined ? {} : { changed_since: changedSince }),
          });
          return await fetchImpl(`${base}/api/tickets/active?${query.toString()}`, {
            headers,
            signal: AbortSignal.timeout(30_000),
          });
        } catch (error) {
          throw new AppError('bad_gateway', 'codex could not be reached', { cause: error });
        }
      };
      let response = await send();
      if (response.status === 401) {
        await response.body?.cancel();
        options.client.invalidateToken('codex');
        response = await send();
      }
      if (response.status === 304) return { unchanged: true };
      if (!response.ok) {
        await response.body?.cancel();
        throw new ServiceCallError('codex', response.status, undefined);
      }
      const parsed = activeTicketsSchema.safeParse(await response.json().catch(() => null));
      if (!parsed.success)
        throw new AppError('bad_gateway', 'codex answered an unexpected shape for the active tickets');
      return { unchanged: false, data: parsed.data, etag: response.headers.get('etag') ?? undefined };
    },
    agents: () => options.client.call('codex', '/api/psa/agents', { schema: agentsSchema, onBehalfOf: null }),
    psaConfig: () => options.client.call('codex', '/api/psa/config', { schema: psaConfigSchema, onBehalfOf: null }),
    ticket: (id, token) => asUser(`/api/tickets/${id}`, token, ticketDetailSchema),
    startSync: (job, token) => asUser(`/api/sync/${encodeURIComponent(job)}`, token, syncRunSchema, 'POST'),
    syncRun: (id, token) => asUser(`/api/sync/runs/${id}`, token, syncRunSchema),
    addNote: (id, input, token) => asUser(`/api/tickets/${id}/notes`, token, addedNoteSchema, 'POST', input),
  };
}
