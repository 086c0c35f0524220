/**
 * Chats over real HTTP with a scripted model: stop (button and closed connection) really stops
 * the model, every route checks the owner, history search/rename/delete/export, safe Markdown,
 * daily limits and the admin usage page; and search mode when no model is configured.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { addCompany, addTicket } from '../../codex/test/fixtures.js';
import { messages, usageDaily } from '../src/db/schema.js';
import { ask, eventOf, FROZEN_NOW, startBrainhair, type BrainhairHarness } from './harness.js';

const waitFor = async (check: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('brainhair: chats with a scripted model', () => {
  let t: BrainhairHarness;
  before(async () => {
    t = await startBrainhair();
  });
  after(() => t.close());
  const newChat = async (token: string) => (await t.api(token, 'POST', '/api/chats', {})).json.id as string;

  it('stops the model when the user presses stop, and keeps what was said', async () => {
    const token = await t.token('technician', { sub: 'stopper' });
    t.model?.script(() => ({ text: Array.from({ length: 100 }, (_, i) => `word${i} `), delayMs: 30 }));
    const chat = await newChat(token);
    const abortedBefore = t.model?.aborted ?? 0;
    let stopAnswer: Promise<{ status: number; json: Record<string, unknown> }> | undefined;
    const { events } = await ask(t, token, chat, 'Talk slowly', {
      onEvent: (e) => {
        if (e.type === 'text' && stopAnswer === undefined)
          stopAnswer = t.api(token, 'POST', `/api/chats/${chat}/stop`, {});
      },
    });
    assert.equal((await stopAnswer)?.json.stopped, true);
    const done = eventOf<{ status: string }>(events, 'done');
    assert.equal(done.status, 'stopped');
    assert.ok(events.filter((e) => e.type === 'text').length < 100);
    await waitFor(() => (t.model?.aborted ?? 0) > abortedBefore);
    const saved = await t.db.select().from(messages).where(eq(messages.chatId, chat));
    assert.deepEqual(
      saved.map((m) => [m.role, m.status]),
      [
        ['user', 'complete'],
        ['assistant', 'stopped'],
      ],
    );
    assert.equal(t.runs.size, 0);
  });

  it('stops the model when the browser goes away', async () => {
    const token = await t.token('technician');
    t.model?.script(() => ({ text: Array.from({ length: 100 }, (_, i) => `w${i} `), delayMs: 30 }));
    const chat = await newChat(token);
    const abortedBefore = t.model?.aborted ?? 0;
    await ask(t, token, chat, 'Talk slowly', { until: (e) => e.type === 'text' });
    await waitFor(() => (t.model?.aborted ?? 0) > abortedBefore);
    await waitFor(() => t.runs.size === 0);
    const saved = await t.db.select().from(messages).where(eq(messages.chatId, chat));
    assert.equal(saved.at(-1)?.status, 'stopped');
  });

  it('checks the owner on every route: another user gets 404 everywhere', async () => {
    const owner = await t.token('technician', { sub: 'owner-1' });
    const other = await t.token('technician', { sub: 'other-1' });
    t.model?.script(() => ({ text: ['hello'] }));
    const chat = await newChat(owner);
    await ask(t, owner, chat, 'hi');
    for (const [method, path, body] of [
      ['GET', `/api/chats/${chat}`, undefined],
      ['PATCH', `/api/chats/${chat}`, { title: 'mine now' }],
      ['DELETE', `/api/chats/${chat}`, undefined],
      ['GET', `/api/chats/${chat}/export.md`, undefined],
      ['POST', `/api/chats/${chat}/stop`, {}],
      ['POST', `/api/chats/${chat}/messages`, { text: 'hi' }],
    ] as const) {
      const res = await t.api(other, method, path, body);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.json.code, 'not_found');
    }
    const page = await fetch(`${t.url}/?chat=${chat}`, { headers: { authorization: `Bearer ${other}` } });
    assert.equal(page.status, 404);
    assert.equal(((await t.api(other, 'GET', '/api/chats')).json.chats as unknown[]).length, 0);
    assert.equal((await t.api(owner, 'GET', `/api/chats/${chat}`)).status, 200);
    const service = await t.keys.mintServiceToken('codex', 'brainhair', { now: FROZEN_NOW.getTime() });
    assert.equal((await t.api(service, 'GET', '/api/chats')).status, 403);
  });

  it('lists, searches, renames, exports and deletes chats', async () => {
    const token = await t.token('technician', { sub: 'historian' });
    t.model?.script(() => ({ text: ['The printer needs toner.'] }));
    const first = await newChat(token);
    await ask(t, token, first, 'Why is the printer blinking?');
    const second = await newChat(token);
    await ask(t, token, second, 'Another question about VPN');
    const list = (await t.api(token, 'GET', '/api/chats')).json.chats as {
      id: string;
      title: string;
      message_count: number;
    }[];
    assert.deepEqual(list.map((c) => c.title).sort(), ['Another question about VPN', 'Why is the printer blinking?']);
    const found = (await t.api(token, 'GET', '/api/chats?q=toner')).json.chats as { id: string }[];
    assert.equal(found.length, 2, 'message text is searched too');
    assert.deepEqual(
      ((await t.api(token, 'GET', '/api/chats?q=VPN')).json.chats as { id: string }[]).map((c) => c.id),
      [second],
    );
    assert.equal(
      (await t.api(token, 'PATCH', `/api/chats/${first}`, { title: 'Printer toner' })).json.title,
      'Printer toner',
    );
    const exported = await fetch(`${t.url}/api/chats/${first}/export.md`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.match(exported.headers.get('content-disposition') ?? '', /attachment; filename="brainhair-.*\.md"/);
    const markdown = await exported.text();
    assert.match(markdown, /^# Printer toner/);
    assert.match(markdown, /## You .*\n\nWhy is the printer blinking\?/);
    const history = await (
      await fetch(`${t.url}/history?q=blinking`, { headers: { authorization: `Bearer ${token}` } })
    ).text();
    assert.match(history, /Printer toner/);
    assert.doesNotMatch(history, /VPN/);
    assert.equal((await t.api(token, 'DELETE', `/api/chats/${first}`)).status, 204);
    assert.equal((await t.api(token, 'GET', `/api/chats/${first}`)).status, 404);
  });

  it('renders replies as sanitised Markdown (no raw HTML, no script links)', async () => {
    const token = await t.token('technician');
    t.model?.script(() => ({
      text: [
        '**Bold** <script>alert(1)</script> <img src=x onerror=alert(1)> [click](javascript:alert(1)) [ok](https://example.test)',
      ],
    }));
    const chat = await newChat(token);
    const { events } = await ask(t, token, chat, 'render');
    const html = eventOf<{ html: string }>(events, 'done').html;
    assert.match(html, /<strong>Bold<\/strong>/);
    assert.doesNotMatch(html, /<script|<img|href="javascript/i);
    assert.match(html, /<a href="https:\/\/example.test" rel="noopener noreferrer">ok<\/a>/);
    const stored = (await t.api(token, 'GET', `/api/chats/${chat}`)).json.messages as { html: string | null }[];
    assert.doesNotMatch(stored[1]?.html ?? '', /<script/);
  });

  it("gives the model the chat's client and ticket as context", async () => {
    const token = await t.token('technician');
    await addCompany(t.codex.db, { accountNumber: 'CTX1', name: 'Context Co' });
    const chat = await newChat(token);
    assert.equal(
      (await t.api(token, 'PATCH', `/api/chats/${chat}`, { company_account: 'CTX1', ticket_id: 42 })).status,
      200,
    );
    assert.equal((await t.api(token, 'PATCH', `/api/chats/${chat}`, { company_account: '<bad>' })).status, 400);
    t.model?.script(() => ({ text: ['ok'] }));
    const start = t.model?.requests.length ?? 0;
    await ask(t, token, chat, 'context?');
    const system = JSON.stringify(t.model?.requests[start]?.messages[0]);
    assert.match(system, /account number CTX1/);
    assert.match(system, /ticket 42/);
  });

  it('enforces the daily token and tool-call limits, and shows usage to admins only', async () => {
    const token = await t.token('technician', { sub: 'heavy', name: 'Heavy User' });
    const chat = await newChat(token);
    t.model?.script((_b, i) => (i === 0 ? { toolCalls: [{ name: 'tickets_active', args: {} }] } : { text: ['ok'] }));
    await ask(t, token, chat, 'tickets?');
    const usage = await t.api(await t.token('admin'), 'GET', '/api/admin/usage');
    const row = (
      usage.json.usage as {
        user_sub: string;
        input_tokens: number;
        output_tokens: number;
        tool_calls: number;
        messages: number;
      }[]
    ).find((u) => u.user_sub === 'heavy');
    assert.deepEqual(row && [row.input_tokens, row.output_tokens, row.tool_calls, row.messages], [200, 40, 1, 1]);
    assert.equal((await t.api(token, 'GET', '/api/admin/usage')).status, 403);
    const admin = await fetch(`${t.url}/admin`, { headers: { authorization: `Bearer ${await t.token('admin')}` } });
    assert.match(await admin.text(), /Heavy User/);

    await t.db.update(usageDaily).set({ toolCalls: 300 }).where(eq(usageDaily.userSub, 'heavy'));
    const { events } = await ask(t, token, chat, 'tickets again?');
    assert.equal(eventOf<{ status: string }>(events, 'tool-result').status, 'refused');
    await t.db.update(usageDaily).set({ inputTokens: 10_000_000 }).where(eq(usageDaily.userSub, 'heavy'));
    const refused = await t.api(token, 'POST', `/api/chats/${chat}/messages`, { text: 'more' });
    assert.equal(refused.status, 429);
    assert.equal(refused.json.code, 'rate_limited');
  });

  it('refuses a second message while the chat is answering', async () => {
    const token = await t.token('technician');
    t.model?.script(() => ({ text: Array.from({ length: 30 }, () => 'x '), delayMs: 30 }));
    const chat = await newChat(token);
    let second: Promise<{ status: number }> | undefined;
    await ask(t, token, chat, 'slow', {
      onEvent: (e) => {
        if (e.type === 'text' && second === undefined)
          second = t.api(token, 'POST', `/api/chats/${chat}/messages`, { text: 'again' });
      },
    });
    assert.equal((await second)?.status, 409);
  });
});

describe('brainhair: search mode without a model', () => {
  let t: BrainhairHarness;
  before(async () => {
    t = await startBrainhair({ withModel: false });
    const acme = await addCompany(t.codex.db, { accountNumber: 'ACME', name: 'Acme Printers' });
    await addTicket(t.codex.db, { companyId: acme, externalId: '7001', subject: 'Printers offline' });
  });
  after(() => t.close());

  it('runs the read tools on the message and lists the results with links, clearly labelled', async () => {
    const token = await t.token('technician');
    const chat = (await t.api(token, 'POST', '/api/chats', {})).json.id as string;
    const { events } = await ask(t, token, chat, 'Printers');
    assert.equal(eventOf<{ mode: string }>(events, 'start').mode, 'search');
    const html = eventOf<{ html: string }>(events, 'done').html;
    assert.match(html, /Search mode/);
    assert.match(html, /<a href="\/codex\/companies\/ACME"[^>]*>Acme Printers<\/a>/);
    assert.match(html, /<a href="\/codex\/tickets\/\d+"[^>]*>#7001 Printers offline<\/a>/);
    assert.match(html, /knowledgetree could not be reached/);
    const page = await (await fetch(`${t.url}/`, { headers: { authorization: `Bearer ${token}` } })).text();
    assert.match(page, /Search mode/);
    assert.match(page, /<script src="\/static\/brainhair-chat.js" defer><\/script>/);
  });
});
