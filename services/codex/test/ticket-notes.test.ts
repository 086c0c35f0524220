/**
 * Adding a note to a ticket (`POST /api/tickets/:id/notes` and the ticket page's form) against the
 * fake Freshservice: the escaped HTML and private flag it receives with the integration's key, the
 * note stored under Freshservice's conversation id so a later sync does not add it twice, demo
 * tickets kept local, who may add notes, and the PSA's refusals (404, 401, 429) storing nothing.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { auditEvents, ticketConversations, tickets } from '../src/db/schema.js';
import { findRun } from '../src/db/sync-runs.js';
import type { SyncJobName } from '../src/domain/sync-jobs.js';
import { startFakeFreshservice, FRESHSERVICE_KEY, type FreshserviceState } from './fakes/freshservice.js';
import type { FakeServer } from './fakes/server.js';
import { bearer, startCodex, type CodexHarness } from './harness.js';
import { addTicket } from './fixtures.js';

interface NoteAnswer {
  note: {
    id: number;
    ticket_id: number;
    external_id: string | null;
    body_text: string;
    private: boolean;
    created_at: string;
  };
  pushed_to: string | null;
}

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
  retry_after?: number;
}

function initialState(): FreshserviceState {
  return {
    departments: [{ id: 101, name: 'Acme Dental', custom_fields: { account_number: '620547' } }],
    requesters: [],
    agents: [{ id: 301, first_name: 'Sam', last_name: 'Okafor', email: 'sam@msp.example', active: true }],
    tickets: [
      {
        id: 5001,
        subject: 'Printer on fire',
        status: 5,
        priority: 2,
        department_id: 101,
        requester_id: null,
        responder_id: 301,
        created_at: '2026-11-20T15:00:00Z',
        updated_at: '2026-11-21T10:00:00Z',
        conversations: [
          {
            id: 1,
            body_text: 'It is on fire',
            private: false,
            incoming: true,
            created_at: '2026-11-20T15:00:00Z',
          },
        ],
        time_entries: [],
      },
    ],
  };
}

describe('ticket notes', () => {
  let fake: FakeServer;
  let state: FreshserviceState;
  let t: CodexHarness;
  let clock = new Date('2026-11-25T12:00:00Z');
  let tech: string;
  let fsTicket: number;

  const post = (id: number, payload: unknown, token = tech, contentType = 'application/json') =>
    t.app.inject({
      method: 'POST',
      url: `/api/tickets/${id}/notes`,
      headers: { ...bearer(token), 'content-type': contentType },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  const conversationsOf = (ticketId: number) =>
    t.db.select().from(ticketConversations).where(eq(ticketConversations.ticketId, ticketId));

  async function run(job: SyncJobName) {
    const started = await t.runner.start(job, 'manual', 'test');
    assert.ok(started, 'the run started');
    await t.runner.idle();
    const finished = await findRun(t.db, started.id);
    assert.equal(finished?.status, 'succeeded', JSON.stringify(finished?.errors));
  }

  before(async () => {
    state = initialState();
    state.now = () => clock;
    fake = await startFakeFreshservice(state);
    t = await startCodex({
      now: () => clock,
      env: { FRESHSERVICE_URL: fake.url, FRESHSERVICE_API_KEY: FRESHSERVICE_KEY },
    });
    await run('freshservice');
    await run('freshservice-tickets');
    const [row] = await t.db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.provider, 'freshservice'), eq(tickets.externalId, '5001')));
    assert.ok(row, 'the sync stored the ticket');
    fsTicket = row.id;
  });
  after(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(async () => {
    fake.faults.length = 0;
    state.notesReceived = [];
    clock = new Date(clock.getTime() + 3_600_000);
    // Tokens are minted on the moving clock, so each test takes a fresh one.
    tech = await t.token('technician', { email: 'tech@msp.example' });
  });

  it('writes a private note to Freshservice as escaped HTML with the key, stores it once across later syncs', async () => {
    const added = await post(fsTicket, { body: '  Rebooted the printer.\nIt works again.  ' });
    assert.equal(added.statusCode, 201, added.body);
    const answer = JSON.parse(added.body) as NoteAnswer;
    assert.deepEqual(state.notesReceived, [
      {
        ticketId: 5001,
        authorization: `Basic ${Buffer.from(`${FRESHSERVICE_KEY}:X`).toString('base64')}`,
        json: { body: 'Rebooted the printer.<br>It works again.', private: true },
      },
    ]);
    const created = state.tickets[0]?.conversations.at(-1);
    assert.ok(created);
    assert.deepEqual(answer, {
      note: {
        id: answer.note.id,
        ticket_id: fsTicket,
        external_id: String(created.id),
        body_text: 'Rebooted the printer.\nIt works again.',
        private: true,
        created_at: new Date(created.created_at).toISOString(),
      },
      pushed_to: 'freshservice',
    });

    const shown = await t.app.inject({ url: `/api/tickets/${fsTicket}`, headers: bearer(tech) });
    const detail = JSON.parse(shown.body) as { conversations: { id: number; body_text: string; private: boolean }[] };
    assert.deepEqual(
      detail.conversations.map((entry) => [entry.body_text, entry.private]),
      [
        ['It is on fire', false],
        ['Rebooted the printer.\nIt works again.', true],
      ],
    );
    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.action, 'ticket.note'));
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.entityId, String(fsTicket));
    assert.equal((audit[0]?.detail as { pushed_to: string }).pushed_to, 'freshservice');

    // The next ticket sync lists the note (Freshservice updated the ticket): still one row for it.
    clock = new Date(clock.getTime() + 3_600_000);
    await run('freshservice-tickets');
    assert.ok(fake.log.some((line) => line.startsWith('GET /api/v2/tickets/5001/conversations')));
    const rows = await conversationsOf(fsTicket);
    assert.equal(rows.length, 2, 'the sync did not duplicate the note');
    assert.equal(rows.filter((row) => row.externalId === String(created.id)).length, 1);
  });

  it('sends HTML typed in a note escaped, and a public note as not private', async () => {
    const added = await post(fsTicket, { body: '<script>alert(1)</script> & "quotes"\r\nline 2', private: false });
    assert.equal(added.statusCode, 201, added.body);
    assert.deepEqual(state.notesReceived?.[0]?.json, {
      body: '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;<br>line 2',
      private: false,
    });
    const answer = JSON.parse(added.body) as NoteAnswer;
    assert.equal(answer.note.body_text, '<script>alert(1)</script> & "quotes"\nline 2');
    assert.equal(answer.note.private, false);
    // The ticket page shows it as text.
    const page = await t.app.inject({ url: `/tickets/${fsTicket}`, headers: bearer(tech) });
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes('<script>alert(1)'));
    assert.ok(page.body.includes('&lt;script>alert(1)&lt;/script>'));
  });

  it('keeps a note on a demo ticket in codex (pushed_to null), without asking the PSA', async () => {
    const demo = await addTicket(t.db, { companyId: null, externalId: 'demo-1', subject: 'Demo', provider: 'demo' });
    const added = await post(demo, { body: 'Local only' });
    assert.equal(added.statusCode, 201, added.body);
    const answer = JSON.parse(added.body) as NoteAnswer;
    assert.equal(answer.pushed_to, null);
    assert.equal(answer.note.external_id, null);
    assert.equal(answer.note.private, true);
    assert.equal(answer.note.created_at, clock.toISOString());
    assert.deepEqual(state.notesReceived, []);
    const rows = await conversationsOf(demo);
    assert.deepEqual(
      rows.map((row) => [row.bodyText, row.externalId, row.fromEmail]),
      [['Local only', null, 'tech@msp.example']],
    );
    // A second local note is a second row (null vendor ids never collide).
    assert.equal((await post(demo, { body: 'Another' })).statusCode, 201);
    assert.equal((await conversationsOf(demo)).length, 2);
  });

  it('lets admins and technicians add notes; clients and billing get 403, services 401/403', async () => {
    for (const level of ['client', 'billing'] as const) {
      const refused = await post(fsTicket, { body: 'x' }, await t.token(level, { email: 'ana@acme.example' }));
      assert.equal(refused.statusCode, 403, level);
      assert.match(String(refused.headers['content-type']), /application\/problem\+json/);
    }
    // Refused before the body is read: a client learns nothing from a bad body either.
    assert.equal((await post(fsTicket, { body: '' }, await t.token('client'))).statusCode, 403);
    const service = await post(fsTicket, { body: 'x' }, await t.serviceToken('brainhair'));
    assert.ok([401, 403].includes(service.statusCode), String(service.statusCode));
    assert.equal((await post(fsTicket, { body: 'By an admin' }, await t.token('admin'))).statusCode, 201);
    assert.deepEqual(state.notesReceived?.length, 1, 'only the admin reached Freshservice');
  });

  it('answers 404 for an unknown ticket, 400 naming the field for a bad body, 415 for a form post', async () => {
    const unknown = await post(999_999, { body: 'x' });
    assert.equal(unknown.statusCode, 404);
    for (const payload of [{ body: '   ' }, {}, { body: 'x'.repeat(10_001) }, { body: 'x', private: 'yes' }]) {
      const bad = await post(fsTicket, payload);
      assert.equal(bad.statusCode, 400, JSON.stringify(payload));
      const problem = JSON.parse(bad.body) as Problem;
      assert.ok(
        problem.errors?.some((entry) => /body|private/.test(entry.path)),
        JSON.stringify(problem),
      );
    }
    const form = await post(fsTicket, 'body=hello', tech, 'application/x-www-form-urlencoded');
    assert.equal(form.statusCode, 415);
    assert.deepEqual(state.notesReceived, [], 'nothing reached Freshservice');
  });

  it('answers 409 for a SuperOps ticket and an archived ticket, storing nothing', async () => {
    const superops = await addTicket(t.db, {
      companyId: null,
      externalId: 'so-1',
      subject: 'SO',
      provider: 'superops',
    });
    const refused = await post(superops, { body: 'x' });
    assert.equal(refused.statusCode, 409);
    assert.match((JSON.parse(refused.body) as Problem).detail, /SuperOps/);
    const page = await t.app.inject({ url: `/tickets/${superops}`, headers: bearer(tech) });
    assert.doesNotMatch(page.body, /aria-label="Add a note"/, 'no form that could only be refused');
    assert.match(page.body, /Notes cannot be added to superops tickets through codex yet/);
    const archived = await addTicket(t.db, { companyId: null, externalId: '5999', subject: 'Spam' });
    await t.db.update(tickets).set({ archivedAt: clock, discardedAs: 'spam' }).where(eq(tickets.id, archived));
    assert.equal((await post(archived, { body: 'x' })).statusCode, 409);
    assert.deepEqual(await conversationsOf(superops), []);
    assert.deepEqual(await conversationsOf(archived), []);
  });

  it("turns Freshservice's 404, 401 and 429 into clear problems and stores nothing", async () => {
    // A ticket codex holds that Freshservice no longer has.
    const gone = await addTicket(t.db, { companyId: null, externalId: '5404', subject: 'Purged' });
    const missing = await post(gone, { body: 'x' });
    assert.equal(missing.statusCode, 502);
    assert.match((JSON.parse(missing.body) as Problem).detail, /Freshservice answered 404/);
    assert.deepEqual(await conversationsOf(gone), []);

    // Saved settings with a key Freshservice refuses win over the configuration.
    const admin = await t.token('admin');
    const wrongKey = 'not-the-key-1234';
    const saved = await t.app.inject({
      method: 'PUT',
      url: '/api/integrations/freshservice',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      payload: JSON.stringify({ baseUrl: fake.url, credentials: { apiKey: wrongKey } }),
    });
    assert.equal(saved.statusCode, 204, saved.body);
    const before = (await conversationsOf(fsTicket)).length;
    const refused = await post(fsTicket, { body: 'x' });
    assert.equal(refused.statusCode, 502);
    assert.match((JSON.parse(refused.body) as Problem).detail, /Freshservice answered 401/);
    assert.ok(!refused.body.includes(wrongKey) && !refused.body.includes(FRESHSERVICE_KEY), 'no key in the answer');
    // Freshservice refused it at authentication: the fake kept no note request after the 404 one.
    assert.equal(state.notesReceived?.length, 1);
    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/api/integrations/freshservice',
      headers: bearer(admin),
    });
    assert.equal(removed.statusCode, 204, removed.body);

    // Rate limited: answered at once with the vendor's Retry-After, never waited out or repeated.
    fake.faults.push({
      match: (request) => request.method === 'POST',
      times: 1,
      response: { status: 429, headers: { 'retry-after': '30' }, json: { message: 'rate limited' } },
    });
    const posts = () => fake.log.filter((line) => line.startsWith('POST ')).length;
    const postsBefore = posts();
    const limited = await post(fsTicket, { body: 'x' });
    assert.equal(limited.statusCode, 503, limited.body);
    assert.equal(limited.headers['retry-after'], '30');
    const problem = JSON.parse(limited.body) as Problem;
    assert.equal(problem.retry_after, 30);
    assert.match(problem.detail, /429/);
    assert.equal(posts(), postsBefore + 1, 'asked once');
    assert.equal((await conversationsOf(fsTicket)).length, before, 'nothing stored');
  });

  it('offers technicians an "Add a note" form on the ticket page that posts and redirects', async () => {
    const page = await t.app.inject({ url: `/tickets/${fsTicket}`, headers: bearer(tech) });
    assert.match(page.body, /aria-label="Add a note"/);
    const billing = await t.app.inject({ url: `/tickets/${fsTicket}`, headers: bearer(await t.token('billing')) });
    assert.doesNotMatch(billing.body, /aria-label="Add a note"/);

    const posted = await t.app.inject({
      method: 'POST',
      url: `/tickets/${fsTicket}/notes`,
      headers: { ...bearer(tech), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'body=From+the+page&private=on',
    });
    assert.equal(posted.statusCode, 303, posted.body);
    assert.equal(posted.headers.location, `/tickets/${fsTicket}?done=note-added`);
    assert.deepEqual(state.notesReceived?.[0]?.json, { body: 'From the page', private: true });

    // A refusal is shown on the page with the text kept.
    fake.faults.push({ match: (request) => request.method === 'POST', times: 1, response: { status: 500, json: {} } });
    const failed = await t.app.inject({
      method: 'POST',
      url: `/tickets/${fsTicket}/notes`,
      headers: { ...bearer(tech), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'body=%3Cb%3EKeep+me%3C%2Fb%3E',
    });
    assert.equal(failed.statusCode, 502);
    assert.match(failed.body, /Freshservice answered 500/);
    assert.match(failed.body, /<textarea[^>]*>&lt;b>Keep me&lt;\/b><\/textarea>/, 'the text is kept, escaped');
    assert.equal(fake.faults[0]?.times, 0, 'Freshservice was asked once');
  });

  it('documents the route in OpenAPI with who may call it', async () => {
    const doc = await t.app.inject({ url: '/docs/openapi.json', headers: bearer(tech) });
    const paths = (JSON.parse(doc.body) as { paths: Record<string, Record<string, { description?: string }>> }).paths;
    assert.match(paths['/api/tickets/{id}/notes']?.post?.description ?? '', /technician/);
  });
});
