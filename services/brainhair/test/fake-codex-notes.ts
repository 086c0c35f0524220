/**
 * Codex's `POST /api/tickets/:id/notes` as its contract states it, in front of the real codex
 * harness (which may not have the route yet): admin or technician token (client, billing → 403),
 * body `{ body: 1..10000 chars, private: boolean = true }` (else 400), the ticket must be one the
 * caller may read in the real codex (else 404), 201 `{ note, pushed_to }`. A test makes a ticket's
 * PSA refuse notes (409) or fail (502, 503). Every call to the route is recorded with the token it came with.
 */
import { decodeJwt } from 'jose';
import { z } from 'zod';
import type { UpstreamCall } from './harness.js';

export interface NoteCall {
  ticketId: number;
  userToken: string | undefined;
  body: unknown;
}

export interface FakeCodexNotes {
  calls: NoteCall[];
  /** Tickets whose PSA answers with a problem (409: cannot take notes through codex; 502/503: the PSA refused or failed). */
  failures: Map<number, { status: 409 | 502 | 503; detail: string }>;
  intercept(call: UpstreamCall): Promise<Response | undefined>;
}

const CODES = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  502: 'bad_gateway',
  503: 'service_unavailable',
} as const;

const problem = (status: keyof typeof CODES, detail: string): Response =>
  new Response(
    JSON.stringify({ type: `about:blank#${CODES[status]}`, title: CODES[status], status, code: CODES[status], detail }),
    {
      status,
      headers: { 'content-type': 'application/problem+json' },
    },
  );

const noteBody = z.object({ body: z.string().trim().min(1).max(10_000), private: z.boolean().default(true) });

export function fakeCodexNotes(): FakeCodexNotes {
  const calls: NoteCall[] = [];
  const failures = new Map<number, { status: 409 | 502 | 503; detail: string }>();
  let nextId = 1;
  return {
    calls,
    failures,
    async intercept(call) {
      const match = /^\/api\/tickets\/([^/]+)\/notes$/.exec(call.url.pathname);
      if (call.service !== 'codex' || match === null) return undefined;
      const ticketId = Number(match[1]);
      let body: unknown;
      try {
        body = call.body === undefined ? undefined : JSON.parse(call.body);
      } catch {
        body = call.body;
      }
      calls.push({ ticketId, userToken: call.userToken, body });
      if (call.method !== 'POST') return problem(405, 'Method not allowed');
      if (call.userToken === undefined || call.upstreamAuthorization === undefined) return problem(401, 'No token');
      const level = decodeJwt(call.userToken).permission_level;
      if (level !== 'admin' && level !== 'technician') return problem(403, 'Only admins and technicians add notes');
      const parsed = noteBody.safeParse(body);
      if (!Number.isInteger(ticketId) || ticketId <= 0 || !parsed.success) return problem(400, 'Invalid note');
      const seen = await fetch(new URL(`/api/tickets/${ticketId}`, call.url), {
        headers: { authorization: call.upstreamAuthorization },
      });
      await seen.body?.cancel();
      if (seen.status === 404) return problem(404, 'No such ticket');
      if (!seen.ok) return problem(403, `codex answered ${seen.status}`);
      const failure = failures.get(ticketId);
      if (failure !== undefined) return problem(failure.status, failure.detail);
      const note = {
        id: nextId++,
        ticket_id: ticketId,
        external_id: String(90_000 + nextId),
        body_text: parsed.data.body,
        private: parsed.data.private,
        created_at: '2026-11-25T12:00:00.000Z',
      };
      return new Response(JSON.stringify({ note, pushed_to: 'freshservice' }), {
        status: 201,
        headers: { 'content-type': 'application/json' },
      });
    },
  };
}
