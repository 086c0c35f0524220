/** "Add a note" from the ticket panel: staff only, validated as codex does, sent with the user's own token, codex's refusals passed through. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '@hivematrix/sdk';
import { startBeacon, type BeaconHarness } from './harness.js';
import { ticket } from './fake-codex.js';

describe('beacon ticket notes', () => {
  let t: BeaconHarness;
  let id: number;
  before(async () => {
    const one = ticket({ subject: 'Printer on fire' });
    id = one.id;
    t = await startBeacon({ tickets: [one] });
  });
  after(() => t.close());

  const post = (url: string, token: string, payload: unknown) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  const problem = (body: string) => JSON.parse(body) as { code: string; detail: string; status: number };

  it("adds a technician's note through codex with their own token, exactly as typed (trimmed)", async () => {
    const token = await t.token('technician', 'tess');
    const res = await post(`/api/tickets/${id}/notes`, token, {
      body: '  Called the customer back.\n',
      private: false,
    });
    assert.equal(res.statusCode, 201, res.body);
    const answer = JSON.parse(res.body) as { note: { body_text: string; private: boolean }; pushed_to: string | null };
    assert.deepEqual(
      [answer.note.body_text, answer.note.private, answer.pushed_to],
      ['Called the customer back.', false, 'freshservice'],
    );
    assert.deepEqual(t.codex.calls.notes.at(-1), { id, body: 'Called the customer back.', private: false, token });
    // Private unless said otherwise, as codex's default.
    assert.equal((await post(`/api/tickets/${id}/notes`, token, { body: 'Internal only' })).statusCode, 201);
    assert.deepEqual(t.codex.calls.notes.at(-1), { id, body: 'Internal only', private: true, token });
    // The panel read again shows both notes in the conversation.
    const panel = await t.app.inject({
      method: 'GET',
      url: `/api/tickets/${id}`,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    const texts = (JSON.parse(panel.body) as { conversation: { text: string; private: boolean }[] }).conversation;
    assert.deepEqual(texts.slice(-2), [
      { ...texts.at(-2), text: 'Called the customer back.', private: false },
      { ...texts.at(-1), text: 'Internal only', private: true },
    ]);
    // An admin may too.
    assert.equal((await post(`/api/tickets/${id}/notes`, await t.token('admin'), { body: 'Noted' })).statusCode, 201);
  });

  it('refuses client and billing users (403) whatever the body, and asks codex nothing', async () => {
    const before = t.codex.calls.notes.length;
    for (const level of ['client', 'billing'] as const) {
      for (const payload of [{ body: 'Hello' }, { body: '' }]) {
        const res = await post(`/api/tickets/${id}/notes`, await t.token(level), payload);
        assert.equal(res.statusCode, 403, `${level} ${res.body}`);
        assert.equal(problem(res.body).code, 'forbidden');
      }
    }
    const service = await t.keys.mintServiceToken('codex', 'beacon', { now: t.now().getTime() });
    assert.equal((await post(`/api/tickets/${id}/notes`, service, { body: 'Hello' })).statusCode, 403);
    assert.equal(t.codex.calls.notes.length, before);
  });

  it('answers 400 for a body codex would refuse, before asking codex', async () => {
    const token = await t.token('technician');
    const before = t.codex.calls.notes.length;
    for (const payload of [
      {},
      { body: '' },
      { body: '   \n ' },
      { body: 'x'.repeat(10_001) },
      { body: 42 },
      { body: 'Fine', private: 'yes' },
    ]) {
      const res = await post(`/api/tickets/${id}/notes`, token, payload);
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload).slice(0, 40)} ${res.body}`);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    }
    assert.equal((await post('/api/tickets/0/notes', token, { body: 'Fine' })).statusCode, 400);
    assert.equal(t.codex.calls.notes.length, before);
    // 10,000 characters is the limit, not over it.
    assert.equal((await post(`/api/tickets/${id}/notes`, token, { body: 'x'.repeat(10_000) })).statusCode, 201);
  });

  it("passes codex's 404, 409, 502 and 503 (with Retry-After) through with codex's detail", async () => {
    const token = await t.token('technician');
    const unknown = await post('/api/tickets/999999/notes', token, { body: 'Hello' });
    assert.equal(unknown.statusCode, 404, unknown.body);
    const reason = 'Notes cannot be added to SuperOps tickets through codex yet: add them in SuperOps.';
    const cases = [
      [new AppError('conflict', reason), 409, undefined],
      [new AppError('bad_gateway', 'Freshservice answered 403 and refused the note.'), 502, undefined],
      [new AppError('service_unavailable', 'Freshservice is limiting requests.', { retryAfter: 30 }), 503, '30'],
    ] as const;
    for (const [refusal, status, retryAfter] of cases) {
      t.codex.noteRefusal = refusal;
      const res = await post(`/api/tickets/${id}/notes`, token, { body: 'Hello' });
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
      assert.equal(problem(res.body).detail, refusal.message);
      assert.equal(res.headers['retry-after'], retryAfter);
    }
    t.codex.noteRefusal = null;
  });
});
