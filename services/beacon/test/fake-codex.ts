/**
 * An in-memory codex for beacon's tests, answering in codex's shapes (parsed by the same schemas
 * beacon applies to the real one) and recording who asked what with which token.
 */
import { createHash } from 'node:crypto';
import { AppError } from '@hivematrix/sdk';
import {
  activeTicketsSchema,
  addedNoteSchema,
  syncRunSchema,
  ticketDetailSchema,
  type CodexClient,
  type TicketDetail,
} from '../src/codex/client.js';
import type { CodexTicket } from '../src/domain/rows.js';

export interface FakeCodex extends CodexClient {
  tickets: CodexTicket[];
  calls: {
    active: number;
    userTokens: string[];
    changedSince: (string | undefined)[];
    notes: { id: number; body: string; private: boolean; token: string }[];
  };
  /**
   * What codex answers the next notes, as the HTTP client throws it: e.g. a 409 (the ticket's PSA
   * takes no notes through codex) or a 502 (the PSA refused it). Null: the note is added.
   */
  noteRefusal: AppError | null;
  /** Resolves the pending active-tickets answers (when `hold` is on). */
  hold: boolean;
  release(): void;
}

let nextId = 1;
export function ticket(overrides: Partial<CodexTicket> = {}): CodexTicket {
  const id = nextId++;
  return {
    id,
    provider: 'freshservice',
    external_id: String(1000 + id),
    ticket_number: String(1000 + id),
    subject: `Ticket ${id}`,
    status: 'open',
    priority: 'medium',
    priority_id: 2,
    ticket_type: 'Incident',
    account_number: 'ACME',
    company_name: 'Acme',
    requester_name: 'Rita Requester',
    requester_email: 'rita@acme.test',
    responder_external_id: '7',
    agent_name: 'Alice Agent',
    group_external_id: null,
    created_at: '2026-11-25T10:00:00.000Z',
    updated_at: '2026-11-25T11:30:00.000Z',
    due_by: null,
    fr_due_by: null,
    first_responded_at: null,
    ...overrides,
  };
}

export function fakeCodex(initial: CodexTicket[]): FakeCodex {
  const waiting: (() => void)[] = [];
  let served = new Map<number, string>();
  // Notes added, per ticket: codex stores each as a conversation, so the panel shows it once read again.
  const added = new Map<number, TicketDetail['conversations']>();
  let nextNoteId = 100;
  const fake: FakeCodex = {
    tickets: initial,
    calls: { active: 0, userTokens: [], changedSince: [], notes: [] },
    noteRefusal: null,
    hold: false,
    release() {
      for (const resolve of waiting.splice(0)) resolve();
    },
    async activeTickets(_limit, etag, changedSince) {
      fake.calls.active += 1;
      fake.calls.changedSince.push(changedSince);
      // Codex reads the tickets when asked; a held answer carries what was there then.
      const tickets = [...fake.tickets];
      if (fake.hold) await new Promise<void>((resolve) => waiting.push(resolve));
      // The ETag as codex makes it: it moves whenever the tickets do.
      const current = `"${createHash('sha256').update(JSON.stringify(tickets)).digest('base64url')}"`;
      if (etag === current) return { unchanged: true };
      const base = { last_sync_at: '2026-11-25T11:55:00.000Z', as_of: '2026-11-25T12:00:00.000Z' };
      const now = new Map(tickets.map((ticket) => [ticket.id, JSON.stringify(ticket)]));
      const before = served;
      served = now;
      if (changedSince === undefined)
        return {
          unchanged: false,
          etag: current,
          data: activeTicketsSchema.parse({ ...base, tickets: tickets, total: tickets.length }),
        };
      // As codex: only what changed since the last answer, and the ids of what left.
      const changed = tickets.filter((ticket) => before.get(ticket.id) !== now.get(ticket.id));
      const removed = [...before.keys()].filter((id) => !now.has(id));
      return {
        unchanged: false,
        etag: current,
        data: activeTicketsSchema.parse({
          ...base,
          tickets: changed,
          total: changed.length,
          changes_since: changedSince,
          removed,
        }),
      };
    },
    async agents() {
      return [
        { provider: 'freshservice', external_id: '7', name: 'Alice Agent', active: true },
        { provider: 'freshservice', external_id: '8', name: 'Bob Agent', active: true },
      ];
    },
    async psaConfig() {
      return {
        providers: [
          { provider: 'freshservice', ticket_url_template: 'https://psa.example.test/a/tickets/{ticket_id}' },
        ],
      };
    },
    async ticket(id, token) {
      fake.calls.userTokens.push(token);
      const found = fake.tickets.find((candidate) => candidate.id === id);
      if (found === undefined) throw new Error('not found');
      return ticketDetailSchema.parse({
        ticket: { ...found, description_text: 'Printer <b>on fire</b>' },
        conversations: [
          {
            id: 1,
            body_text: 'Help!',
            private: false,
            incoming: true,
            from_email: 'rita@acme.test',
            created_at: '2026-11-25T10:00:00.000Z',
          },
          {
            id: 2,
            body_text: 'On it.',
            private: false,
            incoming: false,
            from_email: 'alice@msp.test',
            created_at: '2026-11-25T11:00:00.000Z',
          },
          ...(added.get(id) ?? []),
        ],
      });
    },
    async addNote(id, input, token) {
      fake.calls.notes.push({ id, body: input.body, private: input.private, token });
      // As codex: an unknown ticket is a 404 before anything else; a refusal stores nothing.
      const found = fake.tickets.find((candidate) => candidate.id === id);
      if (found === undefined) throw new AppError('not_found', 'Ticket not found');
      if (fake.noteRefusal !== null) throw fake.noteRefusal;
      const note = {
        id: nextNoteId++,
        ticket_id: id,
        // Written to Freshservice (its conversation id); a demo ticket keeps it in codex only.
        external_id: found.provider === 'demo' ? null : String(9000 + nextNoteId),
        body_text: input.body,
        private: input.private,
        created_at: '2026-11-25T12:00:00.000Z',
      };
      added.set(id, [
        ...(added.get(id) ?? []),
        {
          id: note.id,
          body_text: note.body_text,
          private: note.private,
          incoming: false,
          from_email: 'tech@msp.test',
          created_at: note.created_at,
        },
      ]);
      return addedNoteSchema.parse({ note, pushed_to: found.provider === 'demo' ? null : found.provider });
    },
    async startSync(job, token) {
      fake.calls.userTokens.push(token);
      return syncRunSchema.parse({
        id: 5,
        job,
        status: 'running',
        phase: 'tickets',
        started_at: '2026-11-25T12:00:00.000Z',
        finished_at: null,
        fetched: 0,
        created: 0,
        updated: 0,
        errors: [],
      });
    },
    async syncRun(id, token) {
      fake.calls.userTokens.push(token);
      return syncRunSchema.parse({
        id,
        job: 'freshservice-tickets',
        status: 'succeeded',
        phase: null,
        started_at: '2026-11-25T12:00:00.000Z',
        finished_at: '2026-11-25T12:00:05.000Z',
        fetched: 3,
        created: 0,
        updated: 3,
        errors: [],
      });
    },
  };
  return fake;
}
