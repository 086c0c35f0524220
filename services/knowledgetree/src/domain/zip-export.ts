/**
 * Export: a folder (or the root: everything) as a ZIP of Markdown files, streamed. Each article is
 * `<folders>/<title>.md` with YAML front matter (id, title, tags, links, attachments); each
 * folder's own settings are `<folder>/_folder.kt.yml`; attachments are
 * `<title>.attachments/<file>` beside their article, and the article's links to them are rewritten
 * to those relative paths, so the files read well in any Markdown tool. Only what the viewer can
 * see is exported (`visibleTo` in the one query); article text and attachment bytes are read
 * lazily as the ZIP stream is consumed, so memory holds the list of nodes, not their content.
 */
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import yazl from 'yazl';
import { stringify } from 'yaml';
import { getNode } from './nodes.js';
import { attachmentStream } from './attachments.js';
import { linkedIds } from './revisions.js';
import { one, rows, type Executor } from './sql.js';
import { visibleTo, type Viewer } from './viewer.js';
import { ATTACHMENTS_SUFFIX, encodeSegment, FOLDER_META, linkTarget } from './zip-names.js';

interface ExportNode {
  id: string;
  parent_id: string;
  type: 'folder' | 'article';
  title: string;
  tags: string[];
  attached: boolean;
  linked_company: string | null;
  updated_at: Date;
}

const ATTACHMENT_LINK = /[^\s()<>"'\]]*\/attachments\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;

function frontMatter(data: Record<string, unknown>): string {
  return `---\n${stringify(data)}---\n`;
}

/** The export of `folderId`'s subtree as a ZIP stream, and a file name for it. */
export async function exportZip(
  db: Executor,
  viewer: Viewer,
  folderId: string,
): Promise<{ filename: string; stream: NodeJS.ReadableStream }> {
  const top = await getNode(db, viewer, folderId);
  const nodes = await rows<ExportNode>(
    db,
    sql`SELECT n.id, n.parent_id, n.type, n.title, n.tags, n.attached, n.linked_company, n.updated_at FROM nodes n
        WHERE ${top.id} = ANY (n.ancestors) AND ${visibleTo(viewer)} ORDER BY array_length(n.ancestors, 1), lower(n.title)`,
  );
  const allAttachments = await rows<{ id: string; node_id: string; filename: string }>(
    db,
    sql`SELECT a.id, a.node_id, a.filename FROM attachments a JOIN nodes n ON n.id = a.node_id
        WHERE a.complete AND ${top.id} = ANY (n.ancestors) AND ${visibleTo(viewer)} ORDER BY a.created_at, a.filename`,
  );
  const attachmentsOf = new Map<string, { id: string; filename: string }[]>();
  for (const a of allAttachments) attachmentsOf.set(a.node_id, [...(attachmentsOf.get(a.node_id) ?? []), a]);
  const zip = new yazl.ZipFile();
  // Folder paths inside the ZIP; a node whose parent was not exported (not visible) is left out.
  const dirs = new Map<string, string>([[top.id, '']]);
  for (const node of nodes) {
    const dir = dirs.get(node.parent_id);
    if (dir === undefined) continue;
    const base = `${dir}${encodeSegment(node.title)}`;
    const mtime = node.updated_at;
    if (node.type === 'folder') {
      dirs.set(node.id, `${base}/`);
      zip.addBuffer(
        Buffer.from(
          stringify({
            id: node.id,
            title: node.title,
            tags: node.tags,
            attached: node.attached,
            linked_company: node.linked_company,
          }),
        ),
        `${base}/${FOLDER_META}`,
        { mtime },
      );
      continue;
    }
    const attachments = attachmentsOf.get(node.id) ?? [];
    const used = new Set<string>();
    const files = attachments.map((a) => {
      let name = encodeSegment(a.filename);
      for (let n = 2; used.has(name.toLowerCase()); n += 1) name = `${n}-${encodeSegment(a.filename)}`;
      used.add(name.toLowerCase());
      return { id: a.id, filename: a.filename, file: `${encodeSegment(node.title)}${ATTACHMENTS_SUFFIX}/${name}` };
    });
    zip.addReadStreamLazy(`${base}.md`, { mtime }, (callback) => {
      const read = async () => {
        const article = await one<{ markdown: string }>(db, sql`SELECT markdown FROM nodes WHERE id = ${node.id}`);
        const markdown = (article?.markdown ?? '').replace(ATTACHMENT_LINK, (whole, id: string) => {
          const file = files.find((f) => f.id === id.toLowerCase());
          return file === undefined ? whole : linkTarget(file.file);
        });
        const meta = {
          id: node.id,
          title: node.title,
          tags: node.tags,
          links: linkedIds(markdown),
          linked_company: node.linked_company,
          attachments: files,
        };
        return Buffer.from(frontMatter(meta) + markdown);
      };
      callback(
        null,
        Readable.from(
          (async function* one() {
            yield await read();
          })(),
        ),
      );
    });
    for (const file of files) {
      zip.addReadStreamLazy(`${dir}${file.file}`, { mtime, compress: false }, (callback) =>
        callback(null, attachmentStream(db, file.id)),
      );
    }
  }
  zip.end();
  const name = top.is_root ? 'knowledgetree' : top.title;
  return { filename: `${name}.zip`, stream: zip.outputStream };
}
