/**
 * The board's JSON API and live stream, for technicians and admins (a client user gets 403; a
 * service token gets 403 too). Reads come from the shared board; opening a ticket, adding a note
 * and "Sync now" go to codex with the user's own token.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, requireRole } from '@hivematrix/sdk';
import type { BoardSettings, BeaconConfig } from '../../config.js';
import type { CodexClient } from '../../codex/index.js';
import { matches, noteInput } from '../../domain/index.js';
import { streamBoard } from '../../live/index.js';
import type { BoardSource } from '../../live/index.js';
import { boardQuery, filterOf } from '../filters.js';
import { presentTicketDetail } from './ticket-detail.js';

const STAFF = ['admin', 'technician'] as const;

export interface BoardRouteOptions {
  config: BeaconConfig;
  settings: BoardSettings;
  source: BoardSource;
  codex: CodexClient;
  now: () => Date;
}

/** The user's own bearer token (already verified by the guard), to act at codex with their authority. */
function userToken(request: FastifyRequest): string {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (match?.[1] === undefined) throw new AppError('unauthorized', 'A bearer token is required');
  return match[1];
}

export const boardApiRoutes: FastifyPluginAsync<BoardRouteOptions> = async (
  base,
  { config, settings, source, codex, now },
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get('/api/board', { preHandler: requireRole(STAFF), schema: { querystring: boardQuery } }, async (request) => {
    const filter = filterOf(request.query, settings);
    // `Cache-Control: no-cache` (RFC 9111 §5.2.1.4): revalidate with codex rather than answer from
    // the shared board of the last second; a one-off read (the home page) sees what was just written.
    await source.ensureFresh(/\bno-cache\b/i.test(request.headers['cache-control'] ?? '') ? 0 : undefined);
    const state = source.snapshot();
    return {
      version: state.version,
      view: filter.view.slug,
      meta: state.meta,
      rows: state.rows.filter((row) => matches(row, filter)),
    };
  });

  app.get(
    '/api/board/events',
    { preHandler: requireRole(STAFF), schema: { querystring: boardQuery } },
    async (request, reply) => {
      const filter = filterOf(request.query, settings);
      // The stream ends when the token does; the browser reconnects through the gateway with a fresh one.
      const endAt = (request.user?.exp ?? 0) * 1000;
      await streamBoard(request, reply, { source, filter, present: (row) => row, endAt, now });
    },
  );

  app.get(
    '/api/tickets/:id',
    { preHandler: requireRole(STAFF), schema: { params: z.object({ id: z.coerce.number().int().positive() }) } },
    async (request) => {
      const detail = await codex.ticket(request.params.id, userToken(request));
      const row = source.snapshot().rows.find((candidate) => candidate.id === request.params.id);
      return presentTicketDetail(detail, row?.psa_url ?? null, now());
    },
  );

  app.post(
    '/api/tickets/:id/notes',
    {
      // Before the body is validated, so a client or billing user learns only that they may not (403).
      preValidation: requireRole(STAFF),
      schema: { params: z.object({ id: z.coerce.number().int().positive() }), body: noteInput },
    },
    async (request, reply) => {
      // Codex's 404, 409 (its PSA takes no notes), 502 and 503 (the PSA failed) come back as they are.
      const added = await codex.addNote(request.params.id, request.body, userToken(request));
      return reply.code(201).send(added);
    },
  );

  app.post('/api/sync', { preHandler: requireRole(STAFF) }, async (request, reply) => {
    const run = await codex.startSync(config.SYNC_JOB, userToken(request));
    return reply.code(202).send(run);
  });

  app.get(
    '/api/sync/runs/:id',
    { preHandler: requireRole(STAFF), schema: { params: z.object({ id: z.coerce.number().int().positive() }) } },
    async (request) => {
      return codex.syncRun(request.params.id, userToken(request));
    },
  );
};
