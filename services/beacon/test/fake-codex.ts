/**
 * An in-memory codex for beacon's tests, answering in codex's shapes (parsed by the same schemas
 * beacon applies to the real one) and recording who asked what with which token.
 */
import { createHash } from 'node:crypto';
import { activeTicketsSchema, syncRunSchema, ticketDetailSchema, type CodexClient } from '../src/codex/client.js';
import type { CodexTicket } from '../src/domain/rows.js';

export interface FakeCodex extends CodexClient {
  tickets: CodexTicket[];
  calls: { active: number; userTokens: string[] };
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
  const fake: FakeCodex = {
    tickets: initial,
    calls: { active: 0, userTokens: [] },
    hold: false,
    release() {
      for (const resolve of waiting.splice(0)) resolve();
    },
    async activeTickets(_limit, etag) {
      fake.calls.active += 1;
      if (fake.hold) await new Promise<void>((resolve) => waiting.push(resolve));
      // The ETag as codex makes it: it moves whenever the tickets do.
      const current = `"${createHash('sha256').update(JSON.stringify(fake.tickets)).digest('base64url')}"`;
      if (etag === current) return { unchanged: true };
      return { unchanged: false, etag: current, data: activeTicketsSchema.parse({ tickets: fake.tickets, total: fake.tickets.length, last_sync_at: '2026-11-25T11:55:00.000Z' }) };
    },
    async agents() {
      return [{ provider: 'freshservice', external_id: '7', name: 'Alice Agent', active: true }, { provider: 'freshservice', external_id: '8', name: 'Bob Agent', active: true }];
    },
    async psaConfig() {
      return { providers: [{ provider: 'freshservice', ticket_url_template: 'https://psa.example.test/a/tickets/{ticket_id}' }] };
    },
    async ticket(id, token) {
      fake.calls.userTokens.push(token);
      const found = fake.tickets.find((candidate) => candidate.id === id);
      if (found === undefined) throw new Error('not found');
      return ticketDetailSchema.parse({
        ticket: { ...found, description_text: 'Printer <b>on fire</b>' },
        conversations: [
          { id: 1, body_text: 'Help!', private: false, incoming: true, from_email: 'rita@acme.test', created_at: '2026-11-25T10:00:00.000Z' },
          { id: 2, body_text: 'On it.', private: false, incoming: false, from_email: 'alice@msp.test', created_at: '2026-11-25T11:00:00.000Z' },
        ],
      });
    },
    async startSync(job, token) {
      fake.calls.userTokens.push(token);
      return syncRunSchema.parse({ id: 5, job, status: 'running', phase: 'tickets', started_at: '2026-11-25T12:00:00.000Z', finished_at: null, fetched: 0, created: 0, updated: 0, errors: [] });
    },
    async syncRun(id, token) {
      fake.calls.userTokens.push(token);
      return syncRunSchema.parse({ id, job: 'freshservice-tickets', status: 'succeeded', phase: null, started_at: '2026-11-25T12:00:00.000Z', finished_at: '2026-11-25T12:00:05.000Z', fetched: 3, created: 0, updated: 3, errors: [] });
    },
  };
  return fake;
}
