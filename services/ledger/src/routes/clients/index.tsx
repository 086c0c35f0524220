/** One client's bill for a month, line by line (JSON and HTML). */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clientBill, billDetail } from '../../billing/index.js';
import { periodKey } from '../../engine/index.js';
import { billingOnly, monthQuery, periodOf } from '../access.js';
import { renderClient, type ClientPageOptions } from './render.js';

export const accountParams = z.object({ account: z.string().regex(/^[A-Za-z0-9._-]{1,50}$/) });

export const clientRoutes: FastifyPluginAsync<ClientPageOptions> = async (base, options) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/billing/clients/:account',
    { preHandler: billingOnly(), schema: { params: accountParams, querystring: monthQuery } },
    async (request) => {
      const period = periodOf(request.query.month, options.now(), options.timeZone);
      return { period: periodKey(period), ...billDetail(await clientBill(options, period, request.params.account)) };
    },
  );

  app.get(
    '/clients/:account',
    {
      preHandler: billingOnly(true),
      schema: { params: accountParams, querystring: monthQuery.extend({ done: z.string().max(40).optional() }) },
    },
    async (request, reply) => {
      const period = periodOf(request.query.month, options.now(), options.timeZone);
      return renderClient(options, request, reply, { account: request.params.account, period });
    },
  );
};
