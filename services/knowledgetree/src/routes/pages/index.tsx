/**
 * The HTML pages and their forms. Forms post to the service (same-origin checked by the SDK) and
 * redirect back; a refused action (duplicate name, read-only, …) comes back as a message on the
 * page instead of a bare problem document. Every read goes through the same domain functions as
 * the API, so visibility is the same.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { AppError, requireUser } from '@hivematrix/sdk';
import type { KnowledgetreeDb } from '../../db/index.js';
import {
  attachedFolders,
  breadcrumb,
  buildContext,
  canWrite,
  changeSettings,
  childrenOf,
  createNode,
  deleteAttachment,
  diffRevisions,
  getNode,
  getRevision,
  isAdmin,
  listAttachments,
  listRevisions,
  listTrash,
  moveNode,
  nodeAtPath,
  renameNode,
  restoreNode,
  restoreRevision,
  RevisionConflict,
  rootNode,
  rows,
  saveArticle,
  search,
  setTags,
  sharedRoots,
  trashNode,
  visibleTo,
} from '../../domain/index.js';
import type { NodeRecord, Viewer } from '../../domain/index.js';
import { NodePage } from '../../views/node.js';
import { ContextPage, EditorPage, HistoryPage, SearchPage, TrashPage } from '../../views/pages.js';
import type { Crumb } from '../../views/shell.js';
import { titleSchema } from '../api/nodes.js';
import type { CompaniesOf } from '../../codex-companies.js';
import { viewerOf } from '../viewer.js';
import { diffLines } from 'diff';

const idParams = z.object({ id: z.string().min(1).max(64) });
const str = z.string().max(2_000_000);

/** The "/view/:id" URL of a page with an optional message. */
function back(request: FastifyRequest, id: string, message?: { notice?: string; error?: string }): string {
  const query: Record<string, string> = {};
  if (message?.notice !== undefined) query.notice = message.notice;
  if (message?.error !== undefined) query.error = message.error;
  return request.urlFor(`/view/${id}`, query);
}

/** Runs a form action; a refusal (4xx AppError) goes back to the page as a message. */
async function formAction(
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  action: () => Promise<string | undefined>,
): Promise<FastifyReply> {
  try {
    const target = await action();
    return reply.redirect(target ?? back(request, id), 303);
  } catch (error) {
    if (error instanceof AppError && error.status < 500 && error.status !== 401)
      return reply.redirect(back(request, id, { error: error.message }), 303);
    throw error;
  }
}

