/** `/api/search`: ranked full-text search with snippets, within what the caller may read. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '@hivematrix/sdk';
import type { KnowledgetreeDb } from '../../db/index.js';
import { isNodeId, search } from '../../domain/index.js';
import type { CompaniesOf } from '../../codex-companies.js';
import { viewerOf } from '../viewer.js';
import { TREE_READERS } from './nodes.js';

export const searchQuery = z.object({
  q: z.string().max(500).default(''),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  folder_id: z.string().refine(isNodeId, 'a node id').optional(),
  tag: z.string().trim().min(1).max(50).optional(),
  company: z.string().trim().min(1).max(50).optional(),
});

export const searchRoutes: FastifyPluginAsync<{ db: KnowledgetreeDb; companiesOf: CompaniesOf }> = async (
  base,
  { db, companiesOf },
) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/search',
    {
      preHandler: requireAuth({ services: [...TREE_READERS] }),
      schema: {
        querystring: searchQuery,
        response: {
          200: z.object({
            results: z.array(
              z.object({
                id: z.string(),
                type: z.enum(['folder', 'article']),
                title: z.string(),
                path: z.string(),
                snippet: z.string(),
              }),
            ),
            corrected: z.string().optional(),
          }),
        },
      },
    },
    async (request) => {
      const { q, limit, folder_id: folderId, tag, company } = request.query;
      const result = await search(
        db,
        await viewerOf(request, companiesOf),
        q,
        {
          ...(folderId !== undefined ? { folderId } : {}),
          ...(tag !== undefined ? { tag } : {}),
          ...(company !== undefined ? { company } : {}),
        },
        limit,
      );
      return {
        results: result.hits.map((h) => ({ id: h.id, type: h.type, title: h.title, path: h.path, snippet: h.snippet })),
        ...(result.corrected !== undefined ? { corrected: result.corrected } : {}),
      };
    },
  );
};
