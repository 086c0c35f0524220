/** `POST /api/tickets/:id/notes`: a technician or admin adds a note to a ticket (written to its PSA). */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import { allow } from '../access.js';
import { addTicketNote, type TicketNoteDeps } from './actions.js';

export const noteBodySchema = z.object({
  body: z.string().trim().min(1).max(10_000),
  private: z.boolean().default(true),
});

const noteAnswerSchema = z.object({
  note: z.object({
    id: z.number().int(),
    ticket_id: z.number().int(),
    external_id: z.string().nullable(),
    body_text: z.string(),
    private: z.boolean(),
    created_at: z.string(),
  }),
  pushed_to: z.string().nullable(),
});

/** The API takes JSON only: a form post here is a mistake (the page's form posts to /tickets/:id/notes). */
async function jsonOnly(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new AppError('unsupported_media_type', 'Send the note as application/json');
}

/** The ticket notes API. */
export const ticketNoteApiRoutes: FastifyPluginAsync<TicketNoteDeps> = async (base, deps) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/tickets/:id/notes',
    {
      // Before the body is validated, so a caller who may not add notes learns only that (403).
      preValidation: [allow('ticket:note'), jsonOnly],
      schema: {
        params: z.object({ id: z.coerce.number().int().positive() }),
        body: noteBodySchema,
        response: { 201: noteAnswerSchema },
      },
      config: {
        summary:
          "Adds a note (plain text, private by default) to a ticket: written to the ticket's PSA (Freshservice) and stored as a conversation; demo tickets keep it in codex (pushed_to null); 409 when the ticket's PSA cannot take notes through codex or the ticket is archived, 502/503 when the PSA refused or failed",
        access: 'admin, technician (users only; a ticket the user may not read is a 404)',
      },
    },
    async (request, reply) => reply.code(201).send(await addTicketNote(deps, request, request.params.id, request.body)),
  );
};
