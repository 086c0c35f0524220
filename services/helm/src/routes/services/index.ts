/**
 * The services API, for admins (the CLI reads the same status over the control socket):
 * `GET /api/services`, `GET /api/services/:name`, `POST /api/services/:name/{start,stop,restart}`
 * (answers `{ name, action, ok, message }`; 409 when helm refuses, e.g. for helm itself), and
 * `GET /api/audit-trail` (the newest actions).
 */
import { z } from 'zod';
import { currentUser, requireRole, type ServiceApp } from '@hivematrix/sdk';
import { SERVICE_ACTIONS } from '../../control.js';
import { listAudit } from '../../db/index.js';
import { platformStatusSchema, serviceStatusSchema } from '../../status.js';
import { actorOf, findService, performAction, type ActionDeps } from './actions.js';

const admin = requireRole(['admin']);
const nameParams = z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/) });

/** Registers the API routes. */
export async function servicesRoutes(app: ServiceApp, deps: ActionDeps): Promise<void> {
  app.get(
    '/api/services',
    { preHandler: admin, schema: { response: { 200: platformStatusSchema } } },
    async (_request, reply) => {
      void reply.header('Cache-Control', 'no-store');
      return deps.status();
    },
  );

  app.get(
    '/api/services/:name',
    { preHandler: admin, schema: { params: nameParams, response: { 200: serviceStatusSchema } } },
    async (request, reply) => {
      void reply.header('Cache-Control', 'no-store');
      return findService(deps.status(), request.params.name);
    },
  );

  app.post(
    '/api/services/:name/:action',
    { preHandler: admin, schema: { params: nameParams.extend({ action: z.enum(SERVICE_ACTIONS) }) } },
    async (request) => {
      const { name, action } = request.params;
      const result = await performAction(deps, actorOf(currentUser(request)), name, action);
      return { name, action, ok: result.ok, message: result.message };
    },
  );

  app.get(
    '/api/audit-trail',
    {
      preHandler: admin,
      schema: { querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }) },
    },
    async (request) => ({
      entries: (await listAudit(deps.db, request.query.limit)).map((row) => ({ ...row, at: row.at.toISOString() })),
    }),
  );
}
