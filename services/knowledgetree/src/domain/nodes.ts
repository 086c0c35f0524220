/**
 * Reading nodes: one select list (with the path and the effective read-only flag computed by the
 * query), by id, by path, children. Every read takes a Viewer and applies `visibleTo`.
 */
import { sql, type SQL } from 'drizzle-orm';
import { AppError } from '@hivematrix/sdk';
import { one, rows, type Executor } from './sql.js';
import { visibleTo, type Viewer } from './viewer.js';

export interface NodeRecord {
  id: string;
  parent_id: string | null;
  type: 'folder' | 'article';
  title: string;
  is_root: boolean;
  attached: boolean;
  read_only: boolean;
  /** The node or an ancestor is read-only. */
  eff_read_only: boolean;
  restrict_to: 'admins' | 'billing' | null;
  share_company: string | null;
  eff_level: 'all' | 'billing' | 'admins';
  eff_company: string | null;
  ancestors: string[];
  linked_company: string | null;
  tags: string[];
  markdown: string;
  revision_id: string | null;
  codex_key: string | null;
  created_by: string;
  created_by_name: string;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  deleted_by: string | null;
  trash_batch: string | null;
  /** `/A/B/title`; the root is `/`. */
  path: string;
}

export interface ChildSummary {
  id: string;
  type: 'folder' | 'article';
  title: string;
  attached: boolean;
  read_only: boolean;
  updated_at: Date;
}

/** The select list of a full node, `n` being the alias. */
export const NODE_COLUMNS = sql`n.id, n.parent_id, n.type, n.title, n.is_root, n.attached, n.read_only,
  (n.read_only OR EXISTS (SELECT 1 FROM nodes r WHERE r.id = ANY (n.ancestors) AND r.read_only)) AS eff_read_only,
  n.restrict_to, n.share_company, n.eff_level, n.eff_company, n.ancestors::text[] AS ancestors, n.linked_company, n.tags,
  n.markdown, n.revision_id::text AS revision_id, n.codex_key, n.created_by, n.created_by_name, n.created_at, n.updated_at,
  n.deleted_at, n.deleted_by, n.trash_batch,
  CASE WHEN n.is_root THEN '/' ELSE
    coalesce((SELECT string_agg(a.title, '/' ORDER BY o.ord) FROM unnest(n.ancestors) WITH ORDINALITY o(aid, ord)
              JOIN nodes a ON a.id = o.aid WHERE NOT a.is_root) || '/', '') || n.title
  END AS path_tail`;

interface RawNode extends Omit<NodeRecord, 'path'> {
  path_tail: string;
}

