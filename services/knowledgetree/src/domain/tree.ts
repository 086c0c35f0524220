/**
 * Changing the tree: create, rename, move, restrictions, trash, restore and purge.
 *
 * Invariants (reference §2.11 items 2, 3, 9, 12, 13 fixed): one root that cannot be deleted,
 * renamed or moved; sibling titles unique case-insensitively, enforced by a unique index so two
 * concurrent creates cannot both win; a move never makes a cycle (moves are serialised by an
 * advisory lock, so two crossing moves cannot each pass the check); read-only subtrees refuse
 * every write here, on the server; deleting sends the subtree (with its attachments) to the trash.
 */
import { sql } from 'drizzle-orm';
import { AppError } from '@hivematrix/sdk';
import type { KnowledgetreeDb } from '../db/index.js';
import { getNode } from './nodes.js';
import { saveRevision } from './revisions.js';
import { isUniqueViolation, one, rows, type Executor } from './sql.js';
import { actorName, actorSub, canWrite, isAdmin, type Viewer } from './viewer.js';
import { assertWritable, type WriteOptions } from './writable.js';

/** Arbitrary key of the advisory lock that serialises moves (cycle checks see committed moves). */
const MOVE_LOCK = 5020_0001;

function duplicate(title: string): AppError {
  return new AppError('conflict', `Something named "${title}" already exists in that folder`);
}

export interface CreateInput {
  parentId: string;
  type: 'folder' | 'article';
  title: string;
  markdown?: string;
  tags?: string[];
  attached?: boolean;
  readOnly?: boolean;
  codexKey?: string;
  message?: string;
  /** A chosen id (an import keeps the exported one when it is free); otherwise a new one. */
  id?: string;
}

/** Creates a folder or an article (with its first revision) under a visible, writable folder. */
export async function createNode(
  db: KnowledgetreeDb,
  viewer: Viewer,
  input: CreateInput,
  now: Date,
  options: WriteOptions = {},
): Promise<string> {
  try {
    return await db.transaction(async (tx) => {
      // A share lock on the parent: a concurrent delete or move of it waits for this create.
      const parent = await getNode(tx, viewer, input.parentId, 'share');
      if (parent.type !== 'folder') throw new AppError('validation_failed', 'The parent must be a folder');
      assertWritable(viewer, parent, options);
      const created = await one<{ id: string }>(
        tx,
        sql`INSERT INTO nodes (id, parent_id, type, title, attached, read_only, tags, ancestors, eff_level, eff_company, codex_key,
                               created_by, created_by_name, created_at, updated_at)
            SELECT coalesce(${input.id ?? null}::uuid, gen_random_uuid()), ${parent.id}, ${input.type}, ${input.title}, ${input.attached ?? false}, ${input.readOnly ?? false},
                   ${tagsArray(input.tags ?? [])}, p.ancestors || p.id, p.eff_level, p.eff_company, ${input.codexKey ?? null},
                   ${actorSub(viewer)}, ${actorName(viewer)}, ${now}, ${now}
            FROM nodes p WHERE p.id = ${parent.id}
            RETURNING id`,
      );
      if (created === undefined) throw new AppError('internal', 'insert returned no row');
      if (input.type === 'article') {
        await saveRevision(
          tx,
          viewer,
          created.id,
          { title: input.title, markdown: input.markdown ?? '', message: input.message ?? 'Created' },
          now,
        );
      }
      return created.id;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'nodes_sibling_title')) throw duplicate(input.title);
    throw error;
  }
}

function tagsArray(tags: readonly string[]) {
  const clean = [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))];
  if (clean.length === 0) return sql`ARRAY[]::text[]`;
  return sql`ARRAY[${sql.join(
    clean.map((t) => sql`${t}`),
    sql`, `,
  )}]::text[]`;
}

/** Renames a node (not the root). */
export async function renameNode(
  db: KnowledgetreeDb,
  viewer: Viewer,
  id: string,
  title: string,
  now: Date,
  options: WriteOptions = {},
): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      const node = await getNode(tx, viewer, id, 'update');
      if (node.is_root) throw new AppError('forbidden', 'The root folder cannot be renamed');
      assertWritable(viewer, node, options);
      await tx.execute(sql`UPDATE nodes SET title = ${title}, updated_at = ${now} WHERE id = ${id}`);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'nodes_sibling_title')) throw duplicate(title);
    throw error;
  }
}

