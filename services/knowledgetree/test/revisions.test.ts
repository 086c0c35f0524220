/** Revisions: every save a revision, stale saves a 409 with both versions, diff and restore. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKnowledgetree, type KnowledgetreeHarness } from './harness.js';
import { client, ok, problem, type NodeJson } from './api.js';

describe('knowledgetree: revisions and conflicts', () => {
  let t: KnowledgetreeHarness;
  let tech: ReturnType<typeof client>;
  let other: ReturnType<typeof client>;
  before(async () => {
    t = await startKnowledgetree();
    tech = client(t, await t.token('technician', 'tech-1'));
    other = client(t, await t.token('technician', 'tech-2'));
  });
  after(() => t.close());

  it('records each save with author and message, diffs any two and restores one', async () => {
    const root = await tech.root();
    const article = await tech.create(root.id, 'article', 'VPN setup', { markdown: 'line one\nline two\n' });
    const second = ok<NodeJson>(
      await tech.call('PUT', `/api/nodes/${article.id}`, {
        markdown: 'line one\nline 2\n',
        base_revision_id: article.revision_id,
        message: 'fix',
      }),
    );
    const third = ok<NodeJson>(
      await other.call('PUT', `/api/nodes/${article.id}`, {
        markdown: 'line one\nline 2\nline three\n',
        title: 'VPN',
        base_revision_id: Number(second.revision_id),
      }),
    );
    assert.equal(third.title, 'VPN');
    const { revisions } = ok<{ revisions: { id: string; number: number; author_name: string; message: string }[] }>(
      await tech.get(`/api/nodes/${article.id}/revisions`),
    );
    assert.deepEqual(
      revisions.map((r) => [r.number, r.author_name, r.message]),
      [
        [3, 'tech-2', ''],
        [2, 'tech-1', 'fix'],
        [1, 'tech-1', 'Created'],
      ],
    );
    const first = revisions[2]?.id ?? '';
    const diff = ok<{ parts: { kind: string; text: string }[]; patch: string }>(
      await tech.get(`/api/nodes/${article.id}/diff?from=${first}&to=${third.revision_id ?? ''}`),
    );
    assert.deepEqual(
      diff.parts.filter((p) => p.kind !== 'same').map((p) => [p.kind, p.text]),
      [
        ['removed', 'line two\n'],
        ['added', 'line 2\nline three\n'],
      ],
    );
    assert.match(diff.patch, /^-line two$/m);
    ok(await tech.call('POST', `/api/nodes/${article.id}/revisions/${first}/restore`));
    const restored = ok<NodeJson>(await tech.get(`/api/nodes/${article.id}`));
    assert.equal(restored.markdown, 'line one\nline two\n');
    const after4 = ok<{ revisions: { number: number; message: string }[] }>(
      await tech.get(`/api/nodes/${article.id}/revisions`),
    ).revisions;
    assert.deepEqual(after4[0], { ...after4[0], number: 4, message: 'Restored revision 1' });
    // A revision of another article is not reachable through this one.
    const otherArticle = await tech.create(root.id, 'article', 'Other');
    problem(await tech.get(`/api/nodes/${article.id}/revisions/${otherArticle.revision_id ?? ''}`), 404);
  });

  it('answers a save on a stale revision with 409 and both versions, and loses nothing', async () => {
    const root = await tech.root();
    const article = await tech.create(root.id, 'article', 'Printers', { markdown: 'base' });
    ok(
      await other.call('PUT', `/api/nodes/${article.id}`, {
        markdown: 'theirs',
        base_revision_id: article.revision_id,
      }),
    );
    const res = await tech.call('PUT', `/api/nodes/${article.id}`, {
      markdown: 'mine',
      base_revision_id: article.revision_id,
    });
    const body = problem(res, 409, 'conflict') as {
      current: { markdown: string; author_name: string };
      yours: { markdown: string };
    };
    assert.equal(body.current.markdown, 'theirs');
    assert.equal(body.current.author_name, 'tech-2');
    assert.equal(body.yours.markdown, 'mine');
    assert.equal(ok<NodeJson>(await tech.get(`/api/nodes/${article.id}`)).markdown, 'theirs');
    // Two saves racing on the same base: exactly one wins.
    const fresh = ok<NodeJson>(await tech.get(`/api/nodes/${article.id}`));
    const results = await Promise.all(
      [1, 2, 3].map((n) =>
        tech.call('PUT', `/api/nodes/${article.id}`, { markdown: `race ${n}`, base_revision_id: fresh.revision_id }),
      ),
    );
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409, 409]);
  });

  it('renders with a table of contents and caches the render per revision', async () => {
    const root = await tech.root();
    const article = await tech.create(root.id, 'article', 'Rendered', {
      markdown: '# Intro\n\n## Step one\n\n- [x] done\n- [ ] todo\n',
    });
    const rev = ok<{ html: string; toc: { level: number; text: string; slug: string }[] }>(
      await tech.get(`/api/nodes/${article.id}/revisions/${article.revision_id ?? ''}`),
    );
    assert.deepEqual(rev.toc, [
      { level: 1, text: 'Intro', slug: 'intro' },
      { level: 2, text: 'Step one', slug: 'step-one' },
    ]);
    assert.match(rev.html, /<h2 id="step-one"/);
    assert.match(rev.html, /<input type="checkbox" checked disabled/);
  });
});
