/**
 * Alerts (admins only): `GET /alerts` (page), `GET /api/alerts` (open and recently resolved),
 * `POST /alerts/test` and `POST /api/alerts/test` (a test message to the webhook, in the audit
 * trail).
 */
import { z } from 'zod';
import { AppError, currentUser, requireRole, type ServiceApp } from '@hivematrix/sdk';
import { listAlerts, recordAudit } from '../../db/index.js';
import type { AlertRow, HelmDb } from '../../db/index.js';
import { AlertsPage } from '../../views/alerts.js';
import { actorOf } from '../services/actions.js';

export interface AlertDeps {
  db: HelmDb;
  now: () => Date;
  /** Where alerts are sent (read on every request): `webhook`, `e-mail to …`; empty when nowhere. */
  channels: () => string[];
  /** Sends a test message; throws with the reason it was not delivered. */
  sendTest: (actor: string) => Promise<void>;
}

const adminPage = requireRole(['admin'], { page: true });
const adminApi = requireRole(['admin']);

function view(row: AlertRow) {
  return {
    key: row.key,
    severity: row.severity,
    title: row.title,
    detail: row.detail,
    opened_at: row.openedAt.toISOString(),
    resolved_at: row.resolvedAt?.toISOString() ?? null,
    notified_at: row.notifiedAt?.toISOString() ?? null,
    notify_error: row.notifyError,
  };
}

export async function alertRoutes(app: ServiceApp, deps: AlertDeps): Promise<void> {
  /** Sends the test message and records it; the error message when it failed. */
  const test = async (actor: string): Promise<string | null> => {
    try {
      await deps.sendTest(actor);
      await recordAudit(deps.db, {
        at: deps.now(),
        actor,
        action: 'alerts.test',
        target: 'webhook',
        result: 'success',
        detail: null,
      });
      return null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await recordAudit(deps.db, {
        at: deps.now(),
        actor,
        action: 'alerts.test',
        target: 'webhook',
        result: 'failure',
        detail: message,
      });
      return message;
    }
  };

  const page = async (request: Parameters<typeof currentUser>[0], outcome: AlertsPageTest) => {
    const { open, resolved } = await listAlerts(deps.db);
    return (
      <AlertsPage
        open={open}
        resolved={resolved}
        channels={deps.channels()}
        test={outcome}
        urlFor={(target, query) => request.urlFor(target, query)}
      />
    );
  };

  app.get(
    '/alerts',
    {
      preValidation: adminPage,
      schema: { querystring: z.object({ test: z.enum(['sent']).optional().catch(undefined) }) },
    },
    async (request, reply) =>
      reply
        .header('Cache-Control', 'no-store')
        .html(await page(request, request.query.test === 'sent' ? { sent: true } : undefined)),
  );

  app.post('/alerts/test', { preValidation: adminPage }, async (request, reply) => {
    const error = await test(actorOf(currentUser(request)));
    if (error === null) return reply.redirectTo('/alerts', { test: 'sent' });
    return reply
      .code(502)
      .header('Cache-Control', 'no-store')
      .html(await page(request, { sent: false, error }));
  });

  app.get('/api/alerts', { preValidation: adminApi }, async () => {
    const { open, resolved } = await listAlerts(deps.db);
    return { open: open.map(view), resolved: resolved.map(view) };
  });

  app.post('/api/alerts/test', { preValidation: adminApi }, async (request) => {
    const error = await test(actorOf(currentUser(request)));
    if (error !== null) throw new AppError('bad_gateway', `The test alert was not delivered: ${error}`);
    return { delivered: true };
  });
}

type AlertsPageTest = Parameters<typeof AlertsPage>[0]['test'];
