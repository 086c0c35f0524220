/** `GET /api/services`: every service's status, for admins (the CLI reads the same over the control socket). */
import { requireRole, type ServiceApp } from '@hivematrix/sdk';
import { platformStatusSchema, type PlatformStatus } from '../../status.js';

/** Registers the status route; `status` gives the current snapshot. */
export async function servicesRoutes(app: ServiceApp, options: { status: () => PlatformStatus }): Promise<void> {
  app.get(
    '/api/services',
    { preHandler: requireRole(['admin']), schema: { response: { 200: platformStatusSchema } } },
    async (_request, reply) => {
      void reply.header('Cache-Control', 'no-store');
      return options.status();
    },
  );
}
