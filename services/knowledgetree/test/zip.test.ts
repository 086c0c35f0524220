/**
 * ZIP export and import: the export holds Markdown with front matter and the attachments; importing
 * it back loses nothing (ids kept when free, otherwise everything re-linked); plain Markdown
 * folders from other tools come in with relative links and images rewritten; sibling names stay
 * unique; hostile archives (zip-slip names, a zip bomb, too many entries) are refused; an export
 * holds only what its caller can see.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { parse } from 'yaml';
import { purgeTrash } from '../src/domain/tree.js';
import { rows } from '../src/domain/sql.js';
import { client, ok, problem, type NodeJson, type Res } from './api.js';
import { startKnowledgetree, FROZEN_NOW, type KnowledgetreeHarness } from './harness.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(300)]);
const BOUNDARY = '----kt-zip-boundary';

function multipart(filename: string, data: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    data,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

/** An inject answer as the shared helpers take it. */
function asRes(r: { statusCode: number; body: string; headers: Record<string, unknown> }): Res {
  return { statusCode: r.statusCode, body: r.body, headers: r.headers, json: <T>() => JSON.parse(r.body) as T };
}

async function buildZip(files: Record<string, Buffer | string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(files))
    zip.addBuffer(Buffer.isBuffer(data) ? data : Buffer.from(data), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function readZip(buffer: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true });
  const out = new Map<string, Buffer>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of (await zip.openReadStreamPromise(entry)) as AsyncIterable<Buffer>) chunks.push(chunk);
    out.set(entry.fileName, Buffer.concat(chunks));
  }
  return out;
}

