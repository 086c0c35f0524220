/**
 * The demo MSP over HTTP (admins only): `GET /api/demo` counts it, `POST /api/demo` loads it (a
 * re-load replaces it), `DELETE /api/demo` removes exactly the demo rows. The dashboard's buttons
 * post to `/admin/demo` and `/admin/demo/remove`; `npx hivematrix demo` does the same from the
 * command line through `src/cli/demo.ts`.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { demoStatus, loadDemo, removeDemo } from '../../db/index.js';
import type { CodexDb } from '../../db/index.js';
import { actorOf, allow } from '../access.js';
import { field } from '../forms.js';

const countsSchema = z.object({
  companies: z.number().int(),
  contacts: z.number().int(),
  assets: z.number().int(),
  tickets: z.number().int(),
  timeEntries: z.number().int(),
  plans: z.number().int(),
});

/** The demo routes, API and page forms. */
export const demoRoutes: FastifyPluginAsync<{ db: CodexDb; now: () => Date; timeZone: string }> = async (
  base,
  { db, now, timeZone },
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/demo',
    {
      preHandler: allow('integration:manage'),
      schema: { response: { 200: countsSchema } },
      config: { summary: 'How much demo data codex holds', access: 'admin' },
    },
    async () => demoStatus(db),
  );

  app.post(
    '/api/demo',
    {
      preHandler: allow('integration:manage'),
      schema: { response: { 200: countsSchema } },
      config: {
        summary:
          'Load the demo MSP (companies DEMO-…, contacts, assets, plans, four months of tickets); a re-load replaces it',
        access: 'admin',
      },
    },
    async (request) => {
      const loaded = await loadDemo(db, now(), timeZone);
      request.log.info({ actor: actorOf(request).name, ...loaded }, 'demo data loaded');
      return loaded;
    },
  );

  app.delete(
    '/api/demo',
    {
      preHandler: allow('integration:manage'),
      schema: { response: { 200: countsSchema.extend({ kept: z.array(z.string()) }) } },
      config: { summary: 'Remove the demo data, and nothing else', access: 'admin' },
    },
    async (request) => {
      const removed = await removeDemo(db);
      request.log.info({ actor: actorOf(request).name, ...removed }, 'demo data removed');
      return removed;
    },
  );

  // The platform home (the gateway's `/`, outside codex) is the one other page these buttons are on.
  const backTo = (request: FastifyRequest, reply: FastifyReply, done: string) =>
    field(request.body, 'return') === 'home' ? reply.redirect('/', 303) : reply.redirectTo('/', { done });

  app.post('/admin/demo', { preHandler: allow('integration:manage', { page: true }) }, async (request, reply) => {
    const loaded = await loadDemo(db, now(), timeZone);
    request.log.info({ actor: actorOf(request).name, ...loaded }, 'demo data loaded');
    return backTo(request, reply, 'demo-loaded');
  });

  app.post(
    '/admin/demo/remove',
    { preHandler: allow('integration:manage', { page: true }) },
    async (request, reply) => {
      const removed = await removeDemo(db);
      request.log.info({ actor: actorOf(request).name, ...removed }, 'demo data removed');
      return backTo(request, reply, 'demo-removed');
    },
  );
};
