/**
 * The OpenAPI 3.1 document of codex's JSON API, generated from the routes themselves by the SDK's
 * generator: each route's zod schemas become JSON Schema, and its `config.summary`/`config.access`
 * become the operation's text. Nothing is written twice, so the document cannot drift from what
 * the routes validate. Codex's one non-JSON body is CSV (a route whose body schema is a string).
 */
import { openApiDocument as generate, type DocumentedRoute } from '@hivematrix/sdk';

export { collectApiRoutes } from '@hivematrix/sdk';

/** The OpenAPI document for the collected routes. */
export function openApiDocument(
  routes: readonly DocumentedRoute[],
  info: { title: string; version: string; description: string },
): Record<string, unknown> {
  return generate(routes, {
    info,
    gatewayPrefix: '/codex',
    requestBody: (_route, body) =>
      body?.type === 'string' ? { required: true, content: { 'text/csv': { schema: body } } } : undefined,
  });
}
