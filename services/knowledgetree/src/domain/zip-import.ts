/**
 * Import of a ZIP into a folder: KnowledgeTree's own export (front matter with ids, tags, links
 * and attachments; `_folder.kt.yml` per folder) comes back as it left, and a ZIP of plain Markdown
 * folders as other wikis and note tools export them becomes folders and articles, its relative
 * links to other `.md` files rewritten to `/view/<id>` and its relative images and files stored
 * as attachments of the article that uses them.
 *
 * Hostile archives: the ZIP is read from a temporary file with yauzl, which refuses absolute and
 * `..` names (zip-slip; nothing is ever written to disk under an entry's name anyway: names only
 * become titles) and checks every entry's real size against its declared size; the number of
 * entries and the declared total are limited before anything is decompressed (zip bombs).
 * Everything is created in one transaction with the ordinary domain functions, so sibling names
 * stay unique (a clash is a 409 and nothing is imported) and every article gets its revision.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path/posix';
import type { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { parse } from 'yaml';
import { AppError } from '@hivematrix/sdk';
import type { KnowledgetreeDb } from '../db/index.js';
import { segmentTitle } from '../codex/index.js';
import { storeAttachment } from './attachments.js';
import { getNode } from './nodes.js';
import { linkedIds } from './revisions.js';
import { rows } from './sql.js';
import { createNode } from './tree.js';
import { assertWritable } from './writable.js';
import type { Viewer } from './viewer.js';
import { ATTACHMENTS_SUFFIX, decodeSegment, FOLDER_META } from './zip-names.js';

export interface ImportLimits {
  maxEntries: number;
  /** Sum of the entries' uncompressed sizes. */
  maxUncompressed: number;
  /** Largest single attachment (larger files are skipped and reported). */
  maxAttachment: number;
}

export interface ImportResult {
  folders: number;
  articles: number;
  attachments: number;
  /** Files not imported, with the reason. */
  skipped: string[];
}

