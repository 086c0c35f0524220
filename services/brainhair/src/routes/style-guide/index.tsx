/**
 * `/style-guide`: the living style guide, every design-system component with realistic content.
 * Any signed-in user may see it; the browser tests render it through the gateway's composer.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireUser } from '@hivematrix/sdk';
import { StyleGuidePage } from '../../views/style-guide.js';

/** `?page=` only moves the sample pagination. */
const styleGuideQuery = z.object({ page: z.coerce.number().int().min(1).max(12).default(3) });

export const styleGuideRoutes: FastifyPluginAsync = async (base) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/style-guide',
    { preHandler: requireUser({ page: true }), schema: { querystring: styleGuideQuery } },
    async (request, reply) =>
      reply.html(<StyleGuidePage page={request.query.page} urlFor={(path, query) => request.urlFor(path, query)} />),
  );
};
