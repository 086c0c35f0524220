/**
 * Knowledge tools against the real knowledgetree: search and read answer within the user's
 * rights, and a new article is only written after its owner approves the card.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lastToolResult } from './fake-model.js';
import { ask, eventOf, startBrainhair, type BrainhairHarness } from './harness.js';

interface Node {
  id: string;
  title: string;
  markdown?: string | null;
  children?: Node[];
}

describe('brainhair: knowledge tools on the real knowledgetree', () => {
  let t: BrainhairHarness;
  let folder: Node;
  const kt = async (method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const knowledge = t.knowledge;
    if (!knowledge) throw new Error('no knowledgetree');
    const res = await knowledge.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${await knowledge.token('technician')}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: res.statusCode, json: res.body === '' ? null : JSON.parse(res.body) };
  };
  before(async () => {
    t = await startBrainhair({ withKnowledge: true });
    const root = (await kt('GET', '/api/browse?path=/')).json as Node;
    folder = (await kt('POST', '/api/nodes', { parent_id: root.id, type: 'folder', title: 'Runbooks' })).json as Node;
    await kt('POST', '/api/nodes', {
      parent_id: folder.id,
      type: 'article',
      title: 'VPN reset',
      markdown: 'Restart the **VPN** concentrator; the admin password: Hunter2-Secret!',
    });
  });
  after(() => t.close());

  it('searches and reads articles, masked before the model sees them', async () => {
    const token = await t.token('technician');
    t.model?.script((body, step) => {
      if (step === 0) return { toolCalls: [{ name: 'knowledge_search', args: { query: 'VPN' } }] };
      if (step === 1) {
        const found = /"id":"([^"]+)","title":"VPN reset"/.exec(lastToolResult(body))?.[1] ?? 'missing';
        return { toolCalls: [{ name: 'knowledge_read', args: { id: found } }] };
      }
      return { text: ['Restart the concentrator.'] };
    });
    const start = t.model?.requests.length ?? 0;
    const chat = (await t.api(token, 'POST', '/api/chats', {})).json.id as string;
    const { events } = await ask(t, token, chat, 'How do I reset the VPN?');
    const results = events.filter((e) => e.type === 'tool-result') as unknown as {
      tool: string;
      status: string;
      links: { href: string }[];
    }[];
    assert.deepEqual(
      results.map((r) => [r.tool, r.status]),
      [
        ['knowledge_search', 'ok'],
        ['knowledge_read', 'ok'],
      ],
    );
    assert.match(results[0]?.links[0]?.href ?? '', /^\/knowledgetree\/view\//);
    const read = lastToolResult(t.model?.requests[start + 2] ?? { model: '', messages: [] });
    assert.match(read, /Restart the \*\*VPN\*\* concentrator/);
    assert.ok(!read.includes('Hunter2-Secret!'), read);
  });

  it('creates an article only after approval, with exactly the proposed text', async () => {
    const token = await t.token('technician', { sub: 'writer' });
    t.model?.script((_b, step) =>
      step === 0
        ? {
            toolCalls: [
              {
                name: 'knowledge_create_article',
                args: {
                  parent_id: folder.id,
                  title: 'Printer toner',
                  markdown: '# Toner\n\nIn the **second** drawer.',
                },
              },
            ],
          }
        : { text: ['Approve the card to save it.'] },
    );
    const chat = (await t.api(token, 'POST', '/api/chats', {})).json.id as string;
    const { events } = await ask(t, token, chat, 'Write an article about toner');
    const card = eventOf<{ approval: { id: string; args_hash: string; summary: string } }>(events, 'approval').approval;
    assert.equal(card.summary, 'Create article "Printer toner" in "Runbooks"');
    const titles = async () =>
      (((await kt('GET', `/api/nodes/${folder.id}`)).json as Node).children ?? []).map((c) => c.title).sort();
    assert.deepEqual(await titles(), ['VPN reset']);
    const approved = await t.api(token, 'POST', `/api/approvals/${card.id}/decision`, {
      decision: 'approve',
      args_hash: card.args_hash,
    });
    assert.equal(approved.json.status, 'executed', JSON.stringify(approved.json));
    assert.deepEqual(await titles(), ['Printer toner', 'VPN reset']);
    const created = (approved.json.result as { response: Node }).response;
    assert.equal(
      ((await kt('GET', `/api/nodes/${created.id}`)).json as Node).markdown,
      '# Toner\n\nIn the **second** drawer.',
    );
  });
});
