/**
 * OpenAPI 3.1 from the routes themselves, shared by the services that publish `/docs`: each
 * route's zod schemas (query, path, body, responses) become JSON Schema through zod's own
 * `z.toJSONSchema`, so the document cannot drift from what the routes validate. A service gives
 * the one-line summary and access of each route (from route config or a table of its own) and may
 * describe request bodies that are not JSON (CSV, multipart).
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';

/** What the generator keeps of a route. */
export interface DocumentedRoute {
  method: string;
  url: string;
  schema: RouteOptions['schema'];
  /** `config.summary` / `config.access` of the route, when it declares them there. */
  summary: string | undefined;
  access: string | undefined;
}

function configText(config: unknown, key: 'summary' | 'access'): string | undefined {
  const value = typeof config === 'object' && config !== null ? (config as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Collects the `/api/` routes of `app` as they are registered; call before registering them. */
export function collectApiRoutes(app: FastifyInstance): DocumentedRoute[] {
  const routes: DocumentedRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (method === 'HEAD') continue;
      routes.push({
        method: method.toLowerCase(),
        url: route.url,
        schema: route.schema,
        summary: configText(route.config, 'summary'),
        access: configText(route.config, 'access'),
      });
    }
  });
  return routes;
}

/** A zod schema as JSON Schema (draft 2020-12, as OpenAPI 3.1 uses); anything else → undefined. */
export function zodJsonSchema(schema: unknown, io: 'input' | 'output'): Record<string, unknown> | undefined {
  if (!(schema instanceof z.ZodType)) return undefined;
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>;
  return rest;
}

/** The properties of a path or query zod object as OpenAPI parameters (path ones always required). */
export function openApiParameters(schema: unknown, location: 'query' | 'path'): Record<string, unknown>[] {
  const json = zodJsonSchema(schema, 'input');
  const properties = (json?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((json?.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
  }));
}

export interface OpenApiOptions {
  info: { title: string; version: string; description: string };
  /** The service's prefix behind the gateway, e.g. `/codex`. */
  gatewayPrefix: string;
  /** Summary and access of a route; defaults to the route's own `config.summary`/`config.access`. */
  describe?: (route: DocumentedRoute) => { summary?: string | undefined; access?: string | undefined } | undefined;
  /**
   * The operation's `requestBody` when it is not JSON (CSV, multipart); `undefined` keeps the
   * default (the body schema as `application/json`, or none).
   */
  requestBody?: (
    route: DocumentedRoute,
    body: Record<string, unknown> | undefined,
  ) => Record<string, unknown> | undefined;
}

/** The OpenAPI document for the collected routes. */
export function openApiDocument(routes: readonly DocumentedRoute[], options: OpenApiOptions): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    const doc = options.describe?.(route) ?? { summary: route.summary, access: route.access };
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries((schema.response ?? {}) as Record<string, unknown>)) {
      responses[status] = {
        description: `HTTP ${status}`,
        content: { 'application/json': { schema: zodJsonSchema(response, 'output') ?? {} } },
      };
    }
    if (Object.keys(responses).length === 0) responses['200'] = { description: 'See the summary' };
    responses.default = { description: 'An error as application/problem+json (RFC 9457) with a stable `code`' };
    const body = zodJsonSchema(schema.body, 'input');
    const requestBody =
      options.requestBody?.(route, body) ??
      (body === undefined ? undefined : { required: true, content: { 'application/json': { schema: body } } });
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: doc.summary ?? `${route.method.toUpperCase()} ${route.url}`,
      ...(doc.access === undefined ? {} : { description: `Access: ${doc.access}.` }),
      parameters: [...openApiParameters(schema.params, 'path'), ...openApiParameters(schema.querystring, 'query')],
      ...(requestBody === undefined ? {} : { requestBody }),
      responses,
      security: [{ bearer: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: options.info,
    servers: [
      { url: options.gatewayPrefix, description: 'through the gateway' },
      { url: '/', description: 'direct' },
    ],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A platform user token, or a service token of the services a route names',
        },
      },
    },
    paths,
  };
}
