/**
 * A note on a ticket, written to the ticket's PSA through codex (`POST /api/tickets/:id/notes`).
 * Like every write tool it only prepares: the card names the ticket (read with the user's token)
 * and shows the exact text and whether the customer will see it. Codex lets admins and
 * technicians write notes, while clients and billing users may read tickets: they are not offered
 * the tool, so they never get a card that could only fail.
 */
import { z } from 'zod';
import type { UpstreamError } from '../platform/index.js';
import { writeTool } from './registry.js';

const NOTE_MAX = 10_000;

const ticketSchema = z
  .object({
    ticket: z
      .object({
        id: z.number(),
        provider: z.string(),
        ticket_number: z.string(),
        subject: z.string(),
        account_number: z.string().nullable(),
        company_name: z.string().nullable(),
      })
      .loose(),
  })
  .loose();

const PUBLIC = 'PUBLIC: the customer sees this note';
const PRIVATE = 'private: agents only';

/** Why an approved note was not added, in words for the user (codex's own reason kept). */
function explainFailure(error: UpstreamError): string {
  const reason =
    error.status === 404
      ? 'the ticket is unknown in codex or not one you may see'
      : error.status === 409
        ? 'codex cannot add a note to this ticket'
        : error.status === 403
          ? 'codex lets only admins and technicians add notes'
          : error.status === 502 || error.status === 503
            ? 'the PSA refused or failed to take the note'
            : `codex answered ${error.status}`;
  return `No note was added: ${reason} (${error.message})`;
}

export const TICKET_NOTE_TOOL = writeTool({
  name: 'codex_add_ticket_note',
  description:
    "Propose a note on a ticket (codex ticket id, as ticket_detail uses). The note is written to the ticket's PSA " +
    '(e.g. Freshservice) through codex. Plain text. Private (agents only) by default; private: false makes a PUBLIC ' +
    "note the customer sees. Needs the user's approval.",
  levels: ['admin', 'technician'],
  input: z
    .object({
      ticket_id: z.number().int().positive().describe('The codex ticket id (not the PSA ticket number)'),
      note: z
        .string()
        .max(NOTE_MAX)
        .refine((text) => text.trim() !== '', { error: 'the note is empty' })
        .describe('The note, plain text'),
      private: z.boolean().default(true).describe('false: a public note, visible to the customer'),
    })
    .strict(),
  async prepare(input, ctx, { platform }) {
    const { ticket } = await platform.request('codex', ctx.call, `/api/tickets/${input.ticket_id}`, ticketSchema);
    const shown = {
      id: ticket.id,
      number: ticket.ticket_number,
      subject: ticket.subject,
      company: ticket.company_name,
      account_number: ticket.account_number,
      psa: ticket.provider,
    };
    const company = ticket.company_name === null ? '' : ` (${ticket.company_name})`;
    const kind = input.private ? 'a private note' : 'a PUBLIC note, visible to the customer,';
    return {
      summary: `Add ${kind} to ticket #${ticket.ticket_number} "${ticket.subject}"${company} in the PSA (${ticket.provider})`,
      before: { ticket: shown, note: null },
      after: { ticket: shown, note: { text: input.note, visibility: input.private ? PRIVATE : PUBLIC } },
      request: {
        service: 'codex',
        method: 'POST',
        path: `/api/tickets/${input.ticket_id}/notes`,
        body: { body: input.note, private: input.private },
      },
    };
  },
  explainFailure,
});
