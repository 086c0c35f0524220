/**
 * `/api/nodes…`, `/api/browse`, `/api/trash`: the tree as JSON. Reads accept the user's own token
 * (brainhair forwards it) and service tokens of brainhair and codex; writes are users only.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, PROBLEM_CONTENT_TYPE, requireAuth, requireUser, toProblem } from '@hivematrix/sdk';
import type { KnowledgetreeDb } from '../../db/index.js';
import {
  changeSettings,
  childrenOf,
  companyArticles,
  createNode,
  getNode,
  listTrash,
  moveNode,
  nodeAtPath,
  renameNode,
  restoreNode,
  RevisionConflict,
  saveArticle,
  setTags,
  trashNode,
} from '../../domain/index.js';
import type { Executor, NodeRecord, Viewer } from '../../domain/index.js';
import type { CompaniesOf } from '../../codex-companies.js';
import { viewerOf } from '../viewer.js';

/** Services that may read the tree with a service token. */
export const TREE_READERS = ['brainhair', 'codex'] as const;

export const titleSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^/\p{Cc}]+$/u, 'no slash or control characters');
const tagsSchema = z.array(z.string().trim().min(1).max(50)).max(30);
const idParams = z.object({ id: z.string().min(1).max(64) });
const childSchema = z.object({ id: z.string(), type: z.enum(['folder', 'article']), title: z.string() });
export const nodeSchema = z.object({
  id: z.string(),
  type: z.enum(['folder', 'article']),
  title: z.string(),
  parent_id: z.string().nullable(),
  path: z.string(),
  read_only: z.boolean(),
  attached: z.boolean(),
  linked_company: z.string().nullable(),
  updated_at: z.string(),
  markdown: z.string().optional(),
  revision_id: z.string().nullable().optional(),
  tags: z.array(z.string()).optional(),
  children: z.array(childSchema).optional(),
});
type NodeJson = z.infer<typeof nodeSchema>;

/** The JSON of a node: articles carry their Markdown, folders their visible children. */
export async function presentNode(db: Executor, viewer: Viewer, node: NodeRecord): Promise<NodeJson> {
  const base = {
    id: node.id,
    type: node.type,
    title: node.title,
    parent_id: node.parent_id,
    path: node.path,
    read_only: node.eff_read_only,
    attached: node.attached,
    linked_company: node.linked_company,
    updated_at: node.updated_at.toISOString(),
    tags: node.tags,
  };
  if (node.type === 'article') return { ...base, markdown: node.markdown, revision_id: node.revision_id };
  const children = await childrenOf(db, viewer, node.id);
  return { ...base, children: children.map((c) => ({ id: c.id, type: c.type, title: c.title })) };
}

const createBody = z.object({
  parent_id: z.string().min(1).max(64),
  type: z.enum(['folder', 'article']),
  title: titleSchema,
  markdown: z.string().max(2_000_000).optional(),
  tags: tagsSchema.optional(),
  attached: z.boolean().optional(),
  message: z.string().max(500).optional(),
});
const updateBody = z.object({
  markdown: z.string().max(2_000_000),
  title: titleSchema.optional(),
  base_revision_id: z.union([z.string().min(1).max(20), z.number().int().nonnegative()]).transform(String),
  message: z.string().max(500).optional(),
  tags: tagsSchema.optional(),
});
const patchBody = z.object({
  title: titleSchema.optional(),
  tags: tagsSchema.optional(),
  attached: z.boolean().optional(),
  read_only: z.boolean().optional(),
  restrict_to: z.enum(['admins', 'billing']).nullable().optional(),
  share_company: z.string().trim().min(1).max(50).nullable().optional(),
  linked_company: z.string().trim().min(1).max(50).nullable().optional(),
});
const moveBody = z.object({ parent_id: z.string().min(1).max(64) });
const trashSchema = z.object({
  items: z.array(
    z.object({ id: z.string(), type: z.string(), title: z.string(), deleted_at: z.string(), items: z.number() }),
  ),
});

/** Sends a revision conflict as problem+json with both versions (the SDK's problem body plus two members). */
export function sendConflict(reply: FastifyReply, error: RevisionConflict, instance: string): FastifyReply {
  return reply
    .code(409)
    .type(PROBLEM_CONTENT_TYPE)
    .serializer((body) => JSON.stringify(body))
    .send({
      ...toProblem(error, instance, reply.request.id),
      current: { ...error.current, created_at: error.current.created_at.toISOString() },
      yours: error.yours,
    });
}

