import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { AppError } from '../../src/errors.js';
import { createCoreKeySet } from '../../src/auth/key-set.js';
import { createTokenVerifier } from '../../src/auth/verify.js';
import { ServiceCallError, createServiceClient } from '../../src/service-client.js';
import type { ServiceClientOptions } from '../../src/service-client.js';
import { createTestKeys } from '../../src/testing/keys.js';
import { startFakeCore } from '../../src/testing/fake-core.js';
import type { FakeCore } from '../../src/testing/fake-core.js';

/** The URL a fetch was called with. */
const urlOf = (input: string | URL | Request): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

const SECRET = 'codex-secret-never-logged';

/** A fake "ledger" that verifies service tokens with core's real JWKS and records what it saw. */
async function startTarget(core: FakeCore) {
  const verifier = createTokenVerifier({
    keySet: createCoreKeySet({ jwksUrl: `${core.url}/.well-known/jwks.json` }),
    serviceName: 'ledger',
  });
  const rejectedTokens = new Set<string>();
  const seenTokens: string[] = [];
  const held: ServerResponse[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    let caller: string;
    try {
      const principal = await verifier.verify(token);
      if (principal.kind !== 'service' || rejectedTokens.has(token)) throw new Error('refused');
      caller = principal.service;
    } catch {
      res
        .writeHead(401, { 'content-type': 'application/problem+json' })
        .end(JSON.stringify({ status: 401, code: 'token_invalid' }));
      return;
    }
    seenTokens.push(token);
    const url = new URL(req.url ?? '/', 'http://ledger.invalid');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const json = (status: number, body: unknown, type = 'application/json') =>
      res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
    switch (url.pathname) {
      case '/api/echo':
        return void json(200, {
          caller,
          method: req.method,
          correlationId: req.headers['x-correlation-id'] ?? null,
          contentType: req.headers['content-type'] ?? null,
          query: url.search,
          body: chunks.length === 0 ? null : (JSON.parse(Buffer.concat(chunks).toString()) as unknown),
        });
      case '/api/missing':
        return void json(404, { type: 'about:blank', status: 404, code: 'not_found' }, 'application/problem+json');
      case '/api/broken':
        return void res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
      case '/api/empty':
        return void res.writeHead(204).end();
      case '/api/slow':
        held.push(res); // never answers
        return;
      default:
        return void json(200, { id: 'not-a-number' });
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    rejectedTokens,
    seenTokens,
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function rejectsWith(promise: Promise<unknown>, code: string, check?: (error: AppError) => void): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code);
    check?.(error);
    return true;
  });
}

