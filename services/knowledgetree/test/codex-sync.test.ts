/**
 * The codex job against a fake codex with codex's API: it builds Companies/<company>/{Contacts,
 * Assets,Tickets}, keys by codex ids (a rename keeps the folder and the notes beside it), writes
 * nothing when nothing changed, archives instead of deleting, never touches hand-written articles,
 * keeps ticket text as text, and runs in the background with a persisted history.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { rows } from '../src/domain/sql.js';
import { client, ok, problem, type NodeJson } from './api.js';
import { FakeCodex } from './fake-codex.js';
import { startKnowledgetree, type KnowledgetreeHarness } from './harness.js';

describe('codex job', () => {
  let t: KnowledgetreeHarness;
  const codex = new FakeCodex();
  let admin: ReturnType<typeof client>;

  const counts = async () =>
    (
      await rows<{ nodes: number; revisions: number; max_updated: string }>(
        t.db,
        sql`
    SELECT (SELECT count(*)::int FROM nodes) AS nodes, (SELECT count(*)::int FROM revisions) AS revisions,
           (SELECT max(updated_at)::text FROM nodes) AS max_updated`,
      )
    )[0];
  const byKey = async (key: string) =>
    (
      await rows<{ id: string; parent_id: string; title: string; deleted_at: Date | null }>(
        t.db,
        sql`SELECT id, parent_id, title, deleted_at FROM nodes WHERE codex_key = ${key}`,
      )
    )[0];
  const run = async () => {
    const started = ok<{ id: string; status: string }>(await admin.call('POST', '/api/codex-sync/runs'), 202);
    await t.codexSync?.idle();
    return ok<{
      status: string;
      created: number;
      updated: number;
      archived: number;
      unchanged: number;
      companies_done: number;
      error: string | null;
    }>(await admin.get(`/api/codex-sync/runs/${started.id}`));
  };

  before(async () => {
    codex.companies = [
      { account_number: 'ACME', name: 'Acme Corp', archived_at: null },
      { account_number: 'GLOBEX', name: 'Globex', archived_at: null },
    ];
    codex.contacts = [
      { id: 1, account: 'ACME', name: 'Alice Admin', email: 'alice@acme.test', archived_at: null },
      { id: 2, account: 'ACME', name: 'Bob Builder', email: 'bob@acme.test', archived_at: null },
    ];
    codex.assets = [
      { id: 10, account: 'ACME', hostname: 'ACME-DC01', operating_system: 'Windows Server 2022', archived_at: null },
    ];
    codex.tickets = [
      {
        id: 100,
        account: 'ACME',
        ticket_number: '5001',
        subject: 'Printer <b>offline</b>',
        status: 'Open',
        updated_at: '2026-11-20T10:00:00.000Z',
        description_text: 'The printer says <img src=x onerror=alert(1)>\n\n# not a heading',
        conversations: [
          {
            id: 1,
            body_text: 'Restarted the spooler. **Fixed?**',
            private: true,
            incoming: false,
            from_email: null,
            created_at: '2026-11-20T11:00:00.000Z',
          },
        ],
        archived: false,
      },
    ];
    t = await startKnowledgetree({ codexSource: codex.source() });
    admin = client(t, await t.token('admin'));
  });
  after(async () => t.close());

  it('builds Companies/<company>/{Contacts,Assets,Tickets} as read-only articles, tickets as Markdown text', async () => {
    const first = await run();
    assert.equal(first.status, 'succeeded', first.error ?? '');
    assert.equal(first.companies_done, 2);
    const acme = ok<NodeJson>(await admin.get('/api/browse?path=/Companies/Acme Corp'));
    assert.deepEqual(acme.children?.map((c) => c.title).sort(), ['Assets', 'Contacts', 'Tickets']);
    const contact = ok<NodeJson>(await admin.get('/api/browse?path=/Companies/Acme Corp/Contacts/Alice Admin'));
    assert.equal(contact.read_only, true);
    assert.match(contact.markdown ?? '', /alice@acme\.test/);
    ok(await admin.get('/api/browse?path=/Companies/Acme Corp/Assets/ACME-DC01'));
    const ticketNode = await byKey('ticket:100');
    assert.ok(ticketNode);
    const full = ok<NodeJson & { revision_id: string }>(await admin.get(`/api/nodes/${ticketNode.id}`));
    assert.match(full.markdown ?? '', /Private note/);
    assert.match(full.markdown ?? '', /Restarted the spooler/);
    const revision = ok<{ html: string }>(await admin.get(`/api/nodes/${ticketNode.id}/revisions/${full.revision_id}`));
    assert.doesNotMatch(revision.html, /<img|<b>/, 'codex text never becomes markup');
    assert.match(revision.html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(revision.html, /# not a heading/);
    // Read-only on the server, for an admin too.
    problem(
      await admin.call('PUT', `/api/nodes/${ticketNode.id}`, { markdown: 'mine', base_revision_id: full.revision_id }),
      403,
    );
  });

  it('writes nothing when codex is unchanged, and does not fetch unchanged tickets again', async () => {
    const before = await counts();
    const ticketFetches = codex.calls.get('/api/tickets/100');
    const second = await run();
    assert.equal(second.status, 'succeeded');
    assert.equal(second.created + second.updated + second.archived, 0);
    assert.ok(second.unchanged >= 4);
    assert.deepEqual(await counts(), before);
    assert.equal(codex.calls.get('/api/tickets/100'), ticketFetches);
  });

  it("keeps a renamed company's folder and the hand-written notes in it untouched", async () => {
    const folder = await byKey('company:ACME');
    assert.ok(folder);
    const note = await admin.create(folder.id, 'article', 'Network notes', { markdown: 'VLAN 10 is voice.' });
    const noteBefore = ok<NodeJson & { revision_id: string; updated_at: string }>(
      await admin.get(`/api/nodes/${note.id}`),
    );
    const company = codex.companies[0];
    assert.ok(company);
    company.name = 'Acme Corporation';
    const third = await run();
    assert.equal(third.status, 'succeeded');
    const renamed = await byKey('company:ACME');
    assert.equal(renamed?.id, folder.id);
    assert.equal(renamed?.title, 'Acme Corporation');
    const noteAfter = ok<NodeJson & { revision_id: string; updated_at: string }>(
      await admin.get(`/api/nodes/${note.id}`),
    );
    assert.deepEqual(noteAfter, { ...noteBefore, path: '/Companies/Acme Corporation/Network notes' });
    ok(await admin.get('/api/browse?path=/Companies/Acme Corporation/Contacts/Alice Admin'));
  });

  it('moves what codex archived to an Archived folder instead of deleting it', async () => {
    const contact = codex.contacts.find((c) => c.id === 2);
    const ticket = codex.tickets[0];
    assert.ok(contact && ticket);
    contact.archived_at = '2026-11-24T00:00:00.000Z';
    ticket.archived = true;
    codex.companies = codex.companies.map((c) =>
      c.account_number === 'GLOBEX' ? { ...c, archived_at: '2026-11-24T00:00:00.000Z' } : c,
    );
    const before = await byKey('contact:ACME:2');
    const fourth = await run();
    assert.equal(fourth.status, 'succeeded', fourth.error ?? '');
    assert.ok(fourth.archived >= 2);
    const archivedFolder = await byKey('archived:ACME');
    assert.ok(archivedFolder);
    const movedContact = await byKey('contact:ACME:2');
    assert.equal(movedContact?.id, before?.id);
    assert.equal(movedContact?.parent_id, archivedFolder.id);
    assert.equal(movedContact?.deleted_at, null);
    assert.equal((await byKey('ticket:100'))?.parent_id, archivedFolder.id);
    ok(await admin.get('/api/browse?path=/Companies/Acme Corporation/Archived/Bob Builder'));
    ok(await admin.get('/api/browse?path=/Companies/Archived/Globex'));
    const deleted = await rows<{ n: number }>(
      t.db,
      sql`SELECT count(*)::int AS n FROM nodes WHERE deleted_at IS NOT NULL`,
    );
    assert.equal(deleted[0]?.n, 0);
  });

  it('updates a changed ticket with a new revision', async () => {
    const ticket = codex.tickets[0];
    assert.ok(ticket);
    ticket.archived = false;
    ticket.updated_at = '2026-11-25T09:00:00.000Z';
    ticket.conversations.push({
      id: 2,
      body_text: 'Customer confirms it prints.',
      private: false,
      incoming: true,
      from_email: 'req@acme.test',
      created_at: '2026-11-25T08:00:00.000Z',
    });
    const fifth = await run();
    assert.equal(fifth.status, 'succeeded', fifth.error ?? '');
    const node = await byKey('ticket:100');
    assert.ok(node);
    assert.equal((await byKey('tickets:ACME'))?.id, node.parent_id, 'back in Tickets once codex lists it again');
    const full = ok<NodeJson>(await admin.get(`/api/nodes/${node.id}`));
    assert.match(full.markdown ?? '', /Customer confirms it prints/);
    const revisions = ok<{ revisions: unknown[] }>(await admin.get(`/api/nodes/${node.id}/revisions`));
    assert.equal(revisions.revisions.length, 2);
  });

  it('is started by admins only, answers at once, refuses a second run while one runs, and shows its history', async () => {
    problem(await client(t, await t.token('technician')).call('POST', '/api/codex-sync/runs'), 403);
    let release: () => void = () => undefined;
    codex.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const running = ok<{ id: string; status: string }>(await admin.call('POST', '/api/codex-sync/runs'), 202);
    assert.equal(running.status, 'running');
    problem(await admin.call('POST', '/api/codex-sync/runs'), 409, 'conflict');
    const during = await t.app.inject({
      method: 'GET',
      url: '/admin/codex-sync',
      headers: { authorization: `Bearer ${await t.token('admin')}` },
    });
    assert.match(during.body, /Running/);
    release();
    codex.gate = undefined;
    await t.codexSync?.idle();
    assert.equal(ok<{ status: string }>(await admin.get(`/api/codex-sync/runs/${running.id}`)).status, 'succeeded');
    const page = await t.app.inject({
      method: 'GET',
      url: '/admin/codex-sync',
      headers: { authorization: `Bearer ${await t.token('admin')}` },
    });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Codex sync/);
    assert.match(page.body, /succeeded/);
    const settings = await t.app.inject({
      method: 'GET',
      url: '/admin/settings',
      headers: { authorization: `Bearer ${await t.token('admin')}` },
    });
    assert.match(settings.body, /href="\/admin\/codex-sync"/, 'the admin pages link to it');
    const history = ok<{ runs: { status: string }[] }>(await admin.get('/api/codex-sync/runs'));
    assert.equal(history.runs.length, 6);
  });
});