/** Replaces an article's or folder's tags. */
export async function setTags(
  db: KnowledgetreeDb,
  viewer: Viewer,
  id: string,
  tags: readonly string[],
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    const node = await getNode(tx, viewer, id, 'update');
    assertWritable(viewer, node);
    await tx.execute(sql`UPDATE nodes SET tags = ${tagsArray(tags)}, updated_at = ${now} WHERE id = ${id}`);
  });
}

/**
 * Recomputes ancestors and effective visibility for `id` and everything below it, from its
 * parent's values. Run after a move, a restriction change or a restore.
 */
export async function refreshSubtree(tx: Executor, id: string): Promise<void> {
  const strictest = (a: string, b: string) =>
    sql.raw(
      `CASE WHEN ${a} = 'admins' OR ${b} = 'admins' THEN 'admins' WHEN ${a} = 'billing' OR ${b} = 'billing' THEN 'billing' ELSE 'all' END`,
    );
  await tx.execute(sql`
    WITH RECURSIVE t AS (
      SELECT n.id, p.ancestors || p.id AS ancestors, ${strictest('p.eff_level', 'n.restrict_to')} AS eff_level,
             coalesce(n.share_company, p.eff_company) AS eff_company
      FROM nodes n JOIN nodes p ON p.id = n.parent_id WHERE n.id = ${id}
      UNION ALL
      SELECT c.id, t.ancestors || t.id, ${strictest('t.eff_level', 'c.restrict_to')}, coalesce(c.share_company, t.eff_company)
      FROM nodes c JOIN t ON c.parent_id = t.id
    )
    UPDATE nodes n SET ancestors = t.ancestors, eff_level = t.eff_level, eff_company = t.eff_company FROM t WHERE n.id = t.id`);
}

/** Moves a node into another folder, refusing the root, cycles and duplicate names. */
export async function moveNode(
  db: KnowledgetreeDb,
  viewer: Viewer,
  id: string,
  newParentId: string,
  now: Date,
  options: WriteOptions = {},
): Promise<void> {
  let title = '';
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${MOVE_LOCK})`);
      const node = await getNode(tx, viewer, id, 'update');
      title = node.title;
      if (node.is_root) throw new AppError('forbidden', 'The root folder cannot be moved');
      assertWritable(viewer, node, options);
      const target = await getNode(tx, viewer, newParentId, 'share');
      if (target.type !== 'folder') throw new AppError('validation_failed', 'Articles can only be moved into a folder');
      if (target.id === node.id || target.ancestors.includes(node.id)) {
        throw new AppError('conflict', 'A folder cannot be moved into itself or one of its subfolders');
      }
      assertWritable(viewer, target, options);
      if (node.parent_id === target.id) return;
      await tx.execute(sql`UPDATE nodes SET parent_id = ${target.id}, updated_at = ${now} WHERE id = ${id}`);
      await refreshSubtree(tx, id);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'nodes_sibling_title')) throw duplicate(title);
    throw error;
  }
}

export interface NodeSettings {
  attached?: boolean;
  read_only?: boolean;
  restrict_to?: 'admins' | 'billing' | null;
  share_company?: string | null;
  linked_company?: string | null;
}

/**
 * Changes a node's flags. Visibility and read-only are admin decisions (a technician could
 * otherwise lift a restriction placed above them); `attached` and the company link are anybody's
 * who may write the node.
 */
export async function changeSettings(
  db: KnowledgetreeDb,
  viewer: Viewer,
  id: string,
  settings: NodeSettings,
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    const node = await getNode(tx, viewer, id, 'update');
    const adminOnly =
      settings.read_only !== undefined || settings.restrict_to !== undefined || settings.share_company !== undefined;
    if (adminOnly && !isAdmin(viewer))
      throw new AppError('forbidden', 'Only an admin changes visibility and read-only');
    if (!isAdmin(viewer)) assertWritable(viewer, node);
    if (
      node.is_root &&
      (settings.restrict_to != null ||
        settings.share_company != null ||
        settings.read_only === true ||
        settings.attached === true)
    ) {
      throw new AppError('forbidden', 'The root folder cannot be restricted, shared, attached or made read-only');
    }
    await tx.execute(sql`UPDATE nodes SET
        attached = coalesce(${settings.attached ?? null}::boolean, attached),
        read_only = coalesce(${settings.read_only ?? null}::boolean, read_only),
        restrict_to = CASE WHEN ${settings.restrict_to !== undefined} THEN ${settings.restrict_to ?? null}::text ELSE restrict_to END,
        share_company = CASE WHEN ${settings.share_company !== undefined} THEN ${settings.share_company ?? null}::text ELSE share_company END,
        linked_company = CASE WHEN ${settings.linked_company !== undefined} THEN ${settings.linked_company ?? null}::text ELSE linked_company END,
        updated_at = ${now}
      WHERE id = ${id}`);
    if (!node.is_root && (settings.restrict_to !== undefined || settings.share_company !== undefined))
      await refreshSubtree(tx, id);
  });
}

/** Sends a node and its subtree (attachments included) to the trash. */
export async function trashNode(
  db: KnowledgetreeDb,
  viewer: Viewer,
  id: string,
  now: Date,
  options: WriteOptions = {},
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${MOVE_LOCK})`);
    const node = await getNode(tx, viewer, id, 'update');
    if (node.is_root) throw new AppError('forbidden', 'The root folder cannot be deleted');
    assertWritable(viewer, node, options);
    await tx.execute(sql`UPDATE nodes SET deleted_at = ${now}, deleted_by = ${actorSub(viewer)}, trash_batch = ${id}
                         WHERE (id = ${id} OR ${id} = ANY (ancestors)) AND deleted_at IS NULL`);
  });
}

