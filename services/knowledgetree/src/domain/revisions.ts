/**
 * Article revisions: every save is a revision (author, time, message), rendered once and cached
 * with it; saving against a stale base revision is a conflict that carries both versions; any
 * revision can be restored (as a new revision, so history is never rewritten).
 */
import { sql } from 'drizzle-orm';
import { createTwoFilesPatch, diffLines } from 'diff';
import { AppError } from '@hivematrix/sdk';
import type { KnowledgetreeDb } from '../db/index.js';
import { getNode } from './nodes.js';
import { RENDER_VERSION, renderMarkdown, type TocEntry } from './render.js';
import { isUniqueViolation, one, rows, type Executor } from './sql.js';
import { assertWritable, type WriteOptions } from './writable.js';
import { actorName, actorSub, type Viewer } from './viewer.js';

export interface RevisionSummary {
  id: string;
  number: number;
  title: string;
  message: string;
  author_name: string;
  created_at: Date;
}

export interface Revision extends RevisionSummary {
  node_id: string;
  markdown: string;
  html: string;
  toc: TocEntry[];
}

/** A save whose base is not the current revision: both sides, so nothing is overwritten or lost. */
export class RevisionConflict extends AppError {
  constructor(
    readonly current: { revision_id: string; title: string; markdown: string; author_name: string; created_at: Date },
    readonly yours: { base_revision_id: string; title: string; markdown: string },
  ) {
    super('conflict', 'The article was changed since you opened it; both versions are included');
  }
}

const LINK_TO_ARTICLE = /\/view\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;

/** Ids of the articles a Markdown text links to (links are by id, so moves never break them). */
export function linkedIds(markdown: string): string[] {
  return [...new Set([...markdown.matchAll(LINK_TO_ARTICLE)].map((m) => (m[1] ?? '').toLowerCase()))];
}

/**
 * Writes a new revision of article `nodeId` and makes it current: render, plain text for search,
 * links and the search lexicon. The caller holds the node's row lock (or just created it).
 */
export async function saveRevision(
  tx: Executor,
  viewer: Viewer,
  nodeId: string,
  input: { title: string; markdown: string; message: string },
  now: Date,
): Promise<string> {
  const rendered = renderMarkdown(input.markdown);
  const revision = await one<{ id: string }>(
    tx,
    sql`INSERT INTO revisions (node_id, number, title, markdown, message, author_sub, author_name, created_at, html, toc, render_version)
        VALUES (${nodeId}, (SELECT coalesce(max(number), 0) + 1 FROM revisions WHERE node_id = ${nodeId}), ${input.title}, ${input.markdown},
                ${input.message}, ${actorSub(viewer)}, ${actorName(viewer)}, ${now}, ${rendered.html}, ${JSON.stringify(rendered.toc)}::jsonb, ${RENDER_VERSION})
        RETURNING id::text AS id`,
  );
  if (revision === undefined) throw new AppError('internal', 'insert returned no row');
  await tx.execute(sql`UPDATE nodes SET title = ${input.title}, markdown = ${input.markdown}, plain = ${rendered.plain},
                         revision_id = ${revision.id}::bigint, updated_at = ${now} WHERE id = ${nodeId}`);
  await tx.execute(sql`DELETE FROM links WHERE from_id = ${nodeId}`);
  const targets = linkedIds(input.markdown).filter((id) => id !== nodeId);
  if (targets.length > 0) {
    await tx.execute(sql`INSERT INTO links (from_id, to_id) SELECT ${nodeId}, n.id FROM nodes n
                         WHERE n.id IN (${sql.join(
                           targets.map((t) => sql`${t}::uuid`),
                           sql`, `,
                         )}) ON CONFLICT DO NOTHING`);
  }
  await tx.execute(sql`INSERT INTO lexicon (word)
                       SELECT lexeme FROM unnest(to_tsvector('simple', ${`${input.title} ${rendered.plain}`}))
                       WHERE char_length(lexeme) BETWEEN 3 AND 40 ON CONFLICT DO NOTHING`);
  return revision.id;
}

export interface SaveInput {
  markdown: string;
  title?: string;
  baseRevisionId: string;
  message?: string;
}

