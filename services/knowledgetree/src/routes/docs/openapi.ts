/**
 * The OpenAPI 3.1 document of the JSON API, generated from the routes themselves (the approach of
 * codex's docs): each route's zod schemas (query, path, body, responses) become JSON Schema through
 * zod's `z.toJSONSchema`; the one-line summary and access come from `ROUTE_DOCS`.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';
import { ROUTE_DOCS } from './summaries.js';

export interface DocumentedRoute {
  method: string;
  url: string;
  schema: RouteOptions['schema'];
}

/** Collects the `/api/` routes of `app` as they are registered; call before registering them. */
export function collectApiRoutes(app: FastifyInstance): DocumentedRoute[] {
  const routes: DocumentedRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (method === 'HEAD') continue;
      routes.push({ method: method.toLowerCase(), url: route.url, schema: route.schema });
    }
  });
  return routes;
}

export function routeDoc(route: DocumentedRoute): { summary: string; access: string } | undefined {
  return ROUTE_DOCS[`${route.method} ${route.url}`];
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

/** Request bodies that are not JSON (the routes read them as streams). */
const MULTIPART: Record<string, string> = {
  'post /api/nodes/:id/attachments': 'One or more `file` parts',
  'post /api/import': 'One `file` part: a ZIP',
};

/** The OpenAPI document for the collected routes. */
export function openApiDocument(routes: readonly DocumentedRoute[], info: { title: string; version: string; description: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    const doc = routeDoc(route);
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries((schema.response ?? {}) as Record<string, unknown>)) {
      responses[status] = { description: `HTTP ${status}`, content: { 'application/json': { schema: jsonSchema(response, 'output') ?? {} } } };
    }
    if (Object.keys(responses).length === 0) responses['200'] = { description: 'See the summary' };
    responses.default = { description: 'An error as application/problem+json (RFC 9457) with a stable `code`' };
    const key = `${route.method} ${route.url}`;
    const body = jsonSchema(schema.body, 'input');
    const multipart = MULTIPART[key];
    const requestBody = multipart !== undefined
      ? { required: true, description: multipart, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } } } }
      : body === undefined ? undefined : { required: true, content: { 'application/json': { schema: body } } };
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: doc?.summary ?? `${route.method.toUpperCase()} ${route.url}`,
      ...(doc === undefined ? {} : { description: `Access: ${doc.access}.` }),
      parameters: [...parameters(schema.params, 'path'), ...parameters(schema.querystring, 'query')],
      ...(requestBody === undefined ? {} : { requestBody }),
      responses,
      security: [{ bearer: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/knowledgetree', description: 'through the gateway' }, { url: '/', description: 'direct' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A platform user token, or a service token of the services a route names' } } },
    paths,
  };
}
