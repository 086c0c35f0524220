/** `/api/tickets…` and `/api/psa/…`: tickets, the active board, time entries by month, agents, PSA links. */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { AppError } from '@hivematrix/sdk';
import type { CodexConfig } from '../../config.js';
import {
  activeTickets,
  findTicket,
  lastRun,
  listTickets,
  psaAgents,
  ticketsChangedSince,
  ticketsFingerprint,
  timeEntriesForMonth,
  timeTotalsForMonth,
} from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { SERVICE_ACCESS } from '../../domain/index.js';
import { allow, assertVisible, scopeOf } from '../access.js';
import { pageOf, pagingQuery, presentTicket, presentTimeEntry, ticketSchema, timeEntrySchema } from '../api-schemas.js';

const monthTotalSchema = z.object({
  account_number: z.string().nullable(),
  billable_minutes: z.number().int(),
  non_billable_minutes: z.number().int(),
});

export const ticketListQuery = z.object({
  q: z.string().trim().max(200).optional(),
  company: z.string().trim().max(50).optional(),
  state: z.enum(['active', 'closed', 'all']).default('active'),
  ...pagingQuery,
});
const conversationSchema = z.object({
  id: z.number().int(),
  body_text: z.string(),
  private: z.boolean(),
  incoming: z.boolean(),
  from_email: z.string().nullable(),
  created_at: z.string(),
});

/** Loads a ticket the caller may see, or 404; clients never see private notes. */
export async function visibleTicket(request: FastifyRequest, db: CodexDb, id: number) {
  const found = await findTicket(db, id);
  if (found === undefined || found.ticket.archivedAt !== null) throw new AppError('not_found', 'Ticket not found');
  await assertVisible(request, db, found.ticket.companyId, 'Ticket');
  const isClient = request.user?.permission_level === 'client';
  return {
    ...found,
    conversations: isClient ? found.conversations.filter((entry) => !entry.private) : found.conversations,
    timeEntries: isClient ? [] : found.timeEntries,
  };
}

async function lastTicketSync(db: CodexDb): Promise<string | null> {
  const runs = await Promise.all([
    lastRun(db, 'freshservice-tickets', 'succeeded'),
    lastRun(db, 'superops-tickets', 'succeeded'),
  ]);
  const newest = runs
    .flatMap((run) => (run?.finishedAt ? [run.finishedAt] : []))
    .sort((a, b) => b.getTime() - a.getTime())[0];
  return newest?.toISOString() ?? null;
}