export const nodeApiRoutes: FastifyPluginAsync<{
  db: KnowledgetreeDb;
  now: () => Date;
  companiesOf: CompaniesOf;
}> = async (base, { db, now, companiesOf }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const readers = requireAuth({ services: [...TREE_READERS] });
  const viewer = (request: Parameters<typeof viewerOf>[0]) => viewerOf(request, companiesOf);

  app.get(
    '/api/nodes/:id',
    { preHandler: readers, schema: { params: idParams, response: { 200: nodeSchema } } },
    async (request) => {
      const v = await viewer(request);
      return presentNode(db, v, await getNode(db, v, request.params.id));
    },
  );

  // Codex's company page lists the articles linked to (or shared with) a company.
  app.get(
    '/api/companies/:account/articles',
    {
      preHandler: readers,
      schema: {
        params: z.object({ account: z.string().trim().min(1).max(50) }),
        response: {
          200: z.object({
            articles: z.array(
              z.object({ id: z.string(), title: z.string(), path: z.string(), updated_at: z.string() }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const list = await companyArticles(db, await viewer(request), request.params.account);
      return {
        articles: list.map((a) => ({ id: a.id, title: a.title, path: a.path, updated_at: a.updated_at.toISOString() })),
      };
    },
  );

  app.get(
    '/api/browse',
    {
      preHandler: readers,
      schema: { querystring: z.object({ path: z.string().max(2000).default('/') }), response: { 200: nodeSchema } },
    },
    async (request) => {
      const v = await viewer(request);
      return presentNode(db, v, await nodeAtPath(db, v, request.query.path));
    },
  );

  app.post(
    '/api/nodes',
    { preHandler: requireUser(), schema: { body: createBody, response: { 201: nodeSchema } } },
    async (request, reply) => {
      const v = await viewer(request);
      const b = request.body;
      const id = await createNode(
        db,
        v,
        {
          parentId: b.parent_id,
          type: b.type,
          title: b.title,
          ...(b.markdown !== undefined ? { markdown: b.markdown } : {}),
          ...(b.tags !== undefined ? { tags: b.tags } : {}),
          ...(b.attached !== undefined ? { attached: b.attached } : {}),
          ...(b.message !== undefined ? { message: b.message } : {}),
        },
        now(),
      );
      return reply.code(201).send(await presentNode(db, v, await getNode(db, v, id)));
    },
  );

  app.put(
    '/api/nodes/:id',
    { preHandler: requireUser(), schema: { params: idParams, body: updateBody, response: { 200: nodeSchema } } },
    async (request, reply) => {
      const v = await viewer(request);
      const b = request.body;
      try {
        await saveArticle(
          db,
          v,
          request.params.id,
          {
            markdown: b.markdown,
            baseRevisionId: b.base_revision_id,
            ...(b.title !== undefined ? { title: b.title } : {}),
            ...(b.message !== undefined ? { message: b.message } : {}),
          },
          now(),
        );
      } catch (error) {
        if (error instanceof RevisionConflict) return sendConflict(reply, error, request.url);
        throw error;
      }
      if (b.tags !== undefined) await setTags(db, v, request.params.id, b.tags, now());
      return presentNode(db, v, await getNode(db, v, request.params.id));
    },
  );

  app.patch(
    '/api/nodes/:id',
    { preHandler: requireUser(), schema: { params: idParams, body: patchBody, response: { 200: nodeSchema } } },
    async (request) => {
      const v = await viewer(request);
      const { title, tags, ...settings } = request.body;
      if (title !== undefined) await renameNode(db, v, request.params.id, title, now());
      if (tags !== undefined) await setTags(db, v, request.params.id, tags, now());
      const clean = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
      if (Object.keys(clean).length > 0) await changeSettings(db, v, request.params.id, clean, now());
      return presentNode(db, v, await getNode(db, v, request.params.id));
    },
  );

  app.post(
    '/api/nodes/:id/move',
    { preHandler: requireUser(), schema: { params: idParams, body: moveBody, response: { 200: nodeSchema } } },
    async (request) => {
      const v = await viewer(request);
      await moveNode(db, v, request.params.id, request.body.parent_id, now());
      return presentNode(db, v, await getNode(db, v, request.params.id));
    },
  );

  app.delete('/api/nodes/:id', { preHandler: requireUser(), schema: { params: idParams } }, async (request, reply) => {
    await trashNode(db, await viewer(request), request.params.id, now());
    return reply.code(204).send();
  });

  app.get('/api/trash', { preHandler: requireUser(), schema: { response: { 200: trashSchema } } }, async (request) => {
    const items = await listTrash(db, await viewer(request));
    return {
      items: items.map((i) => ({
        id: i.id,
        type: i.type,
        title: i.title,
        deleted_at: i.deleted_at.toISOString(),
        items: i.items,
      })),
    };
  });

  app.post(
    '/api/trash/:id/restore',
    { preHandler: requireUser(), schema: { params: idParams, response: { 200: nodeSchema } } },
    async (request) => {
      const v = await viewer(request);
      if (!/^[0-9a-f-]{36}$/i.test(request.params.id))
        throw new AppError('not_found', 'Nothing to restore with that id');
      await restoreNode(db, v, request.params.id, now());
      return presentNode(db, v, await getNode(db, v, request.params.id));
    },
  );
};
