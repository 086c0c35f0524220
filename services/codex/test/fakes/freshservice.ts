/**
 * A fake Freshservice (API v2) that answers as the documentation describes: HTTP Basic with the
 * API key, `page`/`per_page` paging announced by `Link: <…>; rel="next"`, records shaped as the
 * API returns them. Its page size is fixed at 2 whatever `per_page` asks, the case that made the
 * original read only page one of some endpoints.
 *
 * The ticket list behaves as documented for List All Tickets: deleted and spam tickets are left
 * out unless asked for with `filter=deleted` or `filter=spam` (they keep their ordinary status
 * and carry `deleted: true` / `spam: true`); without `workspace_id` only the primary workspace's
 * tickets are listed, `workspace_id=N` lists workspace N's and `workspace_id=0` every workspace's.
 * `/api/v2/workspaces` lists the workspaces, or answers 404 for an account without the feature
 * (`workspaces` unset in the state).
 *
 * Create a Note (`POST /api/v2/tickets/:id/notes`, `{body, private}` with `body` in HTML, private by
 * default) answers 201 `{conversation}` and adds the note to the ticket's conversations, so the
 * next sync lists it; 404 for an unknown ticket, 400 "Validation failed" naming `body` when it is
 * missing or empty; each request that passed authentication is kept in `notesReceived`. A bad key is 401 on every endpoint;
 * tests inject 429 with Retry-After as a fault.
 */
import { pageOf, startFakeServer, type FakeRequest, type FakeResponse, type FakeServer } from './server.js';

export const FRESHSERVICE_KEY = 'fs-test-api-key';
export const PAGE_SIZE = 2;

export interface FsDepartment {
  id: number;
  name: string;
  description?: string | null;
  domains?: string[];
  custom_fields?: Record<string, unknown>;
}
export interface FsRequester {
  id: number;
  first_name: string;
  last_name?: string | null;
  primary_email: string | null;
  active?: boolean;
  department_ids?: number[];
  job_title?: string | null;
}
export interface FsAgent {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  active: boolean;
}
export interface FsTicket {
  id: number;
  subject: string;
  status: number;
  priority: number;
  department_id: number | null;
  requester_id: number | null;
  responder_id: number | null;
  created_at: string;
  updated_at: string;
  description_text?: string;
  /** Deleted (in the trash) or marked spam in Freshservice: listed only through their filter. */
  deleted?: boolean;
  spam?: boolean;
  /** The ticket's workspace; the primary workspace when absent. */
  workspace_id?: number;
  conversations: {
    id: number;
    /** HTML; notes created through the API keep what was sent. */
    body?: string;
    body_text: string;
    private: boolean;
    incoming: boolean;
    from_email?: string | null;
    created_at: string;
  }[];
  time_entries: {
    id: number;
    time_spent: string;
    executed_at: string;
    billable: boolean;
    agent_id: number | null;
    note?: string;
    created_at: string;
  }[];
}

export interface FsWorkspace {
  id: number;
  name: string;
  primary: boolean;
}

/** A Create a Note request as the fake received it. */
export interface FsNoteRequest {
  ticketId: number;
  authorization: string | undefined;
  json: unknown;
}

export interface FreshserviceState {
  /** Create a Note requests that passed authentication (accepted or refused). */
  notesReceived?: FsNoteRequest[];
  /** The fake's clock for new notes (their `created_at`, and the ticket's `updated_at`); the real one by default. */
  now?: () => Date;
  /** Unset: the account has no workspaces feature. */
  workspaces?: FsWorkspace[];
  departments: FsDepartment[];
  requesters: FsRequester[];
  agents: FsAgent[];
  tickets: FsTicket[];
}