function present(raw: RawNode): NodeRecord {
  const { path_tail: tail, ...rest } = raw;
  return { ...rest, path: tail === '/' ? '/' : `/${tail}` };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` has the shape of a node id (anything else is simply not found). */
export function isNodeId(id: string): boolean {
  return UUID.test(id);
}

/** A node the viewer can see, or undefined. `lock` takes a row lock inside a transaction. */
export async function findNode(
  db: Executor,
  viewer: Viewer,
  id: string,
  lock: '' | 'update' | 'share' = '',
): Promise<NodeRecord | undefined> {
  if (!isNodeId(id)) return undefined;
  const locking = lock === 'update' ? sql` FOR UPDATE OF n` : lock === 'share' ? sql` FOR SHARE OF n` : sql``;
  const raw = await one<RawNode>(
    db,
    sql`SELECT ${NODE_COLUMNS} FROM nodes n WHERE n.id = ${id} AND ${visibleTo(viewer)}${locking}`,
  );
  return raw === undefined ? undefined : present(raw);
}

/** Like `findNode`, but a missing or invisible node is a 404 (the two are indistinguishable). */
export async function getNode(
  db: Executor,
  viewer: Viewer,
  id: string,
  lock: '' | 'update' | 'share' = '',
): Promise<NodeRecord> {
  const node = await findNode(db, viewer, id, lock);
  if (node === undefined) throw new AppError('not_found', 'No such folder or article');
  return node;
}

/** The root folder (visible to everybody as a container). */
export async function rootNode(db: Executor, viewer: Viewer): Promise<NodeRecord> {
  const raw = await one<RawNode>(db, sql`SELECT ${NODE_COLUMNS} FROM nodes n WHERE n.is_root`);
  if (raw === undefined) throw new AppError('internal', 'The root folder is missing');
  void viewer;
  return present(raw);
}

/**
 * Resolves `/A/B/c` (case-insensitively, segment by segment over the sibling index) to a node the
 * viewer can see. Only the final node's visibility counts: a client user reaches the folder shared
 * with them through folders they cannot list.
 */
export async function nodeAtPath(db: Executor, viewer: Viewer, path: string): Promise<NodeRecord> {
  const segments = path
    .split('/')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  let id = (await rootNode(db, viewer)).id;
  for (const segment of segments) {
    const next = await one<{ id: string }>(
      db,
      sql`SELECT id FROM nodes WHERE parent_id = ${id} AND lower(title) = lower(${segment}) AND deleted_at IS NULL`,
    );
    if (next === undefined) throw new AppError('not_found', 'No such path');
    id = next.id;
  }
  const node = await findNode(db, viewer, id);
  if (node === undefined) throw new AppError('not_found', 'No such path');
  return node;
}

/** Visible live children: folders first, then by name. */
export async function childrenOf(db: Executor, viewer: Viewer, id: string, limit = 5000): Promise<ChildSummary[]> {
  return rows<ChildSummary>(
    db,
    sql`SELECT n.id, n.type, n.title, n.attached, n.read_only, n.updated_at FROM nodes n
        WHERE n.parent_id = ${id} AND ${visibleTo(viewer)}
        ORDER BY n.type = 'article', lower(n.title) LIMIT ${limit}`,
  );
}

/** The visible ancestors of a node, root first, for breadcrumbs. */
export async function breadcrumb(
  db: Executor,
  viewer: Viewer,
  node: NodeRecord,
): Promise<{ id: string; title: string }[]> {
  if (node.ancestors.length === 0) return [];
  return rows<{ id: string; title: string }>(
    db,
    sql`SELECT n.id, n.title FROM unnest(${uuidArray(node.ancestors)}) WITH ORDINALITY o(aid, ord)
        JOIN nodes n ON n.id = o.aid WHERE ${visibleTo(viewer)} ORDER BY o.ord`,
  );
}

/** Builds `uuid[]` from ids already known to be uuids (they come from the database). */
export function uuidArray(ids: readonly string[]): SQL {
  if (ids.length === 0) return sql`ARRAY[]::uuid[]`;
  return sql`ARRAY[${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )}]::uuid[]`;
}

/**
 * For a client user at the root: the top-most folders shared with their companies (they cannot
 * list the folders above them, so these are their starting points).
 */
export async function sharedRoots(db: Executor, viewer: Viewer): Promise<ChildSummary[]> {
  if (viewer.kind !== 'user' || viewer.level !== 'client' || viewer.companies.length === 0) return [];
  return rows<ChildSummary>(
    db,
    sql`SELECT n.id, n.type, n.title, n.attached, n.read_only, n.updated_at FROM nodes n
        WHERE n.share_company IS NOT NULL AND ${visibleTo(viewer)}
          AND NOT EXISTS (SELECT 1 FROM nodes a WHERE a.id = ANY (n.ancestors) AND a.share_company IS NOT NULL)
        ORDER BY lower(n.title) LIMIT 500`,
  );
}

/** Visible articles linked to a company or shared with it, newest first (codex's company page). */
export async function companyArticles(
  db: Executor,
  viewer: Viewer,
  account: string,
  limit = 200,
): Promise<NodeRecord[]> {
  const raw = await rows<RawNode>(
    db,
    sql`SELECT ${NODE_COLUMNS} FROM nodes n
        WHERE n.type = 'article' AND (n.linked_company = ${account} OR n.eff_company = ${account}) AND ${visibleTo(viewer)}
        ORDER BY n.updated_at DESC LIMIT ${limit}`,
  );
  return raw.map(present);
}