/** Saves an article unless its current revision moved on since `baseRevisionId` (then a RevisionConflict). */
export async function saveArticle(
  db: KnowledgetreeDb,
  viewer: Viewer,
  id: string,
  input: SaveInput,
  now: Date,
  options: WriteOptions = {},
): Promise<string> {
  try {
    return await db.transaction(async (tx) => {
      const node = await getNode(tx, viewer, id, 'update');
      if (node.type !== 'article') throw new AppError('validation_failed', 'Only articles have content');
      assertWritable(viewer, node, options);
      const title = input.title ?? node.title;
      if (node.revision_id !== input.baseRevisionId) {
        const current = await one<{ author_name: string; created_at: Date }>(
          tx,
          sql`SELECT author_name, created_at FROM revisions WHERE id = ${node.revision_id}::bigint`,
        );
        throw new RevisionConflict(
          {
            revision_id: node.revision_id ?? '',
            title: node.title,
            markdown: node.markdown,
            author_name: current?.author_name ?? '',
            created_at: current?.created_at ?? node.updated_at,
          },
          { base_revision_id: input.baseRevisionId, title, markdown: input.markdown },
        );
      }
      if (title === node.title && input.markdown === node.markdown) return node.revision_id ?? '';
      return saveRevision(tx, viewer, id, { title, markdown: input.markdown, message: input.message ?? '' }, now);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'nodes_sibling_title'))
      throw new AppError('conflict', `Something named "${input.title ?? ''}" already exists in that folder`);
    throw error;
  }
}

/** Revisions of a visible article, newest first. */
export async function listRevisions(db: Executor, viewer: Viewer, id: string, limit = 200): Promise<RevisionSummary[]> {
  const node = await getNode(db, viewer, id);
  return rows<RevisionSummary>(
    db,
    sql`SELECT id::text AS id, number, title, message, author_name, created_at FROM revisions WHERE node_id = ${node.id}
        ORDER BY number DESC LIMIT ${limit}`,
  );
}

/** One revision of a visible article; re-rendered (and re-cached) if the renderer changed since. */
export async function getRevision(db: Executor, viewer: Viewer, nodeId: string, revisionId: string): Promise<Revision> {
  const node = await getNode(db, viewer, nodeId);
  if (!/^\d{1,18}$/.test(revisionId)) throw new AppError('not_found', 'No such revision');
  const revision = await one<Revision & { render_version: number }>(
    db,
    sql`SELECT id::text AS id, node_id, number, title, message, author_name, created_at, markdown, html, toc, render_version
        FROM revisions WHERE id = ${revisionId}::bigint AND node_id = ${node.id}`,
  );
  if (revision === undefined) throw new AppError('not_found', 'No such revision');
  if (revision.render_version !== RENDER_VERSION) {
    const rendered = renderMarkdown(revision.markdown);
    await db.execute(sql`UPDATE revisions SET html = ${rendered.html}, toc = ${JSON.stringify(rendered.toc)}::jsonb, render_version = ${RENDER_VERSION}
                         WHERE id = ${revisionId}::bigint`);
    return { ...revision, html: rendered.html, toc: rendered.toc };
  }
  return revision;
}

export interface DiffPart {
  kind: 'added' | 'removed' | 'same';
  text: string;
}

/** A line diff between two revisions of one article, as parts and as a unified patch. */
export async function diffRevisions(
  db: Executor,
  viewer: Viewer,
  nodeId: string,
  fromId: string,
  toId: string,
): Promise<{ from: Revision; to: Revision; parts: DiffPart[]; patch: string }> {
  const from = await getRevision(db, viewer, nodeId, fromId);
  const to = await getRevision(db, viewer, nodeId, toId);
  const parts = diffLines(from.markdown, to.markdown).map((c) => ({
    kind: c.added ? ('added' as const) : c.removed ? ('removed' as const) : ('same' as const),
    text: c.value,
  }));
  const patch = createTwoFilesPatch(`revision ${from.number}`, `revision ${to.number}`, from.markdown, to.markdown);
  return { from, to, parts, patch };
}

/** Makes an old revision's content current again, as a new revision. */
export async function restoreRevision(
  db: KnowledgetreeDb,
  viewer: Viewer,
  nodeId: string,
  revisionId: string,
  now: Date,
): Promise<string> {
  const old = await getRevision(db, viewer, nodeId, revisionId);
  return db.transaction(async (tx) => {
    const node = await getNode(tx, viewer, nodeId, 'update');
    assertWritable(viewer, node);
    return saveRevision(
      tx,
      viewer,
      nodeId,
      { title: node.title, markdown: old.markdown, message: `Restored revision ${old.number}` },
      now,
    );
  });
}
