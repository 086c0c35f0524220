/** The HTML pages and their forms, in-process: escaping, create, edit, conflict, history, search, scripts. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKnowledgetree, type KnowledgetreeHarness } from './harness.js';
import { client, ok, type NodeJson } from './api.js';

describe('knowledgetree: pages', () => {
  let t: KnowledgetreeHarness;
  let token: string;
  let tech: ReturnType<typeof client>;
  let root: NodeJson;
  const page = (url: string, auth = token) =>
    t.app.inject({ url, headers: { authorization: `Bearer ${auth}`, 'sec-fetch-mode': 'navigate' } });
  const post = (url: string, form: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(form).toString(),
    });
  before(async () => {
    t = await startKnowledgetree();
    token = await t.token('technician', 'tech-1');
    tech = client(t, token);
    root = await tech.root();
  });
  after(() => t.close());

  it('redirects / to the root folder and escapes every name', async () => {
    const home = await page('/');
    assert.equal(home.statusCode, 302);
    assert.equal(home.headers.location, `/view/${root.id}`);
    await tech.create(root.id, 'folder', '<img src=x onerror=alert(1)>');
    const res = await page(`/view/${root.id}`);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /&lt;img src=x onerror=alert\(1\)/);
    assert.doesNotMatch(res.body, /<img src=x/);
    assert.match(res.body, /<script type="module" src="\/static\/kt-page.js">/);
    assert.doesNotMatch(res.body, /<script>|<script type="text\/javascript">/, 'no inline script');
  });

  it('creates an article from the folder form, edits it, and shows history with a diff', async () => {
    const created = await post(`/view/${root.id}/new`, { title: 'Wifi', type: 'article' });
    assert.equal(created.statusCode, 303);
    const editUrl = String(created.headers.location);
    assert.match(editUrl, /^\/view\/[0-9a-f-]{36}\/edit$/);
    const id = editUrl.split('/')[2] ?? '';
    const editor = await page(editUrl);
    assert.match(editor.body, /data-render-url="\/api\/render"/);
    const base = /name="base_revision_id" value="(\d+)"/.exec(editor.body)?.[1] ?? '';
    const saved = await post(editUrl, {
      title: 'Wifi',
      markdown: '# SSID\r\n\r\nguest network\r\n',
      base_revision_id: base,
      message: 'first',
    });
    assert.equal(saved.statusCode, 303);
    const view = await page(`/view/${id}`);
    assert.match(view.body, /<h1 id="ssid"[^>]*>SSID<\/h1>/);
    // A second save on the same (now stale) base shows the conflict with both versions.
    const stale = await post(editUrl, { title: 'Wifi', markdown: 'mine', base_revision_id: base, message: '' });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /Someone else saved this article/);
    assert.match(stale.body, /guest network/);
    assert.match(stale.body, />mine<\/textarea>/);
    const history = await page(`/view/${id}/history`);
    const revisionIds = [...history.body.matchAll(/name="to" value="(\d+)"/g)].map((m) => m[1] ?? '');
    assert.equal(revisionIds.length, 2);
    const diff = await page(`/view/${id}/history?from=${revisionIds[1] ?? ''}&to=${revisionIds[0] ?? ''}`);
    assert.match(diff.body, /<ins># SSID\n\nguest network\n<\/ins>/);
  });

  it('shows search results with the word highlighted and the rest escaped', async () => {
    await tech.create(root.id, 'article', 'Door codes', { markdown: 'The <b>alarm</b> panel code is in the safe.' });
    const res = await page('/search?q=alarm');
    assert.match(res.body, /<mark>alarm<\/mark>/);
    assert.doesNotMatch(res.body, /<b>alarm/);
  });

  it('moves by drag and drop (a folder id) or by a typed path, refusing a cycle either way', async () => {
    const from = await tech.create(root.id, 'folder', 'Inbox');
    const into = await tech.create(from.id, 'folder', 'Filed');
    const note = await tech.create(from.id, 'article', 'Loose note');
    const listing = await page(`/view/${from.id}`);
    assert.match(listing.body, new RegExp(`data-kt-from="${from.id}"`));
    assert.match(
      listing.body,
      new RegExp(`href="/view/${note.id}" data-kt-move="/view/${note.id}/move"`),
      'items are draggable',
    );
    assert.match(listing.body, new RegExp(`data-kt-folder="${into.id}"`), 'folders take drops');
    assert.match(listing.body, /src="\/static\/kt-tree.js"/);
    const dropped = await post(`/view/${note.id}/move`, { parent_id: into.id, from: from.id });
    assert.equal(dropped.statusCode, 303);
    assert.match(
      String(dropped.headers.location),
      new RegExp(`^/view/${from.id}\\?notice=`),
      'back to the folder the drag started in',
    );
    assert.equal(ok<NodeJson>(await tech.get(`/api/nodes/${note.id}`)).parent_id, into.id);
    const cycle = await post(`/view/${from.id}/move`, { parent_id: into.id, from: root.id });
    assert.match(
      new URL(String(cycle.headers.location), 'http://kt').searchParams.get('error') ?? '',
      /cannot be moved into itself/,
    );
    const typed = await post(`/view/${note.id}/move`, { path: '/Inbox' });
    assert.equal(typed.headers.location, `/view/${note.id}`);
    assert.equal(ok<NodeJson>(await tech.get(`/api/nodes/${note.id}`)).parent_id, from.id);
    // A client reads the folder without the drag and drop script.
    const reader = await t.token('client', 'client-1');
    assert.doesNotMatch((await page(`/view/${root.id}`, reader)).body, /kt-tree\.js|data-kt-move/);
  });

  it('serves its scripts and nothing else from /static', async () => {
    for (const file of ['kt-tree.js', 'kt-markdown.js'])
      assert.equal((await t.app.inject({ url: `/static/${file}` })).statusCode, 200);
    const js = await t.app.inject({ url: '/static/kt-editor.js' });
    assert.equal(js.statusCode, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    assert.equal((await t.app.inject({ url: '/static/..%2Fpackage.json' })).statusCode, 404);
  });

  it("renders an article's context export page with the attached folders chosen", async () => {
    const folder = await tech.create(root.id, 'folder', 'Site', { attached: true });
    await tech.create(folder.id, 'article', 'Rack', { markdown: 'Rack 42U' });
    const article = await tech.create(root.id, 'article', 'Overview page', { markdown: 'hello' });
    const view = await page(`/view/${article.id}`);
    assert.match(view.body, new RegExp(`name="include" value="${folder.id}" checked`));
    const withFolder = await page(`/view/${article.id}/context?include=${folder.id}`);
    assert.match(withFolder.body, /Rack 42U/);
    const without = await page(`/view/${article.id}/context`);
    assert.doesNotMatch(without.body, /Rack 42U/);
    ok(await tech.get(`/api/context/${article.id}`));
  });
});