/** The tickets, time entries and PSA API. */
export const ticketApiRoutes: FastifyPluginAsync<{ db: CodexDb; config: CodexConfig }> = async (
  base,
  { db, config },
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/tickets',
    {
      preHandler: allow('ticket:read', { services: SERVICE_ACCESS.tickets }),
      schema: { querystring: ticketListQuery, response: { 200: pageOf(ticketSchema) } },
      config: {
        summary: 'Tickets, newest update first; filter by company, state (active, closed, all) and subject',
        access: 'users (clients: their own); services: ' + SERVICE_ACCESS.tickets.join(', '),
      },
    },
    async (request) => {
      const { q, company, state, page, per_page: perPage } = request.query;
      const result = await listTickets(db, {
        q,
        accountNumber: company,
        state,
        page,
        perPage,
        scope: await scopeOf(request, db),
      });
      return { items: result.items.map(presentTicket), page, per_page: perPage, total: result.total };
    },
  );

  app.get(
    '/api/tickets/active',
    {
      preHandler: allow('ticket:read', { services: SERVICE_ACCESS.ticketsActive }),
      schema: {
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(5000).default(1000),
          changed_since: z.iso.datetime({ offset: true }).optional(),
        }),
        response: {
          200: z.object({
            tickets: z.array(ticketSchema),
            total: z.number().int(),
            last_sync_at: z.string().nullable(),
            /** With changed_since: only the changes (`tickets` still active, `removed` ids now closed or archived). */
            changes_since: z.string().optional(),
            removed: z.array(z.number().int()).optional(),
            /** When this answer was read: the next `changed_since`, less a margin for transactions still open. */
            as_of: z.string(),
          }),
          304: z.undefined(),
        },
      },
      config: {
        summary:
          'Every active ticket with what a ticket board needs (priority first, oldest update first); an ETag, and 304 to If-None-Match while no ticket was stored and no ticket sync finished',
        access: 'users (clients: their own); services: ' + SERVICE_ACCESS.ticketsActive.join(', '),
      },
    },
    async (request, reply) => {
      const scope = await scopeOf(request, db);
      // A board asks every second or so: while nothing was written, a few aggregates answer it (RFC 9110 §13.1.2).
      const [{ fingerprint, asOf }, lastSync] = await Promise.all([ticketsFingerprint(db), lastTicketSync(db)]);
      const etag = `"${createHash('sha256')
        .update(JSON.stringify([fingerprint, lastSync, request.query.limit, scope]))
        .digest('base64url')
        .slice(0, 27)}"`;
      reply.header('etag', etag).header('cache-control', 'private, no-cache');
      const wanted = request.headers['if-none-match'];
      if (wanted !== undefined && wanted.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag))
        return reply.code(304).send(undefined);
      const since = request.query.changed_since;
      const changes =
        since === undefined ? undefined : await ticketsChangedSince(db, scope, new Date(since), request.query.limit);
      if (since !== undefined && changes !== undefined) {
        return {
          tickets: changes.active.map(presentTicket),
          total: changes.active.length,
          last_sync_at: lastSync,
          changes_since: since,
          removed: changes.gone,
          as_of: asOf.toISOString(),
        };
      }
      const tickets = await activeTickets(db, scope, request.query.limit);
      return {
        tickets: tickets.map(presentTicket),
        total: tickets.length,
        last_sync_at: lastSync,
        as_of: asOf.toISOString(),
      };
    },
  );

  app.get(
    '/api/tickets/time-entries',
    {
      preHandler: allow('time:read', { services: SERVICE_ACCESS.timeEntries }),
      schema: {
        querystring: z.object({
          month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
          company: z.string().trim().max(50).optional(),
        }),
        response: {
          200: z.object({
            month: z.string(),
            time_zone: z.string(),
            entries: z.array(timeEntrySchema),
            totals: z.array(monthTotalSchema),
          }),
        },
      },
      config: {
        summary: 'Time entries worked in a month (by entry date in the business time zone), with totals per company',
        access: 'admin, technician, billing; services: ' + SERVICE_ACCESS.timeEntries.join(', '),
      },
    },
    async (request) => {
      const entries = await timeEntriesForMonth(db, request.query.month, request.query.company);
      const totals = new Map<string | null, { billable: number; other: number }>();
      for (const entry of entries) {
        const total = totals.get(entry.accountNumber) ?? { billable: 0, other: 0 };
        if (entry.billable) total.billable += entry.minutes;
        else total.other += entry.minutes;
        totals.set(entry.accountNumber, total);
      }
      return {
        month: request.query.month,
        time_zone: config.BUSINESS_TIMEZONE,
        entries: entries.map(presentTimeEntry),
        totals: [...totals].map(([account, total]) => ({
          account_number: account,
          billable_minutes: total.billable,
          non_billable_minutes: total.other,
        })),
      };
    },
  );

  app.get(
    '/api/tickets/time-entries/totals',
    {
      preHandler: allow('time:read', { services: SERVICE_ACCESS.timeEntries }),
      schema: {
        querystring: z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) }),
        response: { 200: z.object({ month: z.string(), time_zone: z.string(), totals: z.array(monthTotalSchema) }) },
      },
      config: {
        summary: 'Minutes worked per company in a month (the totals of /api/tickets/time-entries, without the entries)',
        access: 'admin, technician, billing; services: ' + SERVICE_ACCESS.timeEntries.join(', '),
      },
    },
    async (request) => ({
      month: request.query.month,
      time_zone: config.BUSINESS_TIMEZONE,
      totals: (await timeTotalsForMonth(db, request.query.month)).map((total) => ({
        account_number: total.accountNumber,
        billable_minutes: total.billableMinutes,
        non_billable_minutes: total.nonBillableMinutes,
      })),
    }),
  );

  app.get(
    '/api/tickets/:id',
    {
      preHandler: allow('ticket:read', { services: SERVICE_ACCESS.tickets }),
      schema: {
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: {
          200: z.object({
            ticket: ticketSchema.extend({ description_text: z.string().nullable() }),
            conversations: z.array(conversationSchema),
            time_entries: z.array(
              timeEntrySchema.omit({ ticket_number: true, subject: true, account_number: true, company_name: true }),
            ),
          }),
        },
      },
      config: {
        summary: 'One ticket (Codex id) with its conversations and time entries',
        access: 'users (clients: their own, without private notes); services: ' + SERVICE_ACCESS.tickets.join(', '),
      },
    },
    async (request) => {
      const found = await visibleTicket(request, db, request.params.id);
      return {
        // The description as text (the sync keeps the PSA's HTML out): beacon's ticket panel shows it.
        ticket: { ...presentTicket(found.ticket), description_text: found.ticket.descriptionText },
        conversations: found.conversations.map((entry) => ({
          id: entry.id,
          body_text: entry.bodyText,
          private: entry.private,
          incoming: entry.incoming,
          from_email: entry.fromEmail,
          created_at: entry.createdAt.toISOString(),
        })),
        time_entries: found.timeEntries.map((entry) => ({
          id: entry.id,
          ticket_id: entry.ticketId,
          entry_date: entry.entryDate,
          minutes: entry.minutes,
          billable: entry.billable,
          agent_external_id: entry.agentExternalId,
          agent_name: entry.agentName,
          note: entry.note,
        })),
      };
    },
  );

  app.get(
    '/api/psa/agents',
    {
      preHandler: allow('directory:bulk', { services: SERVICE_ACCESS.agents }),
      schema: {
        querystring: z.object({ provider: z.string().max(40).optional() }),
        response: {
          200: z.array(
            z.object({
              id: z.number().int(),
              provider: z.string(),
              external_id: z.string(),
              name: z.string(),
              email: z.string().nullable(),
              job_title: z.string().nullable(),
              active: z.boolean(),
            }),
          ),
        },
      },
      config: {
        summary: 'PSA agents (active first)',
        access: 'admin, technician, billing; services: ' + SERVICE_ACCESS.agents.join(', '),
      },
    },
    async (request) => {
      const rows = await db
        .select()
        .from(psaAgents)
        .where(
          and(
            isNull(psaAgents.archivedAt),
            request.query.provider === undefined ? undefined : eq(psaAgents.provider, request.query.provider),
          ),
        )
        .orderBy(desc(psaAgents.active), asc(psaAgents.name));
      return rows.map((row) => ({
        id: row.id,
        provider: row.provider,
        external_id: row.externalId,
        name: row.name,
        email: row.email,
        job_title: row.jobTitle,
        active: row.active,
      }));
    },
  );

  app.get(
    '/api/psa/config',
    {
      preHandler: allow('ticket:read', { services: SERVICE_ACCESS.psaConfig }),
      schema: {
        response: {
          200: z.object({
            providers: z.array(
              z.object({
                provider: z.string(),
                ticket_url_template: z.string().nullable(),
                company_url_template: z.string().nullable(),
              }),
            ),
          }),
        },
      },
      config: {
        summary: 'Link templates into the PSA ({ticket_id}, {company_id}) for configured providers',
        access: 'users; services: ' + SERVICE_ACCESS.psaConfig.join(', '),
      },
    },
    async () => {
      const providers = [];
      if (config.FRESHSERVICE_URL !== undefined) {
        providers.push({
          provider: 'freshservice',
          ticket_url_template: `${config.FRESHSERVICE_URL}/a/tickets/{ticket_id}`,
          company_url_template: `${config.FRESHSERVICE_URL}/a/admin/departments/{company_id}`,
        });
      }
      if (config.SUPEROPS_SUBDOMAIN !== undefined) {
        providers.push({
          provider: 'superops',
          ticket_url_template: `https://${config.SUPEROPS_SUBDOMAIN}.superops.ai/#/tickets/{ticket_id}/details`,
          company_url_template: null,
        });
      }
      return { providers };
    },
  );
};