export const pageRoutes: FastifyPluginAsync<{
  db: KnowledgetreeDb;
  now: () => Date;
  companiesOf: CompaniesOf;
  defaultBudget: number;
}> = async (base, { db, now, companiesOf, defaultBudget }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const page = requireUser({ page: true });
  const form = requireUser();
  const viewer = (request: FastifyRequest) => viewerOf(request, companiesOf);

  async function frame(request: FastifyRequest, v: Viewer, node?: NodeRecord) {
    const root = await rootNode(db, v);
    const top = await childrenOf(db, v, root.id, 200);
    const crumbs: Crumb[] =
      node === undefined
        ? [{ id: root.id, title: 'KnowledgeTree' }]
        : [
            ...(await breadcrumb(db, v, node)).map((c) =>
              c.id === root.id ? { id: c.id, title: 'KnowledgeTree' } : c,
            ),
            { id: node.id, title: node.is_root ? 'KnowledgeTree' : node.title },
          ];
    return {
      urlFor: (path: string, query?: Record<string, string>) => request.urlFor(path, query),
      crumbs,
      sidebar: [...top, ...(await sharedRoots(db, v))]
        .filter((c) => c.type === 'folder')
        .map((c) => ({ id: c.id, title: c.title })),
      canWrite: canWrite(v),
    };
  }

  app.get('/', { preHandler: page }, async (request, reply) =>
    reply.redirect(request.urlFor(`/view/${(await rootNode(db, await viewer(request))).id}`), 302),
  );

  app.get('/browse/*', { preHandler: page }, async (request, reply) => {
    const path = decodeURIComponent((request.params as { '*': string })['*']);
    const node = await nodeAtPath(db, await viewer(request), path);
    return reply.redirect(request.urlFor(`/view/${node.id}`), 302);
  });

  app.get(
    '/view/:id',
    {
      preHandler: page,
      schema: {
        params: idParams,
        querystring: z.object({ notice: z.string().max(300).optional(), error: z.string().max(300).optional() }),
      },
    },
    async (request, reply) => {
      const v = await viewer(request);
      const node = await getNode(db, v, request.params.id);
      const rendered =
        node.type === 'article' && node.revision_id !== null
          ? await getRevision(db, v, node.id, node.revision_id)
          : undefined;
      const backlinks =
        node.type === 'article'
          ? await rows<Crumb>(
              db,
              sql`SELECT n.id, n.title FROM links l JOIN nodes n ON n.id = l.from_id WHERE l.to_id = ${node.id} AND ${visibleTo(v)} ORDER BY lower(n.title) LIMIT 100`,
            )
          : [];
      const props = {
        ...(await frame(request, v, node)),
        node,
        isAdmin: isAdmin(v),
        children:
          node.type === 'folder'
            ? [...(await childrenOf(db, v, node.id)), ...(node.is_root ? await sharedRoots(db, v) : [])]
            : [],
        attachments: await listAttachments(db, v, node.id),
        backlinks,
        attachedFolders:
          node.type === 'article'
            ? (await attachedFolders(db, v, node.id)).map((f) => ({ id: f.id, title: f.title }))
            : [],
        ...(rendered !== undefined ? { html: rendered.html, toc: rendered.toc } : {}),
        ...(request.query.notice !== undefined ? { notice: request.query.notice } : {}),
        ...(request.query.error !== undefined ? { error: request.query.error } : {}),
      };
      return reply.html(<NodePage {...props} />);
    },
  );

  app.post(
    '/view/:id/new',
    {
      preHandler: form,
      schema: {
        params: idParams,
        body: z.object({ title: z.string(), type: z.enum(['article', 'folder', 'attached']) }),
      },
    },
    async (request, reply) =>
      formAction(request, reply, request.params.id, async () => {
        const title = titleSchema.safeParse(request.body.title);
        if (!title.success) throw new AppError('validation_failed', 'A name needs 1 to 200 characters and no slash');
        const type = request.body.type === 'article' ? 'article' : 'folder';
        const id = await createNode(
          db,
          await viewer(request),
          { parentId: request.params.id, type, title: title.data, attached: request.body.type === 'attached' },
          now(),
        );
        return request.urlFor(type === 'article' ? `/view/${id}/edit` : `/view/${id}`);
      }),
  );

  app.post(
    '/view/:id/rename',
    { preHandler: form, schema: { params: idParams, body: z.object({ title: z.string() }) } },
    async (request, reply) =>
      formAction(request, reply, request.params.id, async () => {
        const title = titleSchema.safeParse(request.body.title);
        if (!title.success) throw new AppError('validation_failed', 'A name needs 1 to 200 characters and no slash');
        await renameNode(db, await viewer(request), request.params.id, title.data, now());
        return undefined;
      }),
  );

  // Two ways to name the destination: a folder path typed in the form (keyboard), or the folder's
  // id from a drag and drop in the tree (static/kt-tree.js), which comes back to the page it
  // started on (`from`). The domain refuses cycles, read-only subtrees and the root either way.
  const moveBody = z.union([
    z.object({ path: z.string().max(2000) }),
    z.object({ parent_id: z.string().min(1).max(64), from: z.string().min(1).max(64).optional() }),
  ]);
  app.post(
    '/view/:id/move',
    { preHandler: form, schema: { params: idParams, body: moveBody } },
    async (request, reply) => {
      const body = request.body;
      const from = 'parent_id' in body && body.from !== undefined ? body.from : request.params.id;
      return formAction(request, reply, from, async () => {
        const v = await viewer(request);
        const target = 'parent_id' in body ? body.parent_id : (await nodeAtPath(db, v, body.path)).id;
        const node = await getNode(db, v, request.params.id);
        await moveNode(db, v, node.id, target, now());
        return 'parent_id' in body ? back(request, from, { notice: `"${node.title}" moved` }) : undefined;
      });
    },
  );

  app.post(
    '/view/:id/settings',
    {
      preHandler: form,
      schema: {
        params: idParams,
        body: z.object({
          tags: z.string().max(2000).default(''),
          linked_company: z.string().max(50).default(''),
          attached: z.string().optional(),
          restrict_to: z.enum(['', 'admins', 'billing']).optional(),
          share_company: z.string().max(50).optional(),
          read_only: z.string().optional(),
        }),
      },
    },
    async (request, reply) =>
      formAction(request, reply, request.params.id, async () => {
        const v = await viewer(request);
        const b = request.body;
        const node = await getNode(db, v, request.params.id);
        if (!node.eff_read_only)
          await setTags(
            db,
            v,
            node.id,
            b.tags
              .split(',')
              .map((t) => t.trim())
              .filter((t) => t !== '')
              .slice(0, 30),
            now(),
          );
        await changeSettings(
          db,
          v,
          node.id,
          {
            linked_company: b.linked_company.trim() === '' ? null : b.linked_company.trim(),
            ...(node.type === 'folder' ? { attached: b.attached !== undefined } : {}),
            ...(isAdmin(v)
              ? {
                  restrict_to: b.restrict_to === 'admins' || b.restrict_to === 'billing' ? b.restrict_to : null,
                  share_company: (b.share_company ?? '').trim() === '' ? null : (b.share_company ?? '').trim(),
                  read_only: b.read_only !== undefined,
                }
              : {}),
          },
          now(),
        );
        return back(request, node.id, { notice: 'Settings saved' });
      }),
  );

  app.post('/view/:id/delete', { preHandler: form, schema: { params: idParams } }, async (request, reply) =>
    formAction(request, reply, request.params.id, async () => {
      const v = await viewer(request);
      const node = await getNode(db, v, request.params.id);
      await trashNode(db, v, node.id, now());
      return back(request, node.parent_id ?? node.id, { notice: `"${node.title}" moved to the trash` });
    }),
  );

  app.post(
    '/view/:id/attachments/:aid/delete',
    { preHandler: form, schema: { params: idParams.extend({ aid: z.string().max(64) }) } },
    async (request, reply) =>
      formAction(request, reply, request.params.id, async () => {
        await deleteAttachment(db, await viewer(request), request.params.aid);
        return undefined;
      }),
  );

  app.get('/view/:id/edit', { preHandler: page, schema: { params: idParams } }, async (request, reply) => {
    const v = await viewer(request);
    const node = await getNode(db, v, request.params.id);
    if (node.type !== 'article') throw new AppError('not_found', 'Only articles are edited');
    if (!canWrite(v) || node.eff_read_only)
      return reply.redirect(back(request, node.id, { error: 'This article is read-only' }), 303);
    return reply.html(
      <EditorPage
        {...await frame(request, v, node)}
        node={node}
        markdown={node.markdown}
        title={node.title}
        baseRevisionId={node.revision_id ?? ''}
      />,
    );
  });

  app.post(
    '/view/:id/edit',
    {
      preHandler: form,
      schema: {
        params: idParams,
        body: z.object({
          title: z.string().max(300),
          markdown: str,
          base_revision_id: z.string().max(20),
          message: z.string().max(500).default(''),
        }),
      },
    },
    async (request, reply) => {
      const v = await viewer(request);
      const node = await getNode(db, v, request.params.id);
      const b = request.body;
      // Browsers send CRLF from a textarea; store LF so diffs compare lines, not line endings.
      const markdown = b.markdown.replace(/\r\n/g, '\n');
      const rerender = async (extra: { error?: string; conflict?: { markdown: string; author: string; at: Date } }) => {
        const conflict =
          extra.conflict === undefined
            ? undefined
            : {
                ...extra.conflict,
                parts: diffLines(extra.conflict.markdown, markdown).map((c) => ({
                  kind: c.added ? ('added' as const) : c.removed ? ('removed' as const) : ('same' as const),
                  text: c.value,
                })),
              };
        const fresh = await getNode(db, v, node.id);
        return reply
          .code(extra.conflict !== undefined ? 409 : 400)
          .html(
            <EditorPage
              {...await frame(request, v, node)}
              node={node}
              markdown={markdown}
              title={b.title}
              message={b.message}
              baseRevisionId={extra.conflict !== undefined ? (fresh.revision_id ?? '') : b.base_revision_id}
              {...(conflict !== undefined ? { conflict } : {})}
              {...(extra.error !== undefined ? { error: extra.error } : {})}
            />,
          );
      };
      const title = titleSchema.safeParse(b.title);
      if (!title.success) return rerender({ error: 'A title needs 1 to 200 characters and no slash' });
      try {
        await saveArticle(
          db,
          v,
          node.id,
          { markdown, title: title.data, baseRevisionId: b.base_revision_id, message: b.message },
          now(),
        );
      } catch (error) {
        if (error instanceof RevisionConflict)
          return rerender({
            conflict: {
              markdown: error.current.markdown,
              author: error.current.author_name,
              at: error.current.created_at,
            },
          });
        if (error instanceof AppError && error.status < 500 && error.status !== 401)
          return rerender({ error: error.message });
        throw error;
      }
      return reply.redirect(back(request, node.id, { notice: 'Saved' }), 303);
    },
  );

  app.get(
    '/view/:id/history',
    {
      preHandler: page,
      schema: {
        params: idParams,
        querystring: z.object({ from: z.string().max(20).optional(), to: z.string().max(20).optional() }),
      },
    },
    async (request, reply) => {
      const v = await viewer(request);
      const node = await getNode(db, v, request.params.id);
      const revisions = await listRevisions(db, v, node.id);
      const { from, to } = request.query;
      const diff = from !== undefined && to !== undefined ? await diffRevisions(db, v, node.id, from, to) : undefined;
      return reply.html(
        <HistoryPage
          {...await frame(request, v, node)}
          node={node}
          revisions={revisions}
          writable={canWrite(v) && !node.eff_read_only}
          {...(diff !== undefined ? { diff: { from: diff.from.number, to: diff.to.number, parts: diff.parts } } : {})}
        />,
      );
    },
  );

  app.post(
    '/view/:id/restore/:rev',
    { preHandler: form, schema: { params: idParams.extend({ rev: z.string().max(20) }) } },
    async (request, reply) =>
      formAction(request, reply, request.params.id, async () => {
        const revision = await getRevision(db, await viewer(request), request.params.id, request.params.rev);
        await restoreRevision(db, await viewer(request), request.params.id, request.params.rev, now());
        return back(request, request.params.id, { notice: `Restored revision ${revision.number}` });
      }),
  );

  app.get(
    '/view/:id/context',
    {
      preHandler: page,
      schema: {
        params: idParams,
        querystring: z.object({ include: z.union([z.string(), z.array(z.string())]).optional() }),
      },
    },
    async (request, reply) => {
      const v = await viewer(request);
      const node = await getNode(db, v, request.params.id);
      // The dialog lists the attached folders as checkboxes; unchecked ones are excluded.
      const included = new Set([request.query.include ?? []].flat());
      const exclude = (await attachedFolders(db, v, node.id)).map((f) => f.id).filter((id) => !included.has(id));
      const bundle = await buildContext(db, v, node.id, { budgetChars: defaultBudget, exclude });
      return reply.html(
        <ContextPage
          {...await frame(request, v, node)}
          node={node}
          markdown={bundle.markdown}
          truncated={bundle.truncated}
          count={bundle.included.length}
        />,
      );
    },
  );

  app.get(
    '/search',
    { preHandler: page, schema: { querystring: z.object({ q: z.string().max(500).default('') }) } },
    async (request, reply) => {
      const v = await viewer(request);
      const result = await search(db, v, request.query.q, {}, 50);
      return reply.html(
        <SearchPage
          {...await frame(request, v)}
          query={request.query.q}
          hits={result.hits}
          {...(result.corrected !== undefined ? { corrected: result.corrected } : {})}
        />,
      );
    },
  );

  app.get('/trash', { preHandler: page }, async (request, reply) => {
    const v = await viewer(request);
    return reply.html(<TrashPage {...await frame(request, v)} items={await listTrash(db, v)} />);
  });

  app.post('/trash/:id/restore', { preHandler: form, schema: { params: idParams } }, async (request, reply) =>
    formAction(request, reply, request.params.id, async () => {
      await restoreNode(db, await viewer(request), request.params.id, now());
      return back(request, request.params.id, { notice: 'Restored from the trash' });
    }),
  );
};
