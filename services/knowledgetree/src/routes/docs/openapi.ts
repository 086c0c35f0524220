/**
 * The OpenAPI 3.1 document of the JSON API, generated from the routes themselves by the SDK's
 * generator (shared with codex): each route's zod schemas become JSON Schema; the one-line summary
 * and access come from `ROUTE_DOCS`, and the two multipart uploads are described here.
 */
import { openApiDocument as generate, type DocumentedRoute } from '@hivematrix/sdk';
import { ROUTE_DOCS } from './summaries.js';

export { collectApiRoutes, type DocumentedRoute } from '@hivematrix/sdk';

export function routeDoc(route: DocumentedRoute): { summary: string; access: string } | undefined {
  return ROUTE_DOCS[`${route.method} ${route.url}`];
}

/** Request bodies that are not JSON (the routes read them as streams). */
const MULTIPART: Record<string, string> = {
  'post /api/nodes/:id/attachments': 'One or more `file` parts',
  'post /api/import': 'One `file` part: a ZIP',
};

/** The OpenAPI document for the collected routes. */
export function openApiDocument(
  routes: readonly DocumentedRoute[],
  info: { title: string; version: string; description: string },
): Record<string, unknown> {
  return generate(routes, {
    info,
    gatewayPrefix: '/knowledgetree',
    describe: routeDoc,
    requestBody: (route) => {
      const multipart = MULTIPART[`${route.method} ${route.url}`];
      return multipart === undefined
        ? undefined
        : {
            required: true,
            description: multipart,
            content: {
              'multipart/form-data': {
                schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } },
              },
            },
          };
    },
  });
}
