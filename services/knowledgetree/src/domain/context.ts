/**
 * The context export (reference §2.8): the Markdown bundle an assistant is given for an article.
 *
 * For the article's path root → … → parent, it takes each folder's articles (the article's
 * siblings and its ancestors' siblings) and every article under the "attached" folders that hang
 * off that path, minus the folders the caller excludes. Everything goes through `visibleTo`, so a
 * bundle never carries what its reader could not open. Within the caller's size budget the
 * article itself comes first, then the nearest folders before the farther ones; what does not fit
 * is left out whole and `truncated` says so. The output is ordered from the root down, as the
 * original's was.
 */
import { sql } from 'drizzle-orm';
import { getNode, uuidArray } from './nodes.js';
import { rows, type Executor } from './sql.js';
import { visibleTo, type Viewer } from './viewer.js';

export interface ContextBundle {
  markdown: string;
  included: { id: string; title: string }[];
  truncated: boolean;
}

interface Item {
  id: string;
  title: string;
  markdown: string;
  parent_id: string;
  ancestors: string[];
}

interface AttachedFolder {
  id: string;
  title: string;
  parent_id: string;
}

/** The attached folders on an article's path (the export dialog's checkboxes). */
export async function attachedFolders(db: Executor, viewer: Viewer, id: string): Promise<AttachedFolder[]> {
  const node = await getNode(db, viewer, id);
  const pathFolders = node.type === 'folder' ? [...node.ancestors, node.id] : node.ancestors;
  return rows<AttachedFolder>(
    db,
    sql`SELECT n.id, n.title, n.parent_id FROM nodes n
        WHERE n.parent_id = ANY (${uuidArray(pathFolders)}) AND n.type = 'folder' AND n.attached AND ${visibleTo(viewer)}
        ORDER BY array_length(n.ancestors, 1), lower(n.title)`,
  );
}

function section(item: Item, note: string): string {
  const body = item.markdown.trim() === '' ? '> No content.' : item.markdown.trim();
  return `### ${item.title}${note}\n\n${body}\n`;
}

export async function buildContext(
  db: Executor,
  viewer: Viewer,
  id: string,
  options: { budgetChars: number; exclude: readonly string[] },
): Promise<ContextBundle> {
  const node = await getNode(db, viewer, id);
  const pathFolders = node.type === 'folder' ? [...node.ancestors, node.id] : node.ancestors;
  const excluded = new Set(options.exclude.map((e) => e.toLowerCase()));
  const isExcluded = (item: { id: string; ancestors: string[] }) =>
    excluded.has(item.id) || item.ancestors.some((a) => excluded.has(a));

  const siblings = (
    await rows<Item>(
      db,
      sql`SELECT n.id, n.title, n.markdown, n.parent_id, n.ancestors::text[] AS ancestors FROM nodes n
        WHERE n.parent_id = ANY (${uuidArray(pathFolders)}) AND n.type = 'article' AND n.id <> ${node.id} AND ${visibleTo(viewer)}
        ORDER BY lower(n.title)`,
    )
  ).filter((i) => !isExcluded(i));
  const attached = (await attachedFolders(db, viewer, id)).filter((f) => !excluded.has(f.id));
  const attachedItems =
    attached.length === 0
      ? []
      : (
          await rows<Item>(
            db,
            sql`SELECT n.id, n.title, n.markdown, n.parent_id, n.ancestors::text[] AS ancestors FROM nodes n
        WHERE n.ancestors && ${uuidArray(attached.map((f) => f.id))} AND n.type = 'article' AND n.id <> ${node.id} AND ${visibleTo(viewer)}
        ORDER BY array_length(n.ancestors, 1), lower(n.title) LIMIT 5000`,
          )
        ).filter((i) => !isExcluded(i));

  // Candidates in priority order: nearest folder first; within a folder, its own articles, then attached ones.
  interface Candidate {
    depth: number;
    order: number;
    item: Item;
    text: string;
  }
  const candidates: Candidate[] = [];
  pathFolders.forEach((folderId, depth) => {
    for (const item of siblings.filter((s) => s.parent_id === folderId))
      candidates.push({ depth, order: candidates.length, item, text: section(item, '') });
    for (const folder of attached.filter((f) => f.parent_id === folderId)) {
      for (const item of attachedItems.filter((a) => a.ancestors.includes(folder.id))) {
        candidates.push({
          depth,
          order: candidates.length,
          item,
          text: section(item, ` (from attached folder: ${folder.title})`),
        });
      }
    }
  });

  let budget = options.budgetChars;
  let truncated = false;
  const header = `# Context for: ${node.title}\n\nPath: ${node.path}\n`;
  budget -= header.length;
  let own = '';
  if (node.type === 'article') {
    own = `\n## ${node.title}\n\n${node.markdown.trim()}\n`;
    if (own.length > budget) {
      own = `${own.slice(0, Math.max(0, budget - 20))}\n\n[… truncated]\n`;
      truncated = true;
    }
    budget -= own.length;
  }
  const chosen = new Set<Candidate>();
  const byPriority = [...candidates].sort((a, b) => b.depth - a.depth || a.order - b.order);
  const seen = new Set<string>();
  for (const candidate of byPriority) {
    if (seen.has(candidate.item.id)) continue;
    if (candidate.text.length + 64 > budget) {
      truncated = true;
      continue;
    }
    seen.add(candidate.item.id);
    chosen.add(candidate);
    budget -= candidate.text.length + 64;
  }

  const titles = new Map<string, string>();
  if (pathFolders.length > 0) {
    for (const f of await rows<{ id: string; title: string }>(
      db,
      sql`SELECT id, title FROM nodes WHERE id = ANY (${uuidArray(pathFolders)})`,
    ))
      titles.set(f.id, f.title);
  }
  const parts: string[] = [header, own];
  pathFolders.forEach((folderId, depth) => {
    const inFolder = candidates.filter((c) => c.depth === depth && chosen.has(c));
    if (inFolder.length === 0) return;
    parts.push(`\n## Context: ${titles.get(folderId) ?? ''}\n\n${inFolder.map((c) => c.text).join('\n')}`);
  });
  const included = [
    ...(node.type === 'article' ? [{ id: node.id, title: node.title }] : []),
    ...candidates.filter((c) => chosen.has(c)).map((c) => ({ id: c.item.id, title: c.item.title })),
  ];
  return { markdown: parts.join(''), included, truncated };
}
