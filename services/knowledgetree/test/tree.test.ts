/** Tree invariants over real HTTP and a real PostgreSQL: root, names, cycles, trash, read-only. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { purgeTrash } from '../src/domain/tree.js';
import { FROZEN_NOW, startKnowledgetree, type KnowledgetreeHarness } from './harness.js';
import { client, ok, problem, type NodeJson } from './api.js';

describe('knowledgetree: tree invariants', () => {
  let t: KnowledgetreeHarness;
  let tech: ReturnType<typeof client>;
  let other: ReturnType<typeof client>;
  let admin: ReturnType<typeof client>;
  let root: NodeJson;
  before(async () => {
    t = await startKnowledgetree();
    tech = client(t, await t.token('technician', 'tech-1'));
    other = client(t, await t.token('technician', 'tech-2'));
    admin = client(t, await t.token('admin', 'admin-1'));
    root = await tech.root();
  });
  after(() => t.close());

  it('has one root at "/" that cannot be deleted, renamed or moved', async () => {
    assert.equal(root.path, '/');
    assert.equal(root.parent_id, null);
    problem(await admin.call('DELETE', `/api/nodes/${root.id}`), 403, 'forbidden');
    problem(await admin.patch(root.id, { title: 'Renamed' }), 403, 'forbidden');
    const folder = await tech.create(root.id, 'folder', 'Move target');
    problem(await admin.call('POST', `/api/nodes/${root.id}/move`, { parent_id: folder.id }), 403, 'forbidden');
    assert.equal((await tech.root()).title, 'KnowledgeTree');
  });

  it('nests folders and articles at any depth, with stable ids and paths', async () => {
    let parent = root.id;
    for (let depth = 1; depth <= 8; depth += 1) parent = (await tech.create(parent, 'folder', `Level ${depth}`)).id;
    const article = await tech.create(parent, 'article', 'Deep note', { markdown: '# Hello' });
    assert.equal(article.path, '/Level 1/Level 2/Level 3/Level 4/Level 5/Level 6/Level 7/Level 8/Deep note');
    const byPath = ok<NodeJson>(
      await tech.get(
        `/api/browse?path=${encodeURIComponent('/level 1/LEVEL 2/Level 3/Level 4/Level 5/Level 6/Level 7/Level 8/deep note')}`,
      ),
    );
    assert.equal(byPath.id, article.id);
    assert.equal(byPath.markdown, '# Hello');
    problem(await tech.get('/api/browse?path=/Level%201/nope'), 404, 'not_found');
    problem(await tech.get('/api/nodes/not-a-uuid'), 404, 'not_found');
  });

  it('refuses a sibling with the same name in any case, on create, rename and move', async () => {
    const a = await tech.create(root.id, 'folder', 'Networks');
    problem(
      await tech.call('POST', '/api/nodes', { parent_id: root.id, type: 'article', title: 'NETWORKS' }),
      409,
      'conflict',
    );
    const b = await tech.create(root.id, 'folder', 'Printers');
    problem(await tech.patch(b.id, { title: 'networks' }), 409, 'conflict');
    const inner = await tech.create(a.id, 'folder', 'printers');
    problem(await tech.call('POST', `/api/nodes/${inner.id}/move`, { parent_id: root.id }), 409, 'conflict');
    problem(
      await tech.call('POST', '/api/nodes', { parent_id: root.id, type: 'folder', title: 'a/b' }),
      400,
      'validation_failed',
    );
  });

  it('lets exactly one of many concurrent creates of one name win', async () => {
    const parent = await tech.create(root.id, 'folder', 'Race');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        tech.call('POST', '/api/nodes', {
          parent_id: parent.id,
          type: i % 2 ? 'folder' : 'article',
          title: i % 3 ? 'Runbook' : 'RUNBOOK',
        }),
      ),
    );
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, ...Array<number>(11).fill(409)]);
    assert.equal(ok<NodeJson>(await tech.get(`/api/nodes/${parent.id}`)).children?.length, 1);
  });

  it('refuses to move a folder into itself or below itself', async () => {
    const a = await tech.create(root.id, 'folder', 'Cycle A');
    const b = await tech.create(a.id, 'folder', 'Cycle B');
    const c = await tech.create(b.id, 'folder', 'Cycle C');
    problem(await tech.call('POST', `/api/nodes/${a.id}/move`, { parent_id: a.id }), 409, 'conflict');
    problem(await tech.call('POST', `/api/nodes/${a.id}/move`, { parent_id: c.id }), 409, 'conflict');
    const note = await tech.create(c.id, 'article', 'Leaf');
    problem(await tech.call('POST', `/api/nodes/${a.id}/move`, { parent_id: note.id }), 400, 'validation_failed');
    // Crossing moves at once: the lock serialises them, so at most one succeeds and no cycle exists.
    const x = await tech.create(root.id, 'folder', 'Cross X');
    const y = await tech.create(root.id, 'folder', 'Cross Y');
    const [m1, m2] = await Promise.all([
      tech.call('POST', `/api/nodes/${x.id}/move`, { parent_id: y.id }),
      tech.call('POST', `/api/nodes/${y.id}/move`, { parent_id: x.id }),
    ]);
    assert.deepEqual([m1.statusCode, m2.statusCode].sort(), [200, 409]);
    // Moving keeps the id and updates the path of everything below.
    const moved = ok<NodeJson>(await tech.call('POST', `/api/nodes/${c.id}/move`, { parent_id: root.id }));
    assert.equal(moved.id, c.id);
    assert.equal(ok<NodeJson>(await tech.get(`/api/nodes/${note.id}`)).path, '/Cycle C/Leaf');
  });

  it('puts a deleted subtree in the trash; the author or an admin restores it', async () => {
    const folder = await tech.create(root.id, 'folder', 'Old stuff');
    const article = await tech.create(folder.id, 'article', 'Old note', { markdown: 'kept' });
    assert.equal((await tech.call('DELETE', `/api/nodes/${folder.id}`)).statusCode, 204);
    problem(await tech.get(`/api/nodes/${article.id}`), 404);
    assert.equal(
      (await tech.root()).children?.some((c) => c.id === folder.id),
      false,
    );
    const trash = ok<{ items: { id: string; items: number }[] }>(await tech.get('/api/trash'));
    assert.deepEqual(trash.items.find((i) => i.id === folder.id)?.items, 2);
    assert.equal(ok<{ items: unknown[] }>(await other.get('/api/trash')).items.length, 0);
    problem(await other.call('POST', `/api/trash/${folder.id}/restore`), 404);
    // The name is free while in the trash; restoring into a taken name is a conflict.
    const squatter = await other.create(root.id, 'folder', 'old STUFF');
    problem(await tech.call('POST', `/api/trash/${folder.id}/restore`), 409, 'conflict');
    await other.call('DELETE', `/api/nodes/${squatter.id}`);
    ok(await tech.call('POST', `/api/trash/${folder.id}/restore`));
    assert.equal(ok<NodeJson>(await tech.get(`/api/nodes/${article.id}`)).markdown, 'kept');
    // An admin restores someone else's delete.
    await tech.call('DELETE', `/api/nodes/${article.id}`);
    ok(await admin.call('POST', `/api/trash/${article.id}/restore`));
  });

  it('purges the trash after the retention time, and only then', async () => {
    const doomed = await tech.create(root.id, 'folder', 'Doomed');
    const child = await tech.create(doomed.id, 'article', 'Child');
    await tech.call('DELETE', `/api/nodes/${doomed.id}`);
    assert.equal(await purgeTrash(t.db, new Date(FROZEN_NOW.getTime() + 29 * 86_400_000), 30), 0);
    assert.ok((await purgeTrash(t.db, new Date(FROZEN_NOW.getTime() + 31 * 86_400_000), 30)) >= 1);
    const left = await t.db.execute(
      sql`SELECT count(*)::int AS n FROM nodes WHERE id IN (${doomed.id}::uuid, ${child.id}::uuid)`,
    );
    assert.equal((left.rows[0] as { n: number }).n, 0);
    problem(await tech.call('POST', `/api/trash/${doomed.id}/restore`), 404);
  });

  it('enforces read-only subtrees on the server, for everyone', async () => {
    const generated = await tech.create(root.id, 'folder', 'Generated');
    const page = await tech.create(generated.id, 'article', 'Asset PC-1', { markdown: 'from codex' });
    problem(await tech.patch(generated.id, { read_only: true }), 403, 'forbidden');
    ok(await admin.patch(generated.id, { read_only: true }));
    const viewed = ok<NodeJson>(await tech.get(`/api/nodes/${page.id}`));
    assert.equal(viewed.read_only, true);
    problem(
      await tech.call('PUT', `/api/nodes/${page.id}`, { markdown: 'hacked', base_revision_id: viewed.revision_id }),
      403,
      'forbidden',
    );
    problem(
      await admin.call('PUT', `/api/nodes/${page.id}`, { markdown: 'hacked', base_revision_id: viewed.revision_id }),
      403,
      'forbidden',
    );
    problem(
      await tech.call('POST', '/api/nodes', { parent_id: generated.id, type: 'article', title: 'New' }),
      403,
      'forbidden',
    );
    problem(await tech.call('DELETE', `/api/nodes/${page.id}`), 403, 'forbidden');
    problem(await tech.call('POST', `/api/nodes/${page.id}/move`, { parent_id: root.id }), 403, 'forbidden');
    problem(await tech.patch(page.id, { title: 'Renamed' }), 403, 'forbidden');
  });
});
