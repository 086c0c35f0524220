/** `/tickets` pages. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { listTickets } from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { can } from '../../domain/index.js';
import { TicketDetailPage, TicketsPage } from '../../views/tickets.js';
import { allow, scopeOf, userOf } from '../access.js';
import { flashOf, paramId, viewContext } from '../page-context.js';
import { visibleTicket } from './api.js';

const listQuery = z.object({
  q: z.string().trim().max(200).catch(''),
  company: z.string().trim().max(50).catch(''),
  state: z.enum(['active', 'closed', 'all']).catch('active'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** The tickets pages. */
export const ticketPageRoutes: FastifyPluginAsync<{ db: CodexDb }> = async (app, { db }) => {
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

  app.get('/tickets/:id', { preHandler: allow('ticket:read', { page: true }) }, async (request, reply) => {
    const id = paramId(request, 'id');
    const found = await visibleTicket(request, db, id);
    return reply.html(
      <TicketDetailPage
        ctx={viewContext(request)}
        ticket={found.ticket}
        conversations={found.conversations}
        timeEntries={found.timeEntries}
        showTime={can(userOf(request).permission_level, 'time:read')}
      />,
    );
  });
};
