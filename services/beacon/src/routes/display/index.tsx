/**
 * `/display/<token>`: wall screens without a login. The registry declares `/display/` public, so
 * the gateway lets anyone reach it; beacon itself checks the token on every request and on the
 * live stream (every DISPLAY_CHECK_SECONDS), so a revoked or expired link blanks its screens
 * within seconds. Every way of failing (no token, a wrong one, expired, revoked) is the same 404.
 * Screens get only their link's view, filters and fields.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import type { BoardSettings } from '../../config.js';
import { findValidLink, isLinkValid, markUsed } from '../../db/index.js';
import type { BeaconDb, DisplayLink } from '../../db/index.js';
import { BOARD_COLUMNS, matches, projectRow } from '../../domain/index.js';
import type { BoardColumn, BoardFilter } from '../../domain/index.js';
import { streamBoard } from '../../live/index.js';
import type { BoardSource } from '../../live/index.js';
import { BoardPage, COLUMN_LABELS } from '../../views/board.js';

export interface DisplayRouteOptions {
  db: BeaconDb;
  settings: BoardSettings;
  source: BoardSource;
  now: () => Date;
  checkEveryMs: number;
}

const tokenParams = z.object({ token: z.string().max(100) });

export const displayRoutes: FastifyPluginAsync<DisplayRouteOptions> = async (
  base,
  { db, settings, source, now, checkEveryMs },
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  // Every screen of one link shares one validity check per half interval, not one query per screen.
  const checks = new Map<number, { at: number; valid: Promise<boolean> }>();
  const stillValid = (id: number): Promise<boolean> => {
    const at = now().getTime();
    const cached = checks.get(id);
    if (cached !== undefined && at - cached.at < checkEveryMs / 2) return cached.valid;
    const valid = isLinkValid(db, id, now());
    checks.set(id, { at, valid });
    return valid;
  };

  async function open(
    request: FastifyRequest,
    token: string,
  ): Promise<{ link: DisplayLink; filter: BoardFilter; columns: BoardColumn[] }> {
    const link = await findValidLink(db, token, now());
    const view = link === undefined ? undefined : settings.views.find((candidate) => candidate.slug === link.viewSlug);
    if (link === undefined || view === undefined) throw new AppError('not_found', 'This display link is not valid.');
    await markUsed(db, link.id, request.ip, now());
    const columns = BOARD_COLUMNS.filter((column) => link.fields.includes(column));
    return {
      link,
      columns,
      filter: {
        view,
        agent: link.agent ?? undefined,
        company: link.company ?? undefined,
        priority: link.priority ?? undefined,
      },
    };
  }

  app.get('/display', async () => {
    throw new AppError('not_found', 'This display link is not valid.');
  });

  app.get('/display/:token', { schema: { params: tokenParams } }, async (request, reply) => {
    const { link, filter, columns } = await open(request, request.params.token);
    return reply.header('referrer-policy', 'no-referrer').html(
      <BoardPage
        title={`${filter.view.name} (wall screen)`}
        config={{
          mode: 'display',
          events: request.urlFor(`/display/${request.params.token}/events`),
          ticketUrl: null,
          syncUrl: null,
          syncRunUrl: null,
          columns: settings.columns
            .filter((column) => columns.includes(column))
            .concat(columns.filter((column) => !settings.columns.includes(column))),
          columnLabels: COLUMN_LABELS,
          countThresholds: settings.countThresholds,
          sort: null,
        }}
        views={[
          {
            slug: filter.view.slug,
            name: link.name,
            href: request.urlFor(`/display/${request.params.token}`),
            active: true,
          },
        ]}
        canSync={false}
        scriptUrl={request.urlFor('/static/board.js')}
      />,
    );
  });

  app.get('/display/:token/board', { schema: { params: tokenParams } }, async (request) => {
    const { filter, columns } = await open(request, request.params.token);
    await source.ensureFresh();
    const state = source.snapshot();
    return {
      version: state.version,
      meta: state.meta,
      rows: state.rows.filter((row) => matches(row, filter)).map((row) => projectRow(row, columns)),
    };
  });

  app.get('/display/:token/events', { schema: { params: tokenParams } }, async (request, reply) => {
    const { link, filter, columns } = await open(request, request.params.token);
    await streamBoard(request, reply, {
      source,
      filter,
      present: (row) => projectRow(row, columns),
      stillValid: () => stillValid(link.id),
      checkEveryMs,
      endAt: link.expiresAt.getTime(),
      now,
    });
  });
};
