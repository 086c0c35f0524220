/** The month's dashboard: every client's total, counts, hours and flags (JSON and HTML). */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { formatCsv } from '@hivematrix/sdk';
import { totalsMonth, dashboardRow, SORT_KEYS, sortRows } from '../../billing/index.js';
import type { CodexSource } from '../../codex/index.js';
import type { LedgerDb } from '../../db/index.js';
import { DashboardPage } from '../../views/dashboard.js';
import { formatCents, periodKey } from '../../engine/index.js';
import { billingOnly, monthQuery, periodOf } from '../access.js';
import { z } from 'zod';

const pageQuery = monthQuery.extend({
  sort: z.enum(SORT_KEYS).default('name'),
  dir: z.enum(['asc', 'desc']).default('asc'),
});

export interface BillingRouteOptions {
  db: LedgerDb;
  codex: CodexSource;
  now: () => Date;
  timeZone: string;
}

export const dashboardRoutes: FastifyPluginAsync<BillingRouteOptions> = async (base, { db, codex, now, timeZone }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/billing/dashboard',
    { preHandler: billingOnly(), schema: { querystring: monthQuery } },
    async (request) => {
      const period = periodOf(request.query.month, now(), timeZone);
      const bills = await totalsMonth({ codex, db }, period);
      const clients = bills.map(dashboardRow).sort((a, b) => a.name.localeCompare(b.name));
      return {
        period: periodKey(period),
        total_cents: clients.reduce((sum, row) => sum + row.total_cents, 0),
        clients,
      };
    },
  );

  // Every client, including those flagged "cannot bill: no plan" (never silently left out).
  app.get(
    '/api/billing/dashboard.csv',
    { preHandler: billingOnly(), schema: { querystring: monthQuery } },
    async (request, reply) => {
      const period = periodOf(request.query.month, now(), timeZone);
      const rows = (await totalsMonth({ codex, db }, period))
        .map(dashboardRow)
        .sort((a, b) => a.name.localeCompare(b.name));
      const header = [
        'Company',
        'Account #',
        'Plan',
        'Support Level',
        'Term',
        'Workstations',
        'Servers',
        'VMs',
        'Users',
        'Backup (TB)',
        'Hours',
        'Total Bill',
        'Flags',
      ];
      const lines = rows.map((r) => [
        r.name,
        r.account_number,
        r.plan_name ?? '',
        r.support_level ?? '',
        r.contract_term ?? '',
        String(r.devices.workstation),
        String(r.devices.server),
        String(r.devices.virtual_machine),
        String(r.users),
        r.backup_tb,
        r.hours,
        formatCents(r.total_cents),
        r.flags.join('; '),
      ]);
      const csv = formatCsv(header, lines);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="billing_dashboard_${periodKey(period)}.csv"`)
        .send(csv);
    },
  );

  app.get('/', { preHandler: billingOnly(true), schema: { querystring: pageQuery } }, async (request, reply) => {
    const { sort, dir } = request.query;
    const period = periodOf(request.query.month, now(), timeZone);
    const rows = sortRows((await totalsMonth({ codex, db }, period)).map(dashboardRow), sort, dir);
    return reply.html(
      <DashboardPage
        period={periodKey(period)}
        rows={rows}
        sort={sort}
        dir={dir}
        urlFor={(p, q) => request.urlFor(p, q)}
      />,
    );
  });
};
