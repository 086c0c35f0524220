/**
 * Adding a note to a ticket, shared by the JSON API (brainhair's tool calls it with the user's own
 * token) and the ticket page's form: written to the ticket's PSA first, then stored as a ticket
 * conversation under the PSA's id (so the next sync finds it rather than adding it twice) and
 * audited. Nothing is stored when the PSA refuses or cannot be reached.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '@hivematrix/sdk';
import { findTicket, storeTicketNote } from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { plainTextToHtml } from '../../domain/index.js';
import { VendorError } from '../../sync/index.js';
import type { NoteTargets } from '../../sync/index.js';
import { actorOf, assertVisible, userOf } from '../access.js';

export interface TicketNoteDeps {
  db: CodexDb;
  notes: NoteTargets;
  now: () => Date;
}

export interface NoteInput {
  /** Plain text, trimmed, 1–10,000 characters. */
  body: string;
  private: boolean;
}

/** Vendor names for messages. */
const PSA_NAMES: Readonly<Record<string, string>> = { freshservice: 'Freshservice', superops: 'SuperOps' };

/** What the route answers for a note that was added. */
export function presentNote(
  row: {
    id: number;
    ticketId: number;
    externalId: string | null;
    bodyText: string;
    private: boolean;
    createdAt: Date;
  },
  pushedTo: string | null,
) {
  return {
    note: {
      id: row.id,
      ticket_id: row.ticketId,
      external_id: row.externalId,
      body_text: row.bodyText,
      private: row.private,
      created_at: row.createdAt.toISOString(),
    },
    pushed_to: pushedTo,
  };
}

/** Adds a note to ticket `id` as the request's user; 404, 409, 502 or 503 as AppErrors. */
export async function addTicketNote(deps: TicketNoteDeps, request: FastifyRequest, id: number, input: NoteInput) {
  const found = await findTicket(deps.db, id);
  if (found === undefined) throw new AppError('not_found', 'Ticket not found');
  await assertVisible(request, deps.db, found.ticket.companyId, 'Ticket');
  const { ticket } = found;
  // Resolved and closed tickets take notes (MSPs record follow-ups); a deleted or spam one does not.
  if (ticket.archivedAt !== null)
    throw new AppError('conflict', 'The ticket is archived (deleted or marked spam in the PSA); it takes no notes.');
  const target = await deps.notes(ticket.provider);
  if (target.kind === 'unsupported') throw new AppError('conflict', target.reason);
  const actor = actorOf(request);
  if (target.kind === 'local') {
    const row = await storeTicketNote(
      deps.db,
      {
        ticketId: ticket.id,
        externalId: null,
        bodyText: input.body,
        private: input.private,
        fromEmail: userOf(request).email || null,
        createdAt: deps.now(),
      },
      { actor, pushedTo: null },
      deps.now(),
    );
    return presentNote(row, null);
  }
  let written;
  try {
    written = await target.write(ticket.externalId, { html: plainTextToHtml(input.body), private: input.private });
  } catch (error) {
    throw psaFailure(PSA_NAMES[target.provider] ?? target.provider, error);
  }
  const row = await storeTicketNote(
    deps.db,
    {
      ticketId: ticket.id,
      externalId: written.externalId,
      // The PSA's own text of the note, as the next sync will store it.
      bodyText: written.bodyText === '' ? input.body : written.bodyText,
      private: written.private,
      fromEmail: written.fromEmail,
      createdAt: written.createdAt,
    },
    { actor, pushedTo: target.provider },
    deps.now(),
  );
  return presentNote(row, target.provider);
}

/**
 * A PSA's refusal or silence as a problem a person can act on: which status the PSA answered and
 * whether the note may exist there anyway. Never the request itself (its headers hold the key).
 */
function psaFailure(name: string, error: unknown): AppError {
  if (!(error instanceof VendorError)) throw error;
  const status = error.status;
  if (status === 429) {
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 60_000) / 1000));
    return new AppError(
      'service_unavailable',
      `${name} is limiting requests (it answered 429); the note was not added. Try again in ${seconds} s.`,
      { retryAfter: seconds, cause: error },
    );
  }
  const unsure = 'the note may or may not have been added there; the next sync shows it if it was.';
  const detail =
    status === undefined
      ? `${name} could not be reached or did not answer in time: ${unsure}`
      : status === 401
        ? `${name} answered 401: it refused the integration's API key, so the note was not added. An admin can check the key on the integrations page.`
        : status === 403
          ? `${name} answered 403: the integration's API key may not add notes to this ticket, so the note was not added.`
          : status === 404
            ? `${name} answered 404: the ticket no longer exists there (or the API key cannot see it), so the note was not added.`
            : status >= 200 && status < 300
              ? `${name} answered ${status} without the note it created; it appears with the next sync.`
              : status >= 500
                ? `${name} answered ${status}: ${unsure}`
                : `${name} answered ${status} and refused the note.`;
  return new AppError('bad_gateway', detail, { cause: error });
}
