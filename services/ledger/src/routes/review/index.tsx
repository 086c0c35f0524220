/** The review queue of a month (JSON and page) and the admin's manual month-end run. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser, requireRole } from '@hivematrix/sdk';
import { reviewMonth } from '../../archive/index.js';
import { totalsMonth } from '../../billing/index.js';
import { parsePeriod, periodKey } from '../../engine/index.js';
import { ReviewPage } from '../../views/review.js';
import { billingOnly, monthQuery, periodOf } from '../access.js';
import type { LedgerRouteOptions } from '../invoices/options.js';

const runBody = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/), force: z.boolean().default(false) });

export const reviewRoutes: FastifyPluginAsync<LedgerRouteOptions> = async (base, options) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  const review = async (month: string | undefined) => {
    const period = periodOf(month, options.now(), options.timeZone);
    const bills = await totalsMonth({ codex: options.codex, db: options.db }, period);
    const entries = (await reviewMonth(options.db, bills, period, options.reviewThresholdPercent)).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    return { period: periodKey(period), entries };
  };

  app.get('/api/review', { preHandler: billingOnly(), schema: { querystring: monthQuery } }, async (request) => {
    const { period, entries } = await review(request.query.month);
    return {
      period,
      threshold_percent: options.reviewThresholdPercent,
      flagged: entries.filter((entry) => entry.flags.length > 0),
    };
  });

  app.get('/review', { preHandler: billingOnly(true), schema: { querystring: monthQuery } }, async (request, reply) => {
    const { period, entries } = await review(request.query.month);
    return reply.html(
      <ReviewPage
        period={period}
        thresholdPercent={options.reviewThresholdPercent}
        entries={entries}
        urlFor={(p) => request.urlFor(p)}
      />,
    );
  });

  // Admins only: the job accepts every client's bill. 200 with the report; a month that already ran
  // answers 200 with status "already_ran" and changes nothing.
  app.post('/api/month-end/run', { preHandler: requireRole(['admin']), schema: { body: runBody } }, async (request) => {
    return options.runMonthEnd({
      period: parsePeriod(request.body.month),
      triggeredBy: currentUser(request).email,
      force: request.body.force,
    });
  });
};
