/** Beacon's HTTP client for codex, for what a person does: the request it sends, and codex's refusals as beacon's own answers. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, type ServiceClient } from '@hivematrix/sdk';
import { httpCodexClient } from '../src/codex/client.js';

/** The service client is for the shared board only: a person's calls must not touch it. */
const noServiceCalls: ServiceClient = {
  call: () => Promise.reject(new Error('no service call expected')),
  getServiceToken: () => Promise.reject(new Error('no service token expected')),
  invalidateToken: () => undefined,
};

function codexAnswering(status: number, body: unknown, headers: Record<string, string> = {}) {
  const sent: { url: string; init: RequestInit }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    sent.push({
      url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      init: init ?? {},
    });
    const type = status >= 400 ? 'application/problem+json; charset=utf-8' : 'application/json';
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': type, ...headers } });
  };
  return { sent, client: httpCodexClient({ client: noServiceCalls, codexUrl: 'http://codex.test/', fetch }) };
}

const problem = (status: number, code: string, detail: string) => ({
  type: 'about:blank',
  title: code,
  status,
  code,
  detail,
});

describe('beacon codex client', () => {
  it("posts a note as JSON with the user's bearer token and returns codex's answer", async () => {
    const answer = {
      note: {
        id: 7,
        ticket_id: 3,
        external_id: null,
        body_text: 'Hi',
        private: true,
        created_at: '2026-11-25T12:00:00.000Z',
      },
      pushed_to: null,
    };
    const { sent, client } = codexAnswering(201, answer);
    assert.deepEqual(await client.addNote(3, { body: 'Hi', private: true }, 'user-token'), answer);
    const [request] = sent;
    assert.ok(request);
    assert.equal(request.url, 'http://codex.test/api/tickets/3/notes');
    assert.equal(request.init.method, 'POST');
    assert.deepEqual(request.init.headers, {
      accept: 'application/json',
      authorization: 'Bearer user-token',
      'content-type': 'application/json',
    });
    assert.equal(typeof request.init.body, 'string');
    assert.deepEqual(JSON.parse(request.init.body as string), { body: 'Hi', private: true });
  });

  it("turns codex's problems into the same status with codex's detail; a bare failure is a 502 naming codex", async () => {
    const cases: [number, unknown, Record<string, string>, number, string, number | undefined][] = [
      [404, problem(404, 'not_found', 'Ticket not found'), {}, 404, 'Ticket not found', undefined],
      [409, problem(409, 'conflict', 'The ticket is archived.'), {}, 409, 'The ticket is archived.', undefined],
      [
        502,
        problem(502, 'bad_gateway', 'Freshservice answered 500.'),
        {},
        502,
        'Freshservice answered 500.',
        undefined,
      ],
      [
        503,
        { ...problem(503, 'service_unavailable', 'Freshservice is limiting requests.'), retry_after: 12 },
        { 'retry-after': '12' },
        503,
        'Freshservice is limiting requests.',
        12,
      ],
      [503, null, {}, 502, 'codex answered HTTP 503', undefined],
      [
        401,
        problem(401, 'token_expired', 'Token expired'),
        {},
        502,
        'codex answered HTTP 401 (token_expired)',
        undefined,
      ],
    ];
    for (const [status, body, headers, ours, detail, retryAfter] of cases) {
      const { client } = codexAnswering(status, body, headers);
      const error = await client.addNote(3, { body: 'Hi', private: true }, 'user-token').then(
        () => assert.fail(`codex's ${status} was taken as success`),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof AppError, String(error));
      assert.deepEqual([error.status, error.message, error.retryAfter], [ours, detail, retryAfter], `codex ${status}`);
    }
  });
});
