/**
 * The permission matrix: who reads and writes what, client users included, across browse, read,
 * search and writes (visibility is in every query, so search must agree with browse).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PermissionLevel } from '@hivematrix/sdk';
import { FROZEN_NOW, startKnowledgetree, type KnowledgetreeHarness } from './harness.js';
import { client, ok, problem, type NodeJson } from './api.js';

describe('knowledgetree: permission matrix', () => {
  let t: KnowledgetreeHarness;
  const as: Partial<Record<PermissionLevel | 'acme' | 'globex', ReturnType<typeof client>>> = {};
  const ids: Record<string, string> = {};
  const who = (k: keyof typeof as) => {
    const c = as[k];
    if (c === undefined) throw new Error(`no client ${k}`);
    return c;
  };
  before(async () => {
    t = await startKnowledgetree();
    for (const level of ['admin', 'technician', 'billing', 'client'] as const)
      as[level] = client(t, await t.token(level));
    as.acme = client(t, await t.token('client', 'alice', 'alice@acme.test'));
    as.globex = client(t, await t.token('client', 'bob', 'bob@globex.test'));
    const admin = who('admin');
    const root = await admin.root();
    const make = async (
      key: string,
      parent: string,
      type: 'folder' | 'article',
      title: string,
      settings?: Record<string, unknown>,
    ) => {
      const node = await admin.create(
        parent,
        type,
        title,
        type === 'article' ? { markdown: `zebrafish ${title}` } : {},
      );
      if (settings) ok(await admin.patch(node.id, settings));
      ids[key] = node.id;
    };
    await make('open', root.id, 'article', 'Open note');
    await make('adminsF', root.id, 'folder', 'Admin only', { restrict_to: 'admins' });
    await make('adminsA', ids.adminsF ?? '', 'article', 'Admin secret');
    await make('billingF', root.id, 'folder', 'Billing only', { restrict_to: 'billing' });
    await make('billingA', ids.billingF ?? '', 'article', 'Billing secret');
    await make('companies', root.id, 'folder', 'Companies');
    await make('acmeF', ids.companies ?? '', 'folder', 'Acme shared', { share_company: 'ACME' });
    await make('acmeA', ids.acmeF ?? '', 'article', 'Acme wifi');
    await make('acmeHidden', ids.acmeF ?? '', 'folder', 'Acme internal', { restrict_to: 'admins' });
    await make('acmeHiddenA', ids.acmeHidden ?? '', 'article', 'Acme passwords');
    await make('globexA', ids.companies ?? '', 'article', 'Globex note');
  });
  after(() => t.close());

  const READS: Record<string, (keyof typeof as)[]> = {
    open: ['admin', 'technician', 'billing'],
    adminsA: ['admin'],
    billingA: ['admin', 'billing'],
    acmeA: ['admin', 'technician', 'billing', 'acme'],
    acmeHiddenA: ['admin'],
    globexA: ['admin', 'technician', 'billing'],
  };

  it('lets each role read exactly its articles, by id and in search', async () => {
    for (const [key, readers] of Object.entries(READS)) {
      for (const role of ['admin', 'technician', 'billing', 'client', 'acme', 'globex'] as const) {
        const res = await who(role).get(`/api/nodes/${ids[key] ?? ''}`);
        const expected = readers.includes(role);
        assert.equal(res.statusCode, expected ? 200 : 404, `${role} reading ${key}: ${res.body}`);
      }
    }
    for (const role of ['admin', 'technician', 'billing', 'client', 'acme', 'globex'] as const) {
      const found = ok<{ results: { id: string }[] }>(await who(role).get('/api/search?q=zebrafish&limit=100'))
        .results.map((r) => r.id)
        .sort();
      const expected = Object.entries(READS)
        .filter(([, readers]) => readers.includes(role))
        .map(([key]) => ids[key] ?? '')
        .sort();
      assert.deepEqual(found, expected, `search as ${role}`);
    }
  });

  it("shows a client user only their company's shared folder when browsing", async () => {
    const root = await who('acme').root();
    assert.deepEqual(root.children, [], 'nothing at the root is shared');
    const shared = ok<NodeJson>(await who('acme').get(`/api/nodes/${ids.acmeF ?? ''}`));
    assert.deepEqual(
      shared.children?.map((c) => c.title),
      ['Acme wifi'],
    );
    problem(await who('globex').get(`/api/nodes/${ids.acmeF ?? ''}`), 404);
    problem(await who('acme').get('/api/browse?path=/Companies'), 404);
    ok(await who('acme').get('/api/browse?path=/Companies/Acme%20shared/Acme%20wifi'));
  });

  it('lets clients write nothing, and only admins change visibility', async () => {
    problem(
      await who('acme').call('POST', '/api/nodes', { parent_id: ids.acmeF, type: 'article', title: 'Mine' }),
      403,
      'forbidden',
    );
    const article = ok<NodeJson>(await who('acme').get(`/api/nodes/${ids.acmeA ?? ''}`));
    problem(
      await who('acme').call('PUT', `/api/nodes/${article.id}`, {
        markdown: 'x',
        base_revision_id: article.revision_id,
      }),
      403,
      'forbidden',
    );
    problem(await who('acme').call('DELETE', `/api/nodes/${article.id}`), 403, 'forbidden');
    problem(await who('technician').patch(ids.adminsF ?? '', { restrict_to: null }), 404);
    problem(await who('technician').patch(ids.acmeF ?? '', { share_company: 'GLOBEX' }), 403, 'forbidden');
    // Restricting later hides what is below at once, and moving a node out of a shared folder un-shares it.
    ok(await who('admin').patch(ids.companies ?? '', { restrict_to: 'billing' }));
    problem(await who('technician').get(`/api/nodes/${ids.globexA ?? ''}`), 404);
    problem(await who('acme').get(`/api/nodes/${ids.acmeA ?? ''}`), 404);
    ok(await who('admin').patch(ids.companies ?? '', { restrict_to: null }));
    ok(await who('technician').call('POST', `/api/nodes/${ids.acmeA ?? ''}/move`, { parent_id: ids.companies }));
    problem(await who('acme').get(`/api/nodes/${ids.acmeA ?? ''}`), 404);
  });

  it('accepts brainhair and codex service tokens for reads only, and no other service', async () => {
    const now = FROZEN_NOW.getTime();
    const brainhair = client(t, await t.keys.mintServiceToken('brainhair', 'knowledgetree', { now }));
    const ledger = client(t, await t.keys.mintServiceToken('ledger', 'knowledgetree', { now }));
    ok(await brainhair.get(`/api/nodes/${ids.open ?? ''}`));
    problem(await brainhair.get(`/api/nodes/${ids.adminsA ?? ''}`), 404);
    problem(await ledger.get(`/api/nodes/${ids.open ?? ''}`), 403, 'service_not_allowed');
    problem(
      await brainhair.call('POST', '/api/nodes', { parent_id: ids.companies, type: 'article', title: 'Bot' }),
      403,
      'users_only',
    );
  });
});
