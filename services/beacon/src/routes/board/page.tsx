/** `/`: the live board for technicians and admins; the filters and the sort live in the URL. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireRole } from '@hivematrix/sdk';
import type { BoardSettings } from '../../config.js';
import type { BoardSource } from '../../live/index.js';
import { BoardPage, COLUMN_LABELS } from '../../views/board.js';
import { boardQuery, filterOf } from '../filters.js';

export const boardPageRoutes: FastifyPluginAsync<{ settings: BoardSettings; source: BoardSource }> = async (
  base,
  { settings, source },
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/',
    { preHandler: requireRole(['admin', 'technician'], { page: true }), schema: { querystring: boardQuery } },
    async (request, reply) => {
      const query = request.query;
      const filter = filterOf(query, settings);
      await source.ensureFresh().catch(() => undefined);
      const agents = await source.agents().catch(() => []);
      const companies = new Map<string, string>();
      for (const row of source.snapshot().rows)
        if (row.account !== null) companies.set(row.account, row.company ?? row.account);
      const keep = { agent: query.agent, company: query.company, priority: query.priority, sort: query.sort };
      const events = request.urlFor('/api/board/events', { view: filter.view.slug, ...keep, sort: undefined });
      return reply.html(
        <BoardPage
          title={`Beacon: ${filter.view.name}`}
          config={{
            mode: 'board',
            events,
            ticketUrl: request.urlFor('/api/tickets/'),
            syncUrl: request.urlFor('/api/sync'),
            syncRunUrl: request.urlFor('/api/sync/runs/'),
            columns: settings.columns,
            columnLabels: COLUMN_LABELS,
            countThresholds: settings.countThresholds,
            sort: query.sort ?? null,
          }}
          views={settings.views.map((view) => ({
            slug: view.slug,
            name: view.name,
            href: request.urlFor('/', { view: view.slug, ...keep }),
            active: view.slug === filter.view.slug,
          }))}
          filters={{
            action: request.urlFor('/'),
            view: filter.view.slug,
            agents: agents.map((agent) => ({ value: agent.external_id, label: agent.name })),
            companies: [...companies]
              .sort((a, b) => a[1].localeCompare(b[1]))
              .map(([value, label]) => ({ value, label })),
            agent: query.agent,
            company: query.company,
            priority: query.priority,
          }}
          canSync
          scriptUrl={request.urlFor('/static/board.js')}
        />,
      );
    },
  );
};
