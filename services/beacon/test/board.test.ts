/** The board for staff: who may open it, sections and filters, one codex request for many screens, the ticket panel and "Sync now" with the user's token. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FROZEN_NOW, startBeacon, type BeaconHarness } from './harness.js';
import { ticket } from './fake-codex.js';
import type { BoardRow } from '../src/domain/rows.js';

describe('beacon board', () => {
  let t: BeaconHarness;
  const hour = 3_600_000;
  const iso = (offset: number) => new Date(FROZEN_NOW.getTime() + offset).toISOString();
  before(async () => {
    t = await startBeacon({
      tickets: [
        ticket({ subject: 'Open, FR due in 2 h', fr_due_by: iso(2 * hour), updated_at: iso(-hour) }),
        ticket({
          subject: 'Customer replied',
          status: 'customer_replied',
          responder_external_id: '8',
          agent_name: 'Bob Agent',
        }),
        ticket({
          subject: 'Stale urgent',
          priority: 'urgent',
          priority_id: 4,
          status: 'on_hold',
          updated_at: iso(-2 * hour),
        }),
        ticket({ subject: 'Waiting', status: 'waiting_customer', account_number: 'GLOBEX', company_name: 'Globex' }),
        ticket({ subject: 'Closed', status: 'closed' }),
      ],
    });
  });
  after(() => t.close());

  const get = async (url: string, token?: string) =>
    t.app.inject({
      method: 'GET',
      url,
      headers:
        token === undefined
          ? { accept: 'application/json' }
          : { authorization: `Bearer ${token}`, accept: 'application/json' },
    });

  it('gives a client user and a billing user 403 on the board, its API and its stream; a service token too', async () => {
    for (const level of ['client', 'billing'] as const) {
      const token = await t.token(level);
      for (const url of ['/', '/api/board', '/api/board/events', '/api/tickets/1']) {
        const res = await get(url, token);
        assert.equal(res.statusCode, 403, `${level} ${url}`);
        assert.equal((JSON.parse(res.body) as { code: string }).code, 'forbidden');
      }
    }
    const service = await t.keys.mintServiceToken('codex', 'beacon', { now: t.now().getTime() });
    assert.equal((await get('/api/board', service)).statusCode, 403);
    assert.equal((await get('/api/board')).statusCode, 401);
  });

  it('places each active ticket in its section with its SLA state', async () => {
    const res = await get('/api/board', await t.token('technician'));
    assert.equal(res.statusCode, 200, res.body);
    const rows = (JSON.parse(res.body) as { rows: BoardRow[] }).rows;
    const by = (subject: string) => rows.find((row) => row.subject === subject);
    assert.equal(rows.length, 4, 'the closed ticket is not on the board');
    assert.deepEqual(
      [by('Open, FR due in 2 h')?.section, by('Open, FR due in 2 h')?.sla],
      ['needs_response', 'critical'],
    );
    assert.deepEqual([by('Customer replied')?.section, by('Customer replied')?.sla], ['customer_replied', 'warning']);
    assert.deepEqual([by('Stale urgent')?.section, by('Stale urgent')?.sla], ['needs_attention', 'overdue']);
    assert.deepEqual([by('Waiting')?.section, by('Waiting')?.sla], ['other', 'responded']);
    assert.match(by('Waiting')?.psa_url ?? '', /^https:\/\/psa\.example\.test\/a\/tickets\/\d+$/);
  });

  it('filters by agent, company and priority, and refuses an unknown view', async () => {
    const token = await t.token('technician');
    const subjects = async (query: string) =>
      (JSON.parse((await get(`/api/board?${query}`, token)).body) as { rows: BoardRow[] }).rows
        .map((row) => row.subject)
        .sort();
    assert.deepEqual(await subjects('agent=8'), ['Customer replied']);
    assert.deepEqual(await subjects('company=GLOBEX'), ['Waiting']);
    assert.deepEqual(await subjects('priority=urgent'), ['Stale urgent']);
    assert.deepEqual(
      await subjects('view=professional-services'),
      [],
      'no PSA group is configured for it, as in the original',
    );
    assert.equal((await get('/api/board?view=nope', token)).statusCode, 404);
  });

  it('renders the board page for a technician, with the filters in the form and no inline script', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/?agent=7&priority=high',
      headers: { authorization: `Bearer ${await t.token('technician')}` },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /<script src="\/static\/board\.js" defer><\/script>/);
    assert.doesNotMatch(res.body.replace(/<script (type="application\/json"|src=)[^>]*>/g, ''), /<script>/);
    assert.match(res.body, /<option value="7" selected>Alice Agent<\/option>/);
    assert.match(res.body, /<option value="high" selected>high<\/option>/);
    const script = await t.app.inject({ method: 'GET', url: '/static/board.js' });
    assert.equal(script.statusCode, 200);
    assert.match(String(script.headers['content-type']), /javascript/);
    assert.doesNotMatch(script.body, /innerHTML/, 'ticket text only ever goes in as text');
  });

  it('asks codex once per interval however many screens ask at the same time', async () => {
    t.advance(60_000);
    const before = t.codex.calls.active;
    t.codex.hold = true;
    const token = await t.token('technician');
    const pending = Array.from({ length: 40 }, () => get('/api/board', token));
    await new Promise((resolve) => setTimeout(resolve, 100));
    t.codex.hold = false;
    t.codex.release();
    const answers = await Promise.all(pending);
    assert.ok(answers.every((res) => res.statusCode === 200));
    assert.equal(t.codex.calls.active - before, 1);
    await get('/api/board', token);
    assert.equal(t.codex.calls.active - before, 1, 'inside the interval the cache answers');
    t.advance(10_000);
    const reads = t.app.board.fullReads;
    await get('/api/board', token);
    assert.equal(t.codex.calls.active - before, 2);
    assert.equal(t.app.board.fullReads, reads, 'nothing changed: codex answered 304 and no tickets travelled');
    const version = t.app.board.snapshot().version;
    const first = t.codex.tickets[0];
    assert.ok(first);
    t.codex.tickets[0] = { ...first, subject: 'Changed in codex' };
    t.advance(10_000);
    const changed = JSON.parse((await get('/api/board', token)).body) as { version: number; rows: BoardRow[] };
    assert.ok(changed.version > version);
    assert.ok(changed.rows.some((row) => row.subject === 'Changed in codex'));
    assert.equal(t.app.board.fullReads, reads, 'only the changes travelled');
    assert.equal(
      t.codex.calls.changedSince.at(-1),
      '2026-11-25T11:58:00.000Z',
      "asked since codex's last answer, less two minutes",
    );
    // A ticket that leaves codex's active list leaves the board.
    const index = t.codex.tickets.findIndex((candidate) => candidate.subject === 'Waiting');
    const [gone] = t.codex.tickets.splice(index, 1);
    assert.ok(gone);
    const beforeRows = JSON.parse((await get('/api/board', token)).body) as { rows: BoardRow[] };
    assert.ok(
      beforeRows.rows.some((row) => row.id === gone.id),
      'still there inside the interval',
    );
    t.advance(10_000);
    const after = JSON.parse((await get('/api/board', token)).body) as { rows: BoardRow[] };
    assert.ok(!after.rows.some((row) => row.id === gone.id));
    t.codex.tickets.splice(index, 0, gone);
  });

  it('revalidates with codex inside the interval for a reader that sends Cache-Control: no-cache', async () => {
    const token = await t.token('technician');
    t.advance(60_000);
    await get('/api/board', token);
    const first = t.codex.tickets[0];
    assert.ok(first);
    t.codex.tickets[0] = { ...first, subject: 'Written just now' };
    const subjects = (body: string) => (JSON.parse(body) as { rows: BoardRow[] }).rows.map((row) => row.subject);
    assert.ok(!subjects((await get('/api/board', token)).body).includes('Written just now'), 'the shared board');
    const fresh = await t.app.inject({
      method: 'GET',
      url: '/api/board',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'cache-control': 'no-cache' },
    });
    assert.ok(subjects(fresh.body).includes('Written just now'), fresh.body);
    // A request already in flight started before the write: a no-cache reader waits for it, then asks again.
    t.codex.tickets[0] = { ...first, subject: 'Written during a read' };
    t.advance(60_000);
    t.codex.hold = true;
    const calls = t.codex.calls.active;
    const plain = get('/api/board', token);
    await new Promise((resolve) => setTimeout(resolve, 50));
    t.codex.tickets[0] = { ...first, subject: 'Written after the read began' };
    t.advance(1);
    const revalidated = t.app.inject({
      method: 'GET',
      url: '/api/board',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'cache-control': 'no-cache' },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    t.codex.hold = false;
    t.codex.release();
    assert.ok(!subjects((await plain).body).includes('Written after the read began'), 'the read that began before');
    assert.ok(subjects((await revalidated).body).includes('Written after the read began'));
    assert.equal(t.codex.calls.active - calls, 2);
    t.codex.tickets[0] = first;
  });

  it("opens a ticket with the user's own token: text, PSA link and time since the last agent reply", async () => {
    const token = await t.token('technician');
    const id = t.codex.tickets[0]?.id ?? 0;
    const res = await get(`/api/tickets/${id}`, token);
    assert.equal(res.statusCode, 200, res.body);
    const panel = JSON.parse(res.body) as {
      description: string;
      psa_url: string;
      minutes_since_agent_reply: number;
      conversation: unknown[];
    };
    assert.equal(panel.description, 'Printer <b>on fire</b>', 'text as codex keeps it; the page puts it in as text');
    assert.equal(
      panel.minutes_since_agent_reply,
      Math.floor((t.now().getTime() - Date.parse('2026-11-25T11:00:00.000Z')) / 60_000),
    );
    assert.match(panel.psa_url, /^https:\/\/psa\.example\.test\//);
    assert.equal(panel.conversation.length, 2);
    assert.equal(t.codex.calls.userTokens.at(-1), token);
  });

  it('starts "Sync now" and follows it with the user\'s own token', async () => {
    const token = await t.token('technician');
    const started = await t.app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    assert.equal(started.statusCode, 202, started.body);
    assert.equal(t.codex.calls.userTokens.at(-1), token);
    const run = await get('/api/sync/runs/5', token);
    assert.equal((JSON.parse(run.body) as { status: string }).status, 'succeeded');
    const client = await t.app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: { authorization: `Bearer ${await t.token('client')}`, accept: 'application/json' },
    });
    assert.equal(client.statusCode, 403);
  });
});
