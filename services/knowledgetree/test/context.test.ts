/** Context export (§2.8): siblings up the path, attached folders, exclusions, budget, visibility. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKnowledgetree, type KnowledgetreeHarness } from './harness.js';
import { client, ok, type NodeJson } from './api.js';

interface Bundle {
  markdown: string;
  included: { id: string; title: string }[];
  truncated: boolean;
}

describe('knowledgetree: context export', () => {
  let t: KnowledgetreeHarness;
  let tech: ReturnType<typeof client>;
  let admin: ReturnType<typeof client>;
  const n: Record<string, NodeJson> = {};
  before(async () => {
    t = await startKnowledgetree();
    tech = client(t, await t.token('technician'));
    admin = client(t, await t.token('admin'));
    const root = await tech.root();
    n.top = await tech.create(root.id, 'article', 'Company policy', { markdown: 'Be nice.' });
    n.clients = await tech.create(root.id, 'folder', 'Clients');
    n.acme = await tech.create(n.clients.id, 'folder', 'Acme');
    n.network = await tech.create(n.acme.id, 'folder', 'Network', { attached: true });
    n.fw = await tech.create(n.network.id, 'article', 'Firewall', { markdown: 'FortiGate 60F' });
    n.deep = await tech.create(n.network.id, 'folder', 'Switches');
    n.sw = await tech.create(n.deep.id, 'article', 'Core switch', { markdown: 'Aruba 2930' });
    n.contacts = await tech.create(n.acme.id, 'folder', 'Contacts', { attached: true });
    n.ceo = await tech.create(n.contacts.id, 'article', 'CEO', { markdown: 'Jane Doe' });
    n.unattached = await tech.create(n.acme.id, 'folder', 'Archive');
    n.old = await tech.create(n.unattached.id, 'article', 'Old stuff', { markdown: 'ignore' });
    n.secret = await tech.create(n.acme.id, 'folder', 'Secrets', { attached: true });
    ok(await admin.patch(n.secret.id, { restrict_to: 'admins' }));
    n.pw = await admin.create(n.secret.id, 'article', 'Passwords', { markdown: 'hunter2' });
    n.sibling = await tech.create(n.acme.id, 'article', 'Overview', { markdown: 'Acme makes anvils.' });
    n.target = await tech.create(n.acme.id, 'article', 'Printer issue', { markdown: 'Printer jams on tray 2.' });
  });
  after(() => t.close());

  it('bundles the article, its siblings up the path and the attached folders, in path order', async () => {
    const bundle = ok<Bundle>(await tech.call('POST', `/api/context/${n.target?.id ?? ''}`, {}));
    const titles = bundle.included.map((i) => i.title);
    assert.deepEqual(titles.slice(0, 1), ['Printer issue']);
    assert.deepEqual(
      new Set(titles),
      new Set(['Printer issue', 'Company policy', 'Overview', 'Firewall', 'Core switch', 'CEO']),
    );
    assert.equal(bundle.truncated, false);
    assert.match(bundle.markdown, /### Firewall \(from attached folder: Network\)\n\nFortiGate 60F/);
    assert.ok(bundle.markdown.indexOf('Company policy') < bundle.markdown.indexOf('Overview'), 'root first');
    assert.doesNotMatch(bundle.markdown, /hunter2|ignore/, 'restricted and unattached folders stay out');
    const asAdmin = ok<Bundle>(await admin.get(`/api/context/${n.target?.id ?? ''}`));
    assert.match(asAdmin.markdown, /hunter2/, 'an admin sees the restricted attached folder');
    const folders = ok<{ attached_folders: { title: string }[] }>(
      await tech.get(`/api/context/${n.target?.id ?? ''}/folders`),
    );
    assert.deepEqual(
      folders.attached_folders.map((f) => f.title),
      ['Contacts', 'Network'],
    );
  });

  it('leaves out excluded folders and keeps within the budget, nearest first', async () => {
    const bundle = ok<Bundle>(
      await tech.call('POST', `/api/context/${n.target?.id ?? ''}`, { exclude: [n.network?.id] }),
    );
    assert.deepEqual(
      new Set(bundle.included.map((i) => i.title)),
      new Set(['Printer issue', 'Company policy', 'Overview', 'CEO']),
    );
    const viaGet = ok<Bundle>(
      await tech.get(
        `/api/context/${n.target?.id ?? ''}?exclude=${n.network?.id ?? ''}&exclude=${n.contacts?.id ?? ''}`,
      ),
    );
    assert.deepEqual(
      new Set(viaGet.included.map((i) => i.title)),
      new Set(['Printer issue', 'Company policy', 'Overview']),
    );
    const small = ok<Bundle>(await tech.call('POST', `/api/context/${n.target?.id ?? ''}`, { budget_chars: 500 }));
    assert.equal(small.truncated, true);
    assert.ok(small.markdown.length <= 500, `${small.markdown.length} chars`);
    assert.ok(
      small.included.some((i) => i.title === 'Overview'),
      "a sibling in the same folder wins over the root's",
    );
    assert.ok(!small.included.some((i) => i.title === 'Company policy'));
  });

  it('answers 404 for an article the reader cannot see', async () => {
    const res = await tech.get(`/api/context/${n.pw?.id ?? ''}`);
    assert.equal(res.statusCode, 404);
  });
});
