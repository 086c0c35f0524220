/** `GET|POST /api/context/:id` (the assistant's bundle) and the dialog's list of attached folders. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '@hivematrix/sdk';
import type { KnowledgetreeDb } from '../../db/index.js';
import { attachedFolders, buildContext, isNodeId } from '../../domain/index.js';
import type { CompaniesOf } from '../../codex-companies.js';
import { viewerOf } from '../viewer.js';
import { TREE_READERS } from './nodes.js';

const idParams = z.object({ id: z.string().min(1).max(64) });
const budget = z.coerce.number().int().min(500).max(2_000_000);
const postBody = z
  .object({
    budget_chars: budget.optional(),
    exclude: z.array(z.string().refine(isNodeId, 'a folder id')).max(500).optional(),
  })
  .default({});
const getQuery = z.object({
  budget_chars: budget.optional(),
  exclude: z.union([z.string(), z.array(z.string())]).optional(),
});
const bundleSchema = z.object({
  markdown: z.string(),
  included: z.array(z.object({ id: z.string(), title: z.string() })),
  truncated: z.boolean(),
});

export const contextRoutes: FastifyPluginAsync<{
  db: KnowledgetreeDb;
  companiesOf: CompaniesOf;
  defaultBudget: number;
}> = async (base, { db, companiesOf, defaultBudget }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const readers = requireAuth({ services: [...TREE_READERS] });

  app.get(
    '/api/context/:id',
    { preHandler: readers, schema: { params: idParams, querystring: getQuery, response: { 200: bundleSchema } } },
    async (request) => {
      const exclude =
        request.query.exclude === undefined
          ? []
          : [request.query.exclude]
              .flat()
              .flatMap((e) => e.split(','))
              .filter(isNodeId);
      return buildContext(db, await viewerOf(request, companiesOf), request.params.id, {
        budgetChars: request.query.budget_chars ?? defaultBudget,
        exclude,
      });
    },
  );

  app.post(
    '/api/context/:id',
    { preHandler: readers, schema: { params: idParams, body: postBody, response: { 200: bundleSchema } } },
    async (request) => {
      const body = request.body;
      return buildContext(db, await viewerOf(request, companiesOf), request.params.id, {
        budgetChars: body.budget_chars ?? defaultBudget,
        exclude: body.exclude ?? [],
      });
    },
  );

  app.get(
    '/api/context/:id/folders',
    {
      preHandler: readers,
      schema: {
        params: idParams,
        response: { 200: z.object({ attached_folders: z.array(z.object({ id: z.string(), title: z.string() })) }) },
      },
    },
    async (request) => ({
      attached_folders: (await attachedFolders(db, await viewerOf(request, companiesOf), request.params.id)).map(
        (f) => ({ id: f.id, title: f.title }),
      ),
    }),
  );
};
