/** `/docs`: the API reference page and `/docs/openapi.json`, both generated from the routes. */
import type { FastifyPluginAsync } from 'fastify';
import { requireAuth, requireUser } from '@hivematrix/sdk';
import { Card, PageHeader, Table } from '@hivematrix/sdk/html';
import { SERVICE_ACCESS } from '../../domain/index.js';
import { CodexPage } from '../../views/layout.js';
import { viewContext } from '../page-context.js';
import { openApiDocument, type collectApiRoutes } from './openapi.js';

const ALL_SERVICES = [...new Set(Object.values(SERVICE_ACCESS).flat())];

/** The API reference page and the OpenAPI document. */
export const docsRoutes: FastifyPluginAsync<{ routes: ReturnType<typeof collectApiRoutes>; version: string }> = async (
  app,
  { routes, version },
) => {
  const document = () =>
    openApiDocument(routes, {
      title: 'Codex API',
      version,
      description:
        'Companies, contacts, assets, billing plans, tickets and time entries of HiveMatrix. Errors are application/problem+json with a stable `code`.',
    });

  app.get('/docs/openapi.json', { preHandler: requireAuth({ services: ALL_SERVICES }) }, async (_request, reply) =>
    reply.type('application/json').send(document()),
  );

  app.get('/docs', { preHandler: requireUser({ page: true }) }, async (request, reply) => {
    const ctx = viewContext(request);
    const sorted = [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
    return reply.html(
      <CodexPage title="API" ctx={ctx}>
        <PageHeader
          title="Codex API"
          description="Every JSON endpoint, who may call it, and the machine-readable OpenAPI document."
        />
        <Card
          title="Endpoints"
          actions={
            <a class="btn btn--secondary btn--small" href={ctx.urlFor('/docs/openapi.json')}>
              openapi.json
            </a>
          }
        >
          <Table
            label="Endpoints"
            columns={[
              { key: 'method', label: 'Method' },
              { key: 'path', label: 'Path' },
              { key: 'summary', label: 'What' },
              { key: 'access', label: 'Who' },
            ]}
            rows={sorted.map((route) => ({
              method: route.method.toUpperCase(),
              path: <code>{route.url}</code>,
              summary: route.summary ?? '',
              access: route.access ?? '',
            }))}
          />
        </Card>
      </CodexPage>,
    );
  });
};
