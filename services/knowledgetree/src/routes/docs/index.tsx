/** `/docs`: the API reference page and `/docs/openapi.json`, both generated from the routes. */
import type { FastifyPluginAsync } from 'fastify';
import { requireAuth, requireUser } from '@hivematrix/sdk';
import { Card, Page, PageHeader, Table } from '@hivematrix/sdk/html';
import { TREE_READERS } from '../api/nodes.js';
import { openApiDocument, routeDoc, type DocumentedRoute } from './openapi.js';

export const docsRoutes: FastifyPluginAsync<{ routes: DocumentedRoute[]; version: string }> = async (
  app,
  { routes, version },
) => {
  const document = () =>
    openApiDocument(routes, {
      title: 'KnowledgeTree API',
      version,
      description:
        'Folders and Markdown articles, revisions, search, attachments, context export, ZIP export/import and the codex job. Errors are application/problem+json with a stable `code`.',
    });

  app.get('/docs/openapi.json', { preHandler: requireAuth({ services: [...TREE_READERS] }) }, async (_request, reply) =>
    reply.type('application/json').send(document()),
  );

  app.get('/docs', { preHandler: requireUser({ page: true }) }, async (request, reply) => {
    const sorted = [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
    return reply.html(
      <Page title="API" service="knowledgetree">
        <PageHeader
          title="KnowledgeTree API"
          description="Every JSON endpoint, who may call it, and the machine-readable OpenAPI document."
        />
        <Card
          title="Endpoints"
          actions={
            <a class="btn btn--secondary btn--small" href={request.urlFor('/docs/openapi.json')}>
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
              summary: routeDoc(route)?.summary ?? '',
              access: routeDoc(route)?.access ?? '',
            }))}
          />
        </Card>
      </Page>,
    );
  });
};