describe('service client', () => {
  let core: FakeCore;
  let target: Awaited<ReturnType<typeof startTarget>>;
  let clock: number;

  before(async () => {
    core = await startFakeCore({ keys: await createTestKeys(), serviceSecrets: { codex: SECRET } });
    target = await startTarget(core);
  });
  after(async () => {
    await target.close();
    await core.close();
  });
  beforeEach(() => {
    clock = Date.parse('2026-11-25T12:00:00Z');
    target.rejectedTokens.clear();
  });

  const client = (overrides: Partial<ServiceClientOptions> = {}) =>
    createServiceClient({
      serviceName: 'codex',
      secret: SECRET,
      coreUrl: core.url,
      services: { ledger: { url: `${target.url}/` } },
      now: () => clock,
      ...overrides,
    });

  it('calls the target with a service token and parses the answer with the schema', async () => {
    const schema = z.object({
      caller: z.string(),
      method: z.string(),
      correlationId: z.string(),
      query: z.string(),
      body: z.unknown(),
      contentType: z.string(),
    });
    const answer = await client().call('ledger', '/api/echo', {
      method: 'POST',
      body: { amount: 42 },
      query: { page: 2, tag: ['a', 'b'], skip: undefined },
      correlationId: 'corr-123',
      schema,
    });
    assert.equal(answer.caller, 'codex');
    assert.equal(answer.method, 'POST');
    assert.equal(answer.correlationId, 'corr-123');
    assert.equal(answer.contentType, 'application/json');
    assert.equal(answer.query, '?page=2&tag=a&tag=b');
    assert.deepEqual(answer.body, { amount: 42 });
  });

  it('caches the token per target: two calls, one token request; a new one after 4.5 minutes', async () => {
    const c = client();
    const before = core.tokenRequests;
    await c.call('ledger', '/api/echo');
    await c.call('ledger', '/api/echo');
    assert.equal(core.tokenRequests - before, 1);
    clock += 269_000;
    await c.call('ledger', '/api/echo');
    assert.equal(core.tokenRequests - before, 1);
    clock += 1_000;
    await c.call('ledger', '/api/echo');
    assert.equal(core.tokenRequests - before, 2);
  });

  it('shares one token request between concurrent callers', async () => {
    const c = client();
    const before = core.tokenRequests;
    const tokens = await Promise.all([
      c.getServiceToken('ledger'),
      c.getServiceToken('ledger'),
      c.call('ledger', '/api/echo'),
    ]);
    assert.equal(core.tokenRequests - before, 1);
    assert.equal(tokens[0], tokens[1]);
  });

  it('drops the token and retries once when the target answers 401', async () => {
    const c = client();
    const first = await c.getServiceToken('ledger');
    target.rejectedTokens.add(first);
    const before = core.tokenRequests;
    const answer = await c.call<{ caller: string }>('ledger', '/api/echo');
    assert.equal(answer.caller, 'codex');
    assert.equal(core.tokenRequests - before, 1);
    assert.notEqual(await c.getServiceToken('ledger'), first);
  });

  it('gives up after the retry also gets 401', async () => {
    let targetCalls = 0;
    const refusing: typeof fetch = (input, init) => {
      if (!urlOf(input).startsWith(target.url)) return fetch(input, init);
      targetCalls += 1;
      return Promise.resolve(
        Response.json(
          { code: 'token_invalid' },
          { status: 401, headers: { 'content-type': 'application/problem+json' } },
        ),
      );
    };
    const before = core.tokenRequests;
    await rejectsWith(client({ fetch: refusing }).call('ledger', '/api/echo'), 'bad_gateway', (error) => {
      assert.ok(error instanceof ServiceCallError);
      assert.equal(error.upstreamStatus, 401);
      assert.equal(error.upstreamCode, 'token_invalid');
    });
    assert.equal(targetCalls, 2, 'one retry, not a loop');
    assert.equal(core.tokenRequests - before, 2);
  });

  it('turns a non-2xx answer into bad_gateway naming the target, status and problem code', async () => {
    await rejectsWith(client().call('ledger', '/api/missing'), 'bad_gateway', (error) => {
      assert.ok(error instanceof ServiceCallError);
      assert.equal(error.upstreamStatus, 404);
      assert.equal(error.upstreamCode, 'not_found');
      assert.match(error.message, /ledger/);
      assert.match(error.message, /404/);
    });
    await rejectsWith(client().call('ledger', '/api/broken'), 'bad_gateway', (error) => {
      assert.ok(error instanceof ServiceCallError);
      assert.equal(error.upstreamStatus, 500);
      assert.equal(error.upstreamCode, undefined);
    });
  });

  it('answers gateway_timeout when the target is too slow', async () => {
    await rejectsWith(client().call('ledger', '/api/slow', { timeoutMs: 50 }), 'gateway_timeout', (error) => {
      assert.match(error.message, /ledger/);
    });
  });

  it('answers bad_gateway when the answer fails the schema', async () => {
    await rejectsWith(
      client().call('ledger', '/api/shape', { schema: z.object({ id: z.number() }) }),
      'bad_gateway',
      (error) => {
        assert.match(error.message, /ledger/);
        assert.match(error.message, /id/);
      },
    );
  });

  it('returns undefined for an empty answer', async () => {
    assert.equal(await client().call('ledger', '/api/empty'), undefined);
  });

  it('refuses an unknown target', async () => {
    await rejectsWith(client().call('nowhere', '/x'), 'internal', (error) => assert.match(error.message, /nowhere/));
  });

  it('reports a refused secret without revealing it', async () => {
    await rejectsWith(client({ secret: 'wrong-secret' }).call('ledger', '/api/echo'), 'bad_gateway', (error) => {
      assert.ok(error instanceof ServiceCallError);
      assert.equal(error.target, 'core');
      assert.equal(error.upstreamStatus, 401);
      assert.doesNotMatch(`${error.message} ${String(error.cause)}`, /wrong-secret|never-logged/);
    });
  });

  it('reports an unreachable service as bad_gateway', async () => {
    const down = client({ services: { ledger: { url: 'http://127.0.0.1:9' } } });
    await rejectsWith(down.call('ledger', '/api/echo'), 'bad_gateway', (error) =>
      assert.match(error.message, /ledger/),
    );
  });
});