const MAX_ARTICLE_BYTES = 2 * 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IGNORED = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/;
const VIEW_LINK = /\/view\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;
/** Inline Markdown links and images: `[text](target "title")`, `![alt](target)`. */
const MD_LINK = /(!?\[[^\]\n]*\]\()(<[^>\n]+>|[^)\s]+)(\s+"[^"\n]*")?\)/g;
/** `<img src="...">` in Markdown (some tools write images that way). */
const IMG_SRC = /(<img\b[^>]*?\bsrc=")([^"]+)(")/gi;

function invalid(message: string): AppError {
  return new AppError('validation_failed', message);
}

async function readText(zip: ZipFile, entry: Entry, limit: number): Promise<string> {
  if (entry.uncompressedSize > limit) throw invalid(`"${entry.fileName}" is larger than ${limit} bytes`);
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
}

/** Splits YAML front matter from the body; unreadable front matter is left in the body. */
function splitFrontMatter(text: string): { meta: Record<string, unknown>; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (match === null) return { meta: {}, body: text };
  try {
    const meta: unknown = parse(match[1] ?? '');
    if (typeof meta === 'object' && meta !== null && !Array.isArray(meta))
      return { meta: meta as Record<string, unknown>, body: text.slice(match[0].length) };
  } catch {
    // Not YAML: the text stays as it is.
  }
  return { meta: {}, body: text };
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, 50) : [];

interface PlannedArticle {
  path: string;
  dir: string;
  id: string;
  oldId: string | undefined;
  title: string;
  tags: string[];
  linkedCompany: string | undefined;
  body: string;
  /** From an export's front matter: ZIP path of each attachment → its id and original name. */
  exported: Map<string, { id: string | undefined; filename: string | undefined }>;
}
interface PlannedAttachment {
  id: string;
  articleId: string;
  entry: Entry;
  filename: string;
}

export async function importZip(
  db: KnowledgetreeDb,
  viewer: Viewer,
  parentId: string,
  zipPath: string,
  limits: ImportLimits,
  now: Date,
  urlFor: (path: string) => string,
): Promise<ImportResult> {
  const parent = await getNode(db, viewer, parentId);
  if (parent.type !== 'folder') throw invalid('Import into a folder');
  assertWritable(viewer, parent);
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
      decodeStrings: true,
    });
  } catch (error) {
    throw invalid(`Not a readable ZIP file: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    if (zip.entryCount > limits.maxEntries)
      throw new AppError(
        'payload_too_large',
        `The ZIP holds ${zip.entryCount} entries; at most ${limits.maxEntries} are imported`,
      );
    const files = new Map<string, Entry>();
    let total = 0;
    try {
      for await (const entry of zip.eachEntry()) {
        const name = entry.fileName;
        if (name.endsWith('/') || IGNORED.test(name)) continue;
        // yauzl already refuses absolute and `..` names; this also refuses empty and `.` segments and control characters.
        // eslint-disable-next-line no-control-regex -- control characters are what is refused
        if (name.split('/').some((s) => s === '' || s === '.' || s === '..') || /[\u0000-\u001f]/.test(name))
          throw invalid(`Unsafe file name in the ZIP: ${JSON.stringify(name)}`);
        total += entry.uncompressedSize;
        if (total > limits.maxUncompressed)
          throw new AppError('payload_too_large', `The ZIP expands to more than ${limits.maxUncompressed} bytes`);
        files.set(name, entry);
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw invalid(`The ZIP is not acceptable: ${error instanceof Error ? error.message : String(error)}`);
    }

    // Folders: every directory holding a Markdown file or a folder description (directly or below),
    // except an article's `<title>.attachments` directory.
    const markdown = [...files.keys()].filter((n) => n.toLowerCase().endsWith('.md'));
    const mdSet = new Set(markdown);
    const folderPaths = new Set<string>();
    for (const name of [...markdown, ...[...files.keys()].filter((n) => path.basename(n) === FOLDER_META)]) {
      for (let dir = path.dirname(name); dir !== '.'; dir = path.dirname(dir)) {
        if (dir.endsWith(ATTACHMENTS_SUFFIX) && mdSet.has(`${dir.slice(0, -ATTACHMENTS_SUFFIX.length)}.md`)) break;
        folderPaths.add(dir);
      }
    }
    const folders = [...folderPaths].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));

    // Ids: the exported ones are kept when free, so links from elsewhere still work.
    const folderMeta = new Map<string, Record<string, unknown>>();
    for (const dir of folders) {
      const entry = files.get(`${dir}/${FOLDER_META}`);
      if (entry === undefined) continue;
      try {
        const meta: unknown = parse(await readText(zip, entry, 64 * 1024));
        if (typeof meta === 'object' && meta !== null) folderMeta.set(dir, meta as Record<string, unknown>);
      } catch {
        // An unreadable description: the folder is imported without it.
      }
    }
    const articles: PlannedArticle[] = [];
    for (const name of markdown) {
      const entry = files.get(name);
      if (entry === undefined) continue;
      const { meta, body } = splitFrontMatter(await readText(zip, entry, MAX_ARTICLE_BYTES));
      const fileTitle = decodeSegment(path.basename(name).slice(0, -3));
      const oldId = str(meta.id);
      const exported = new Map<string, { id: string | undefined; filename: string | undefined }>();
      for (const item of Array.isArray(meta.attachments) ? meta.attachments.slice(0, 1000) : []) {
        if (typeof item !== 'object' || item === null) continue;
        const record = item as Record<string, unknown>;
        const file = str(record.file);
        const id = str(record.id);
        if (file !== undefined)
          exported.set(path.normalize(path.join(path.dirname(name), file)), {
            id: id !== undefined && UUID.test(id) ? id.toLowerCase() : undefined,
            filename: str(record.filename),
          });
      }
      articles.push({
        exported,
        path: name,
        dir: path.dirname(name),
        id: '',
        oldId: oldId !== undefined && UUID.test(oldId) ? oldId.toLowerCase() : undefined,
        title: segmentTitle(str(meta.title) ?? fileTitle, 'Untitled'),
        tags: strings(meta.tags),
        linkedCompany: str(meta.linked_company),
        body,
      });
    }
    const wanted = [...articles.map((a) => a.oldId), ...folders.map((f) => str(folderMeta.get(f)?.id))].filter(
      (id): id is string => id !== undefined && UUID.test(id),
    );
    const taken = new Set(
      wanted.length === 0
        ? []
        : (
            await rows<{ id: string }>(
              db,
              sql`SELECT id::text AS id FROM nodes WHERE id::text IN (${sql.join(
                wanted.map((id) => sql`${id.toLowerCase()}`),
                sql`, `,
              )})`,
            )
          ).map((r) => r.id),
    );
    const claim = (id: string | undefined): string => {
      const lower = id?.toLowerCase();
      if (lower !== undefined && UUID.test(lower) && !taken.has(lower)) {
        taken.add(lower);
        return lower;
      }
      return randomUUID();
    };
    const folderIds = new Map<string, string>(folders.map((f) => [f, claim(str(folderMeta.get(f)?.id))]));
    const idOfOld = new Map<string, string>();
    const idOfPath = new Map<string, string>();
    for (const article of articles) {
      article.id = claim(article.oldId);
      if (article.oldId !== undefined) idOfOld.set(article.oldId, article.id);
      idOfPath.set(article.path, article.id);
    }

    // Links: `/view/<old id>` to the new id; relative links to `.md` files to `/view/<id>`; relative
    // images and files to attachments of the article (kept ids when the export named them).
    const attachments: PlannedAttachment[] = [];
    const skipped: string[] = [];
    const usedFiles = new Set<string>();
    const exportedIds = articles
      .flatMap((a) => [...a.exported.values()].map((e) => e.id))
      .filter((id): id is string => id !== undefined);
    const attachmentIdsTaken = new Set(
      exportedIds.length === 0
        ? []
        : (
            await rows<{ id: string }>(
              db,
              sql`SELECT id::text AS id FROM attachments WHERE id::text IN (${sql.join(
                exportedIds.map((id) => sql`${id}`),
                sql`, `,
              )})`,
            )
          ).map((r) => r.id),
    );
    for (const article of articles) {
      const own = new Map<string, string>();
      const resolve = (target: string): string | undefined => {
        const bare = target.startsWith('<') ? target.slice(1, -1) : target;
        if (/^[a-z][a-z0-9+.-]*:/i.test(bare) || bare.startsWith('/') || bare.startsWith('#')) return undefined;
        const [rawPath = '', anchor] = bare.split('#', 2);
        let decoded: string;
        try {
          decoded = decodeURIComponent(rawPath);
        } catch {
          decoded = rawPath;
        }
        const full = path.normalize(path.join(article.dir === '.' ? '' : article.dir, decoded));
        if (full.startsWith('..') || full === '.') return undefined;
        const suffix = anchor === undefined ? '' : `#${anchor}`;
        const articleId = idOfPath.get(full);
        if (articleId !== undefined) return urlFor(`/view/${articleId}`) + suffix;
        const entry = files.get(full);
        if (entry === undefined || full.toLowerCase().endsWith('.md') || path.basename(full) === FOLDER_META)
          return undefined;
        let id = own.get(full);
        if (id === undefined) {
          const fromExport = article.exported.get(full);
          id = fromExport?.id !== undefined && !attachmentIdsTaken.has(fromExport.id) ? fromExport.id : randomUUID();
          attachmentIdsTaken.add(id);
          own.set(full, id);
          usedFiles.add(full);
          attachments.push({
            id,
            articleId: article.id,
            entry,
            filename: fromExport?.filename ?? decodeSegment(path.basename(full)),
          });
        }
        return urlFor(`/attachments/${id}`);
      };
      article.body = article.body
        .replace(VIEW_LINK, (whole, id: string) => {
          const mapped = idOfOld.get(id.toLowerCase());
          return mapped === undefined ? whole : whole.replace(id, mapped);
        })
        .replace(MD_LINK, (whole, open: string, target: string, title: string | undefined) => {
          const rewritten = resolve(target);
          return rewritten === undefined ? whole : `${open}${rewritten}${title ?? ''})`;
        })
        .replace(IMG_SRC, (whole, open: string, target: string, close: string) => {
          const rewritten = resolve(target);
          return rewritten === undefined ? whole : `${open}${rewritten}${close}`;
        });
    }
    for (const name of files.keys()) {
      if (!mdSet.has(name) && !usedFiles.has(name) && path.basename(name) !== FOLDER_META)
        skipped.push(`${name}: not linked from any article`);
    }

    const result: ImportResult = { folders: 0, articles: 0, attachments: 0, skipped };
    await db.transaction(async (tx) => {
      // The domain functions open their own transaction; inside this one they are savepoints.
      const inner = tx as unknown as KnowledgetreeDb;
      const parentOf = (dir: string) => (dir === '.' ? parent.id : (folderIds.get(dir) ?? parent.id));
      for (const dir of folders) {
        const meta = folderMeta.get(dir) ?? {};
        const id = folderIds.get(dir) ?? randomUUID();
        await createNode(
          inner,
          viewer,
          {
            id,
            parentId: parentOf(path.dirname(dir)),
            type: 'folder',
            title: segmentTitle(str(meta.title) ?? decodeSegment(path.basename(dir)), 'Untitled'),
            tags: strings(meta.tags),
            attached: meta.attached === true,
          },
          now,
        );
        const company = str(meta.linked_company);
        if (company !== undefined)
          await tx.execute(sql`UPDATE nodes SET linked_company = ${company.slice(0, 100)} WHERE id = ${id}`);
        result.folders += 1;
      }
      for (const article of articles) {
        await createNode(
          inner,
          viewer,
          {
            id: article.id,
            parentId: parentOf(article.dir),
            type: 'article',
            title: article.title,
            markdown: article.body,
            tags: article.tags,
            message: 'Imported',
          },
          now,
        );
        if (article.linkedCompany !== undefined)
          await tx.execute(
            sql`UPDATE nodes SET linked_company = ${article.linkedCompany.slice(0, 100)} WHERE id = ${article.id}`,
          );
        result.articles += 1;
      }
      for (const attachment of attachments) {
        if (attachment.entry.uncompressedSize > limits.maxAttachment) {
          skipped.push(`${attachment.entry.fileName}: larger than ${limits.maxAttachment} bytes`);
          continue;
        }
        try {
          const stream: Readable = await zip.openReadStreamPromise(attachment.entry);
          await storeAttachment(
            inner,
            viewer,
            attachment.articleId,
            { id: attachment.id, filename: attachment.filename, stream: stream as AsyncIterable<Buffer> },
            now,
          );
          result.attachments += 1;
        } catch (error) {
          if (!(error instanceof AppError) || error.status >= 500) throw error;
          skipped.push(`${attachment.entry.fileName}: ${error.message}`);
        }
      }
      // Links among the imported articles (their targets did not all exist when each was saved).
      for (const article of articles) {
        const targets = linkedIds(article.body).filter((id) => id !== article.id);
        if (targets.length === 0) continue;
        await tx.execute(sql`INSERT INTO links (from_id, to_id) SELECT ${article.id}, n.id FROM nodes n
                             WHERE n.id IN (${sql.join(
                               targets.map((t) => sql`${t}::uuid`),
                               sql`, `,
                             )}) ON CONFLICT DO NOTHING`);
      }
    });
    return result;
  } finally {
    zip.close();
  }
}