export interface TrashEntry {
  id: string;
  type: 'folder' | 'article';
  title: string;
  deleted_at: Date;
  deleted_by: string;
  items: number;
}

/** What the viewer deleted (an admin: everything deleted they could read). */
export async function listTrash(db: Executor, viewer: Viewer): Promise<TrashEntry[]> {
  if (viewer.kind !== 'user' || !canWrite(viewer)) return [];
  const mine = isAdmin(viewer) ? sql`true` : sql`n.deleted_by = ${viewer.sub} AND n.eff_level = 'all'`;
  return rows<TrashEntry>(
    db,
    sql`SELECT n.id, n.type, n.title, n.deleted_at, n.deleted_by,
               (SELECT count(*)::int FROM nodes d WHERE d.trash_batch = n.id) AS items
        FROM nodes n WHERE n.trash_batch = n.id AND ${mine} ORDER BY n.deleted_at DESC LIMIT 500`,
  );
}

/** Restores a deleted node and everything deleted with it; the author of the delete or an admin. */
export async function restoreNode(db: KnowledgetreeDb, viewer: Viewer, id: string, now: Date): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${MOVE_LOCK})`);
      const node = await one<{ id: string; deleted_by: string; parent_live: boolean; eff_level: string }>(
        tx,
        sql`SELECT n.id, n.deleted_by, n.eff_level, (p.deleted_at IS NULL) AS parent_live FROM nodes n JOIN nodes p ON p.id = n.parent_id
            WHERE n.id = ${id} AND n.trash_batch = n.id FOR UPDATE OF n`,
      );
      const mayRestore =
        node !== undefined &&
        viewer.kind === 'user' &&
        canWrite(viewer) &&
        (isAdmin(viewer) || (node.deleted_by === viewer.sub && node.eff_level === 'all'));
      if (node === undefined || !mayRestore) throw new AppError('not_found', 'Nothing to restore with that id');
      if (!node.parent_live) throw new AppError('conflict', 'Its folder is in the trash too: restore that first');
      await tx.execute(
        sql`UPDATE nodes SET deleted_at = NULL, deleted_by = NULL, trash_batch = NULL, updated_at = ${now} WHERE trash_batch = ${id}`,
      );
      await refreshSubtree(tx, id);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'nodes_sibling_title'))
      throw new AppError('conflict', 'Something with the same name exists there now: rename it first');
    throw error;
  }
}

/** Deletes for good what has been in the trash longer than `retentionDays`. Returns the count. */
export async function purgeTrash(db: Executor, now: Date, retentionDays: number): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const purged = await rows<{ id: string }>(
    db,
    sql`DELETE FROM nodes WHERE id IN (SELECT id FROM nodes WHERE trash_batch = id AND deleted_at < ${cutoff}) RETURNING id`,
  );
  return purged.length;
}
