/** `/tickets` pages, and the ticket page's "Add a note" form. */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import { listTickets } from '../../db/index.js';
import { can } from '../../domain/index.js';
import { TicketDetailPage, TicketsPage } from '../../views/tickets.js';
import type { Flash } from '../../views/layout.js';
import { allow, scopeOf, userOf } from '../access.js';
import { field } from '../forms.js';
import { flashOf, paramId, viewContext } from '../page-context.js';
import { addTicketNote, type TicketNoteDeps } from './actions.js';
import { visibleTicket } from './api.js';
import { noteBodySchema } from './notes-api.js';

const listQuery = z.object({
  q: z.string().trim().max(200).catch(''),
  company: z.string().trim().max(50).catch(''),
  state: z.enum(['active', 'closed', 'all']).catch('active'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** The tickets pages. */
export const ticketPageRoutes: FastifyPluginAsync<TicketNoteDeps> = async (app, deps) => {
  const { db } = deps;

  async function renderDetail(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    flash?: Flash,
    status = 200,
    draft?: { body: string; private: boolean },
  ): Promise<FastifyReply> {
    const found = await visibleTicket(request, db, id);
    const level = userOf(request).permission_level;
    return reply.html(
      <TicketDetailPage
        ctx={viewContext(request)}
        flash={flash}
        ticket={found.ticket}
        conversations={found.conversations}
        timeEntries={found.timeEntries}
        showTime={can(level, 'time:read')}
        noteForm={can(level, 'ticket:note') ? (draft ?? { body: '', private: true }) : undefined}
      />,
      status,
    );
  }

  app.get('/tickets', { preHandler: allow('ticket:read', { page: true }) }, async (request, reply) => {
    const query = listQuery.parse(request.query);
    const result = await listTickets(db, {
      q: query.q,
      accountNumber: query.company || undefined,
      state: query.state,
      page: query.page,
      perPage: 50,
      scope: await scopeOf(request, db),
    });
    return reply.html(
      <TicketsPage ctx={viewContext(request)} flash={flashOf(request)} result={result} filters={query} />,
    );
  });

  app.get('/tickets/:id', { preHandler: allow('ticket:read', { page: true }) }, async (request, reply) =>
    renderDetail(request, reply, paramId(request, 'id'), flashOf(request)),
  );

  app.post('/tickets/:id/notes', { preHandler: allow('ticket:note', { page: true }) }, async (request, reply) => {
    const id = paramId(request, 'id');
    // An unticked checkbox sends nothing: no `private` field means a public note.
    const draft = { body: field(request.body, 'body'), private: field(request.body, 'private') === 'on' };
    const input = noteBodySchema.safeParse(draft);
    if (!input.success)
      return renderDetail(
        request,
        reply,
        id,
        { variant: 'error', message: 'Write a note of 1 to 10,000 characters.' },
        400,
        draft,
      );
    try {
      await addTicketNote(deps, request, id, input.data);
    } catch (error) {
      // Every refusal (the PSA's included) is shown on the page with the text kept, so nothing typed is lost.
      if (!(error instanceof AppError) || error.code === 'not_found') throw error;
      return renderDetail(request, reply, id, { variant: 'error', message: error.message }, error.status, draft);
    }
    return reply.redirectTo(`/tickets/${id}`, { done: 'note-added' });
  });
};
