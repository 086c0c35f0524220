/**
 * The OpenAPI 3.1 document of the JSON API, generated from the routes themselves: each route's
 * zod schemas (query, path, body, responses) become JSON Schema through zod's own
 * `z.toJSONSchema`, and its `config.summary`/`config.access` become the operation's text. Nothing
 * is written twice, so the document cannot drift from what the routes validate.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';

/** What the generator keeps of a route. */
interface DocumentedRoute {
  method: string;
  url: string;
  schema: RouteOptions['schema'];
  summary: string | undefined;
  access: string | undefined;
}

/** Collects the `/api/` routes of `app` as they are registered; call before registering them. */
export function collectApiRoutes(app: FastifyInstance): DocumentedRoute[] {
  const routes: DocumentedRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (method === 'HEAD') continue;
      routes.push({ method: method.toLowerCase(), url: route.url, schema: route.schema, summary: route.config?.summary, access: route.config?.access });
    }
  });
  return routes;
}

function jsonSchema(schema: unknown, io: 'input' | 'output'): Record<string, unknown> | undefined {
  if (!(schema instanceof z.ZodType)) return undefined;
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return rest;
}

function parameters(schema: unknown, location: 'query' | 'path'): Record<string, unknown>[] {
  const json = jsonSchema(schema, 'input');
  const properties = (json?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((json?.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({ name, in: location, required: location === 'path' || required.has(name), schema: property }));
}

/** The OpenAPI document for the collected routes. */
export function openApiDocument(routes: readonly DocumentedRoute[], info: { title: string; version: string; description: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries((schema.response ?? {}) as Record<string, unknown>)) {
      responses[status] = { description: `HTTP ${status}`, content: { 'application/json': { schema: jsonSchema(response, 'output') ?? {} } } };
    }
    if (Object.keys(responses).length === 0) responses['200'] = { description: 'See the summary' };
    responses.default = { description: 'An error as application/problem+json (RFC 9457) with a stable `code`' };
    const body = jsonSchema(schema.body, 'input');
    const contentType = body?.type === 'string' ? 'text/csv' : 'application/json';
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary ?? `${route.method.toUpperCase()} ${route.url}`,
      description: route.access === undefined ? undefined : `Access: ${route.access}.`,
      parameters: [...parameters(schema.params, 'path'), ...parameters(schema.querystring, 'query')],
      ...(body === undefined ? {} : { requestBody: { required: true, content: { [contentType]: { schema: body } } } }),
      responses,
      security: [{ bearer: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/codex', description: 'through the gateway' }, { url: '/', description: 'direct' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A platform user token, or a service token for the services a route names' } } },
    paths,
  };
}