describe('knowledgetree: ZIP export and import', () => {
  let t: KnowledgetreeHarness;
  let token: string;
  let api: ReturnType<typeof client>;
  let root: NodeJson;

  const exportOf = async (folderId: string, as = token) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/export?folder_id=${folderId}`,
      headers: { authorization: `Bearer ${as}` },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/zip');
    return res.rawPayload;
  };
  const importInto = (parentId: string, zip: Buffer) =>
    t.app.inject({
      method: 'POST',
      url: `/api/import?parent_id=${parentId}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipart('import.zip', zip),
    });

  /** A subtree as paths → content, ids replaced by what they point at, so two copies compare equal. */
  async function snapshot(folderId: string): Promise<Record<string, unknown>> {
    const nodes = await rows<{
      id: string;
      path: string;
      type: string;
      tags: string[];
      attached: boolean;
      markdown: string;
    }>(
      t.db,
      sql`
      SELECT n.id::text AS id, n.type, n.tags, n.attached, n.markdown,
             (SELECT string_agg(a.title, '/' ORDER BY o.ord) FROM unnest(n.ancestors) WITH ORDINALITY o(aid, ord) JOIN nodes a ON a.id = o.aid
              WHERE o.ord > array_position(n.ancestors, ${folderId}::uuid)) AS path_prefix, n.title
      FROM nodes n WHERE ${folderId}::uuid = ANY (n.ancestors) AND n.deleted_at IS NULL AND n.eff_level = 'all'`,
    ).then((list) =>
      list.map((n) => ({
        ...n,
        path: [(n as unknown as { path_prefix: string | null }).path_prefix, (n as unknown as { title: string }).title]
          .filter(Boolean)
          .join('/'),
      })),
    );
    const pathOf = new Map(nodes.map((n) => [n.id, n.path]));
    const files = await rows<{ id: string; node_id: string; filename: string; sha256: string }>(
      t.db,
      sql`
      SELECT a.id::text AS id, a.node_id::text AS node_id, a.filename, a.sha256 FROM attachments a JOIN nodes n ON n.id = a.node_id WHERE ${folderId}::uuid = ANY (n.ancestors)`,
    );
    const shaOf = new Map(files.map((f) => [f.id, f.sha256]));
    const out: Record<string, unknown> = {};
    for (const n of nodes) {
      out[n.path] = {
        type: n.type,
        tags: n.tags,
        attached: n.attached,
        markdown: n.markdown
          .replace(/\/view\/([0-9a-f-]{36})/g, (_m, id: string) => `/view/{${pathOf.get(id) ?? id}}`)
          .replace(/\/attachments\/([0-9a-f-]{36})/g, (_m, id: string) => `/attachments/{${shaOf.get(id) ?? id}}`),
        files: files
          .filter((f) => f.node_id === n.id)
          .map((f) => `${f.filename}:${f.sha256}`)
          .sort(),
      };
    }
    return out;
  }

  let docs: NodeJson;
  before(async () => {
    t = await startKnowledgetree({
      env: { IMPORT_MAX_ENTRIES: '50', IMPORT_MAX_UNCOMPRESSED: String(2 * 1024 * 1024) },
    });
    token = await t.token('technician');
    api = client(t, token);
    root = await api.root();
    docs = await api.create(root.id, 'folder', 'Docs');
    const sub = await api.create(docs.id, 'folder', 'Runbooks: 2026', { attached: true, tags: ['ops'] });
    const target = await api.create(sub.id, 'article', 'Restart | the "VPN"?', {
      markdown: '# VPN\n\nSteps.',
      tags: ['vpn', 'network'],
    });
    const article = await api.create(docs.id, 'article', 'Overview', { markdown: 'draft' });
    const upload = await t.app.inject({
      method: 'POST',
      url: `/api/nodes/${article.id}/attachments`,
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipart('network map.png', PNG),
    });
    const attachment = ok<{ attachments: { url: string }[] }>(asRes(upload), 201).attachments[0];
    assert.ok(attachment);
    const current = ok<NodeJson & { revision_id: string }>(await api.get(`/api/nodes/${article.id}`));
    ok(
      await api.call('PUT', `/api/nodes/${article.id}`, {
        markdown: `See [the VPN runbook](/knowledgetree/view/${target.id}).\n\n![map](${attachment.url})\n`,
        base_revision_id: current.revision_id,
        tags: ['index'],
      }),
    );
    const secret = await api.create(docs.id, 'folder', 'Admins only');
    ok(await client(t, await t.token('admin')).patch(secret.id, { restrict_to: 'admins' }));
  });
  after(async () => t.close());

  it('exports Markdown with front matter (id, tags, links) and the attachments, only what the caller sees', async () => {
    const files = await readZip(await exportOf(docs.id));
    const names = [...files.keys()].sort();
    assert.deepEqual(names, [
      'Overview.attachments/network map.png',
      'Overview.md',
      'Runbooks%3A 2026/Restart %7C the %22VPN%22%3F.md',
      'Runbooks%3A 2026/_folder.kt.yml',
    ]);
    const overview = files.get('Overview.md')?.toString() ?? '';
    const meta = parse(/^---\n([\s\S]*?)\n---\n/.exec(overview)?.[1] ?? '') as {
      id: string;
      tags: string[];
      links: string[];
    };
    assert.equal(meta.tags[0], 'index');
    assert.equal(meta.links.length, 1);
    assert.match(overview, /!\[map\]\(Overview\.attachments\/network%20map\.png\)/);
    assert.deepEqual(files.get('Overview.attachments/network map.png'), PNG);
    // An admin's export holds the restricted folder too.
    const adminFiles = await readZip(await exportOf(docs.id, await t.token('admin')));
    assert.ok(adminFiles.has('Admins only/_folder.kt.yml'));
  });

  it('imports its own export back without losing anything, ids kept when free', async () => {
    const before = await snapshot(docs.id);
    const zip = await exportOf(docs.id);
    // Into another folder while the originals exist: new ids, everything re-linked.
    const copy = await api.create(root.id, 'folder', 'Copy');
    const result = ok<{ folders: number; articles: number; attachments: number; skipped: string[] }>(
      asRes(await importInto(copy.id, zip)),
      201,
    );
    assert.deepEqual([result.folders, result.articles, result.attachments, result.skipped], [1, 2, 1, []]);
    assert.deepEqual(await snapshot(copy.id), before);
    const copied = ok<NodeJson & { id: string }>(
      await api.get('/api/browse?path=/Copy/Runbooks: 2026/Restart | the "VPN"?'),
    );
    const backlinks = await rows<{ n: number }>(
      t.db,
      sql`SELECT count(*)::int AS n FROM links WHERE to_id = ${copied.id}`,
    );
    assert.equal(backlinks[0]?.n, 1);

    // Into a fresh place after the originals are gone for good: the same ids, the same Markdown.
    const originalIds = await rows<{ id: string; markdown: string }>(
      t.db,
      sql`SELECT id::text AS id, markdown FROM nodes WHERE ${docs.id}::uuid = ANY (ancestors) AND eff_level = 'all' ORDER BY id`,
    );
    assert.equal((await api.call('DELETE', `/api/nodes/${docs.id}`)).statusCode, 204);
    await purgeTrash(t.db, new Date(FROZEN_NOW.getTime() + 86_400_000), 0);
    const again = await importInto(root.id, zip);
    assert.equal(again.statusCode, 201, again.body);
    const restored = await rows<{ id: string; markdown: string }>(
      t.db,
      sql`SELECT id::text AS id, markdown FROM nodes WHERE id::text IN (${sql.join(
        originalIds.map((o) => sql`${o.id}`),
        sql`, `,
      )}) ORDER BY id`,
    );
    assert.deepEqual(restored, originalIds);
  });

  it('refuses an import whose names clash with siblings (nothing is created)', async () => {
    const zip = await buildZip({ 'Copy/a.md': 'x' });
    const before = await rows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM nodes`);
    const res = await importInto(root.id, zip);
    assert.equal(res.statusCode, 409, res.body);
    assert.deepEqual(await rows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM nodes`), before);
  });

  it('imports plain Markdown folders with relative links and images rewritten', async () => {
    const target = await api.create(root.id, 'folder', 'Imported');
    const zip = await buildZip({
      'Wiki/Home.md':
        '# Home\n\nRead [the setup](Guides/Setup%20Guide.md#step-2) first.\n\n![logo](images/logo.png "Logo")\n\n[external](https://example.com/a.md)\n',
      'Wiki/Guides/Setup Guide.md': 'Back [home](../Home.md). <img src="../images/logo.png">\n',
      'Wiki/images/logo.png': PNG,
      'Wiki/unused.bin': 'zzz',
      '__MACOSX/Wiki/._Home.md': 'junk',
    });
    const res = await importInto(target.id, zip);
    assert.equal(res.statusCode, 201, res.body);
    const result = JSON.parse(res.body) as {
      folders: number;
      articles: number;
      attachments: number;
      skipped: string[];
    };
    assert.deepEqual([result.folders, result.articles, result.attachments], [2, 2, 2]);
    assert.deepEqual(result.skipped, ['Wiki/unused.bin: not linked from any article']);
    const home = ok<NodeJson & { id: string }>(await api.get('/api/browse?path=/Imported/Wiki/Home'));
    const setup = ok<NodeJson & { id: string }>(await api.get('/api/browse?path=/Imported/Wiki/Guides/Setup Guide'));
    assert.match(home.markdown ?? '', new RegExp(`\\[the setup\\]\\(/view/${setup.id}#step-2\\)`));
    assert.match(home.markdown ?? '', /!\[logo\]\(\/attachments\/[0-9a-f-]{36} "Logo"\)/);
    assert.match(home.markdown ?? '', /\(https:\/\/example\.com\/a\.md\)/);
    assert.match(setup.markdown ?? '', new RegExp(`\\[home\\]\\(/view/${home.id}\\)`));
    assert.match(setup.markdown ?? '', /<img src="\/attachments\/[0-9a-f-]{36}">/);
    const image = /\/attachments\/([0-9a-f-]{36})/.exec(home.markdown ?? '')?.[1] ?? '';
    const download = await t.app.inject({
      method: 'GET',
      url: `/attachments/${image}`,
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(
      createHash('sha256').update(download.rawPayload).digest('hex'),
      createHash('sha256').update(PNG).digest('hex'),
    );
  });

  it('refuses zip-slip names, a zip bomb and too many entries', async () => {
    const target = await api.create(root.id, 'folder', 'Hostile');
    // yazl will not write `..`; the name is patched in the bytes (same length, local and central headers).
    const slip = Buffer.from(
      (await buildZip({ 'xx/evil.md': 'boom' })).toString('latin1').replaceAll('xx/evil.md', '../evil.md'),
      'latin1',
    );
    problem(asRes(await importInto(target.id, slip)), 400, 'validation_failed');
    const bomb = await buildZip({ 'big.md': Buffer.alloc(3 * 1024 * 1024, 0x61) });
    assert.ok(bomb.length < 64 * 1024);
    problem(asRes(await importInto(target.id, bomb)), 413, 'payload_too_large');
    const many = await buildZip(Object.fromEntries(Array.from({ length: 60 }, (_v, i) => [`n${i}.md`, 'x'])));
    problem(asRes(await importInto(target.id, many)), 413, 'payload_too_large');
    assert.deepEqual(ok<NodeJson>(await api.get(`/api/nodes/${target.id}`)).children, []);
  });
});
