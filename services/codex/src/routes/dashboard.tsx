/** `/`: the dashboard. Clients see the counts of their own companies only through the lists; the numbers are staff's. */
import type { FastifyPluginAsync } from 'fastify';
import { dashboardCounts, demoStatus, listCompanies, listRuns } from '../db/index.js';
import type { CodexDb } from '../db/index.js';
import { can } from '../domain/index.js';
import { DashboardPage } from '../views/dashboard.js';
import { allow, scopeOf, userOf } from './access.js';
import { flashOf, viewContext } from './page-context.js';

/** The dashboard route. */
export const dashboardRoutes: FastifyPluginAsync<{ db: CodexDb }> = async (app, { db }) => {
  app.get('/', { preHandler: allow('directory:read', { page: true }) }, async (request, reply) => {
    const level = userOf(request).permission_level;
    if (level === 'client') {
      // A client's dashboard is its companies: the platform-wide numbers are not theirs to see.
      const own = await listCompanies(db, {
        sort: 'name',
        dir: 'asc',
        archived: 'active',
        page: 1,
        perPage: 1,
        scope: await scopeOf(request, db),
      });
      const first = own.items[0];
      return own.total === 1 && first !== undefined
        ? reply.redirectTo(`/companies/${encodeURIComponent(first.accountNumber)}`)
        : reply.redirectTo('/companies');
    }
    const [counts, runs, demo] = await Promise.all([
      dashboardCounts(db),
      can(level, 'sync:read') ? listRuns(db, { limit: 8 }) : Promise.resolve(undefined),
      can(level, 'integration:manage') ? demoStatus(db) : Promise.resolve(undefined),
    ]);
    return reply.html(
      <DashboardPage
        ctx={viewContext(request)}
        flash={flashOf(request)}
        counts={counts}
        runs={runs}
        demoCompanies={demo?.companies}
      />,
    );
  });
};