/** Starts the fake with `state`, which tests change between runs. */
export async function startFakeFreshservice(state: FreshserviceState): Promise<FakeServer> {
  return startFakeServer((request, self) => {
    if (request.headers.authorization !== `Basic ${Buffer.from(`${FRESHSERVICE_KEY}:X`).toString('base64')}`)
      return { status: 401, json: { code: 'invalid_credentials' } };
    const page = Number(request.query.get('page') ?? '1');
    const list = (key: string, items: readonly unknown[]) => {
      const { items: slice, hasMore } = pageOf(items, page, PAGE_SIZE);
      const next = new URLSearchParams(request.query);
      next.set('page', String(page + 1));
      return {
        json: { [key]: slice },
        headers: hasMore ? { link: `<${self.url}${request.path}?${next.toString()}>; rel="next"` } : {},
      };
    };
    const shape = ({ conversations: _c, time_entries: _t, ...ticket }: FsTicket) => ({
      ...ticket,
      deleted: ticket.deleted === true,
      spam: ticket.spam === true,
      workspace_id: ticket.workspace_id ?? state.workspaces?.find((workspace) => workspace.primary)?.id ?? null,
      type: 'Incident',
      requester: null,
      stats: { first_responded_at: null },
    });
    const note = /^\/api\/v2\/tickets\/(\d+)\/notes$/.exec(request.path);
    if (note !== null && request.method === 'POST') return createNote(state, Number(note[1]), request);
    // View a ticket: any workspace's, deleted or spam ones included (a purged ticket is gone: 404).
    const single = /^\/api\/v2\/tickets\/(\d+)$/.exec(request.path);
    if (single !== null) {
      const found = state.tickets.find((entry) => entry.id === Number(single[1]));
      return found === undefined ? { status: 404, json: { message: 'not found' } } : { json: { ticket: shape(found) } };
    }
    const ticketPath = /^\/api\/v2\/tickets\/(\d+)\/(conversations|time_entries)$/.exec(request.path);
    if (ticketPath !== null) {
      const ticket = state.tickets.find((entry) => entry.id === Number(ticketPath[1]));
      if (ticket === undefined) return { status: 404, json: {} };
      return ticketPath[2] === 'conversations'
        ? list('conversations', ticket.conversations)
        : list('time_entries', ticket.time_entries);
    }
    switch (request.path) {
      case '/api/v2/departments':
        return list('departments', state.departments);
      case '/api/v2/requesters':
        return list('requesters', state.requesters);
      case '/api/v2/agents':
        return list('agents', state.agents);
      case '/api/v2/workspaces':
        return state.workspaces === undefined
          ? { status: 404, json: { message: 'not found' } }
          : list(
              'workspaces',
              state.workspaces.map((workspace) => ({ ...workspace, state: 'active' })),
            );
      case '/api/v2/tickets': {
        const filter = request.query.get('filter');
        if (filter !== null && !['new_and_my_open', 'watching', 'spam', 'deleted'].includes(filter))
          return {
            status: 400,
            json: { description: 'Validation failed', errors: [{ field: 'filter', code: 'invalid_value' }] },
          };
        const primary = state.workspaces?.find((workspace) => workspace.primary)?.id;
        const asked = request.query.get('workspace_id');
        const workspaceOf = (ticket: FsTicket) => ticket.workspace_id ?? primary;
        const inWorkspace = (ticket: FsTicket) =>
          asked === null ? workspaceOf(ticket) === primary : asked === '0' || String(workspaceOf(ticket)) === asked;
        const since = Date.parse(request.query.get('updated_since') ?? '2000-01-01T00:00:00Z');
        const shown = state.tickets.filter((ticket) => {
          if (!inWorkspace(ticket) || Date.parse(ticket.updated_at) <= since) return false;
          if (filter === 'deleted') return ticket.deleted === true;
          if (filter === 'spam') return ticket.spam === true && ticket.deleted !== true;
          return ticket.deleted !== true && ticket.spam !== true;
        });
        return list('tickets', shown.map(shape));
      }
      default:
        return { status: 404, json: { message: 'not found' } };
    }
  });
}

/** Freshservice's conversation ids are large; the fake's new notes count up from here. */
let nextConversationId = 21_000_000_001;

/** The plain text Freshservice derives from a note's HTML (line breaks kept, tags dropped, entities read). */
function textOf(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function createNote(state: FreshserviceState, ticketId: number, request: FakeRequest): FakeResponse {
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch {
    json = undefined;
  }
  (state.notesReceived ??= []).push({ ticketId, authorization: request.headers.authorization, json });
  const ticket = state.tickets.find((entry) => entry.id === ticketId);
  if (ticket === undefined) return { status: 404, json: { message: 'not found' } };
  const fields = (typeof json === 'object' && json !== null ? json : {}) as { body?: unknown; private?: unknown };
  if (typeof fields.body !== 'string' || fields.body.trim() === '')
    return {
      status: 400,
      json: {
        description: 'Validation failed',
        errors: [{ field: 'body', message: 'It should be a/an String', code: 'missing_field' }],
      },
    };
  const createdAt = (state.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  // Adding a note updates the ticket, so an incremental ticket list shows it again.
  ticket.updated_at = createdAt;
  const conversation = {
    id: nextConversationId++,
    body: fields.body,
    body_text: textOf(fields.body),
    private: fields.private !== false,
    incoming: false,
    from_email: null,
    created_at: createdAt,
  };
  ticket.conversations.push(conversation);
  return {
    status: 201,
    json: {
      conversation: {
        ...conversation,
        user_id: 301,
        ticket_id: ticketId,
        to_emails: [],
        notify_emails: [],
        attachments: [],
        updated_at: createdAt,
      },
    },
  };
}
