/** Search: ranking (title over body), escaped highlighted snippets, prefixes, typos, filters, markup. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FROZEN_NOW, startKnowledgetree, type KnowledgetreeHarness } from './harness.js';
import { client, ok, type NodeJson } from './api.js';

interface Hit {
  id: string;
  title: string;
  path: string;
  snippet: string;
}

describe('knowledgetree: search', () => {
  let t: KnowledgetreeHarness;
  let tech: ReturnType<typeof client>;
  let root: NodeJson;
  const find = async (query: string): Promise<{ results: Hit[]; corrected?: string }> =>
    ok(await tech.get(`/api/search?${query}`));
  before(async () => {
    t = await startKnowledgetree();
    tech = client(t, await t.token('technician'));
    root = await tech.root();
  });
  after(() => t.close());

  it('ranks a title match above a body match and highlights the word, escaped', async () => {
    const folder = await tech.create(root.id, 'folder', 'Network');
    const body = await tech.create(folder.id, 'article', 'Office notes', {
      markdown: 'The <b>firewall</b> & the router live in the closet. Use `firewall-cmd` to check.',
    });
    const title = await tech.create(root.id, 'article', 'Firewall rules', { markdown: 'Allow 443 only.' });
    const { results } = await find('q=firewall');
    assert.deepEqual(
      results.map((r) => r.id),
      [title.id, body.id],
    );
    const snippet = results[1]?.snippet ?? '';
    assert.match(snippet, /<mark>firewall<\/mark>/i);
    assert.match(snippet, /&amp; the router/);
    assert.doesNotMatch(snippet, /<b>/, 'markup from the article never reaches the snippet as HTML');
    assert.equal(results[1]?.path, '/Network/Office notes');
  });

  it('lists title matches first, reads body matches only when the titles do not fill the page, and ranks them', async () => {
    const folder = await tech.create(root.id, 'folder', 'Switching');
    const titles: NodeJson[] = [];
    for (const name of ['Vlan plan', 'Vlan trunks', 'Core vlan map'])
      titles.push(await tech.create(folder.id, 'article', name, { markdown: 'Ports and tags.' }));
    const often = await tech.create(folder.id, 'article', 'Closet A', {
      markdown: 'vlan 10, vlan 20 and vlan 30 on the closet switch',
    });
    const once = await tech.create(folder.id, 'article', 'Closet B', {
      markdown:
        'The switch in closet B carries one vlan among a great many other things that are written down here for the record.',
    });
    const page = (await find(`q=vlan&limit=2&folder_id=${folder.id}`)).results.map((r) => r.id);
    assert.equal(page.length, 2);
    assert.ok(
      page.every((id) => titles.some((a) => a.id === id)),
      'a page the titles fill lists only titles',
    );
    const all = (await find(`q=vlan&limit=10&folder_id=${folder.id}`)).results.map((r) => r.id);
    assert.deepEqual(new Set(all.slice(0, 3)), new Set(titles.map((a) => a.id)), 'the titles first');
    assert.deepEqual(all.slice(3), [often.id, once.id], 'then body matches, the denser one first');
  });

  it('matches prefixes while typing, forgives a typo, and never matches Markdown or HTML syntax', async () => {
    await tech.create(root.id, 'article', 'Printer fleet', {
      markdown: '## Toner\n\nReplace the **cartridge** every quarter. <span class="hint">see vendor</span>',
    });
    assert.equal((await find('q=cartr')).results[0]?.title, 'Printer fleet');
    const typo = await find('q=cartrdge');
    assert.equal(typo.results[0]?.title, 'Printer fleet');
    assert.equal(typo.corrected, 'cartridge');
    assert.deepEqual((await find('q=span')).results, []);
    assert.deepEqual((await find('q=hint')).results, []);
    assert.deepEqual((await find('q=class')).results, []);
    assert.equal((await find('q=vendor')).results.length, 1, 'the text inside HTML is searchable');
    assert.deepEqual((await find('q=')).results, []);
    assert.deepEqual((await find(`q=${encodeURIComponent("'):* | !(&")}`)).results, [], 'tsquery syntax is inert');
  });

  it('filters by folder subtree, tag and company', async () => {
    const a = await tech.create(root.id, 'folder', 'Client A');
    const sub = await tech.create(a.id, 'folder', 'Sub');
    const inA = await tech.create(sub.id, 'article', 'Backup A', { markdown: 'nightly backup', tags: ['Backup'] });
    const outside = await tech.create(root.id, 'article', 'Backup B', { markdown: 'nightly backup' });
    ok(await tech.patch(outside.id, { linked_company: 'ACME' }));
    assert.deepEqual(
      (await find(`q=nightly&folder_id=${a.id}`)).results.map((r) => r.id),
      [inA.id],
    );
    assert.deepEqual(
      (await find('q=nightly&tag=backup')).results.map((r) => r.id),
      [inA.id],
    );
    assert.deepEqual(
      (await find('q=nightly&company=ACME')).results.map((r) => r.id),
      [outside.id],
    );
    // Codex lists a company's articles with its service token.
    const codex = client(t, await t.keys.mintServiceToken('codex', 'knowledgetree', { now: FROZEN_NOW.getTime() }));
    assert.deepEqual(
      ok<{ articles: { id: string }[] }>(await codex.get('/api/companies/ACME/articles')).articles.map((a) => a.id),
      [outside.id],
    );
    // Deleted articles leave the results.
    await tech.call('DELETE', `/api/nodes/${inA.id}`);
    assert.deepEqual(
      (await find('q=nightly')).results.map((r) => r.id),
      [outside.id],
    );
  });
});
