/**
 * The services console: `/` and `/services` (every service), `/services/:name` (one service with
 * its recent log), `POST /services/:name/:action` (the buttons; answered with a 303 back to the
 * service), and `/audit-trail`. Admins only; everyone else gets 403.
 */
import { z } from 'zod';
import { currentUser, requireRole, type ServiceApp } from '@hivematrix/sdk';
import { SERVICE_ACTIONS } from '../../control.js';
import { listAudit, latestSamples, serviceSamples, openAlertCounts, queryLogs, readMarks } from '../../db/index.js';
import { checklist, fileExists, pending } from '../../setup/index.js';
import { AuditPage } from '../../views/audit.js';
import { UsageCards } from '../../views/metrics.js';
import { ServiceDetailPage, ServicesPage } from '../../views/services.js';
import { actorOf, findService, performAction, type ActionDeps } from './actions.js';

const adminPage = requireRole(['admin'], { page: true });
const nameParams = z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/) });

/** Registers the console pages. */
export async function servicePages(app: ServiceApp, deps: ActionDeps): Promise<void> {
  for (const url of ['/', '/services']) {
    app.get(url, { preHandler: adminPage }, async (request, reply) =>
      reply.html(
        <ServicesPage
          services={deps.status().services}
          usage={await latestSamples(deps.db)}
          alerts={await openAlertCounts(deps.db)}
          setupPending={pending(
            checklist(await readMarks(deps.db), await fileExists(deps.status().daemon.admin_password_file)),
          )}
          managedBy={deps.status().daemon.managed_by ?? null}
          urlFor={(path, query) => request.urlFor(path, query)}
        />,
      ),
    );
  }

  app.get('/services/:name', { preHandler: adminPage, schema: { params: nameParams } }, async (request, reply) => {
    const service = findService(deps.status(), request.params.name);
    const { entries } = await queryLogs(deps.db, { service: service.name }, 50);
    const to = deps.now().getTime();
    const from = to - 86_400_000;
    const usage = (
      <UsageCards samples={await serviceSamples(deps.db, service.name, new Date(from))} from={from} to={to} />
    );
    return reply.html(
      <ServiceDetailPage
        service={service}
        logs={entries}
        usage={usage}
        managedBy={deps.status().daemon.managed_by ?? null}
        urlFor={(path, query) => request.urlFor(path, query)}
      />,
    );
  });

  app.post(
    '/services/:name/:action',
    { preHandler: adminPage, schema: { params: nameParams.extend({ action: z.enum(SERVICE_ACTIONS) }) } },
    async (request, reply) => {
      await performAction(deps, actorOf(currentUser(request)), request.params.name, request.params.action);
      return reply.redirectTo(`/services/${request.params.name}`);
    },
  );

  app.get('/audit-trail', { preHandler: adminPage }, async (request, reply) =>
    reply.html(<AuditPage rows={await listAudit(deps.db)} urlFor={(path, query) => request.urlFor(path, query)} />),
  );
}
