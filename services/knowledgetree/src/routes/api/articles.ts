/** `/api/nodes/:id/revisions…`, `/api/render`: history, diff, restore, and the editor's preview. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth, requireUser } from '@hivematrix/sdk';
import type { KnowledgetreeDb } from '../../db/index.js';
import { diffRevisions, getRevision, listRevisions, renderMarkdown, restoreRevision } from '../../domain/index.js';
import type { CompaniesOf } from '../../codex-companies.js';
import { viewerOf } from '../viewer.js';
import { TREE_READERS } from './nodes.js';

const idParams = z.object({ id: z.string().min(1).max(64) });
const revParams = z.object({ id: z.string().min(1).max(64), rev: z.string().min(1).max(20) });
const summary = z.object({
  id: z.string(),
  number: z.number(),
  title: z.string(),
  message: z.string(),
  author_name: z.string(),
  created_at: z.string(),
});
const tocSchema = z.array(z.object({ level: z.number(), text: z.string(), slug: z.string() }));

export const articleApiRoutes: FastifyPluginAsync<{
  db: KnowledgetreeDb;
  now: () => Date;
  companiesOf: CompaniesOf;
}> = async (base, { db, now, companiesOf }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const readers = requireAuth({ services: [...TREE_READERS] });

  app.get(
    '/api/nodes/:id/revisions',
    { preHandler: readers, schema: { params: idParams, response: { 200: z.object({ revisions: z.array(summary) }) } } },
    async (request) => {
      const list = await listRevisions(db, await viewerOf(request, companiesOf), request.params.id);
      return { revisions: list.map((r) => ({ ...r, created_at: r.created_at.toISOString() })) };
    },
  );

  app.get(
    '/api/nodes/:id/revisions/:rev',
    {
      preHandler: readers,
      schema: {
        params: revParams,
        response: { 200: summary.extend({ markdown: z.string(), html: z.string(), toc: tocSchema }) },
      },
    },
    async (request) => {
      const r = await getRevision(db, await viewerOf(request, companiesOf), request.params.id, request.params.rev);
      return {
        id: r.id,
        number: r.number,
        title: r.title,
        message: r.message,
        author_name: r.author_name,
        created_at: r.created_at.toISOString(),
        markdown: r.markdown,
        html: r.html,
        toc: r.toc,
      };
    },
  );

  app.get(
    '/api/nodes/:id/diff',
    {
      preHandler: readers,
      schema: {
        params: idParams,
        querystring: z.object({ from: z.string().min(1).max(20), to: z.string().min(1).max(20) }),
        response: {
          200: z.object({
            from: z.number(),
            to: z.number(),
            patch: z.string(),
            parts: z.array(z.object({ kind: z.enum(['added', 'removed', 'same']), text: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      const d = await diffRevisions(
        db,
        await viewerOf(request, companiesOf),
        request.params.id,
        request.query.from,
        request.query.to,
      );
      return { from: d.from.number, to: d.to.number, patch: d.patch, parts: d.parts };
    },
  );

  app.post(
    '/api/nodes/:id/revisions/:rev/restore',
    {
      preHandler: requireUser(),
      schema: { params: revParams, response: { 200: z.object({ revision_id: z.string() }) } },
    },
    async (request) => ({
      revision_id: await restoreRevision(
        db,
        await viewerOf(request, companiesOf),
        request.params.id,
        request.params.rev,
        now(),
      ),
    }),
  );

  // The editor's live preview: the same renderer and sanitiser as a save, nothing stored.
  app.post(
    '/api/render',
    {
      preHandler: requireUser(),
      schema: {
        body: z.object({ markdown: z.string().max(2_000_000) }),
        response: { 200: z.object({ html: z.string(), toc: tocSchema }) },
      },
    },
    async (request) => {
      const rendered = renderMarkdown(request.body.markdown);
      return { html: rendered.html, toc: rendered.toc };
    },
  );
};
