/**
 * Every service built with `createServiceApp` refuses NUL characters and malformed Unicode in its
 * input with a 400 problem+json, before a handler (or PostgreSQL, which rejected NUL with an
 * error that surfaced as a 500) sees it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { z } from 'zod';
import {
  createLogger,
  createServiceApp,
  createLocalKeySet,
  createTokenVerifier,
  installFormParser,
  type ServiceApp,
} from '../../src/index.js';
import { findInvalidText } from '../../src/http/text-guard.js';
import { createTestKeys } from '../../src/testing/keys.js';

describe('sdk: NUL and malformed text are refused in every input', () => {
  let app: ServiceApp;
  const seen: unknown[] = [];

  before(async () => {
    const keys = await createTestKeys();
    app = await createServiceApp({
      service: 'codex',
      logger: createLogger({ service: 'codex', level: 'silent' }),
      verifier: createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'codex' }),
      trustedProxies: [],
    });
    installFormParser(app);
    app.get('/search', { schema: { querystring: z.object({ q: z.string().optional() }) } }, (request) => {
      seen.push(request.query.q);
      return { q: request.query.q ?? null };
    });
    app.get('/raw', (request) => ({ query: request.query })); // no schema at all
    app.get('/items/:id', (request) => ({ params: request.params }));
    app.post('/items', (request) => ({ body: request.body }));
    await app.ready();
  });
  after(() => app.close());

  async function expect400(request: InjectOptions, where: string): Promise<void> {
    const response = await app.inject(request);
    assert.equal(response.statusCode, 400, `${where}: ${response.body}`);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    const problem = response.json<{ code: string; errors: { path: string }[] }>();
    assert.equal(problem.code, 'validation_failed');
    assert.ok(
      problem.errors.some((error) => error.path.startsWith(where)),
      `${where} named in ${JSON.stringify(problem.errors)}`,
    );
  }

  it('in query strings, with or without a route schema', async () => {
    await expect400({ method: 'GET', url: '/search?q=%00' }, 'querystring.q');
    await expect400({ method: 'GET', url: '/search?q=abc%00def' }, 'querystring.q');
    await expect400({ method: 'GET', url: '/raw?filter=%00' }, 'querystring.filter');
    await expect400({ method: 'GET', url: '/raw?a=1&a=%00' }, 'querystring.a.1');
    await expect400({ method: 'GET', url: '/raw?%00=1' }, 'querystring');
    assert.deepEqual(seen, [], 'no handler saw the NUL');
  });

  it('in route parameters', async () => {
    await expect400({ method: 'GET', url: '/items/%00' }, 'params.id');
  });

  it('in JSON and form bodies, lone surrogates included', async () => {
    const json = { 'content-type': 'application/json' };
    await expect400({ method: 'POST', url: '/items', headers: json, payload: '{"name":"a\\u0000b"}' }, 'body.name');
    await expect400(
      { method: 'POST', url: '/items', headers: json, payload: '{"tags":["ok","\\ud800"]}' },
      'body.tags.1',
    );
    await expect400(
      { method: 'POST', url: '/items', headers: json, payload: '{"deep":{"er":{"name":"\\udc00x"}}}' },
      'body.deep.er.name',
    );
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    await expect400({ method: 'POST', url: '/items', headers: form, payload: 'name=a%00b' }, 'body.name');
  });

  it('lets ordinary text through, non-ASCII included', async () => {
    const search = await app.inject({ method: 'GET', url: `/search?q=${encodeURIComponent('Müller & Söhne €')}` });
    assert.equal(search.statusCode, 200);
    assert.deepEqual(search.json(), { q: 'Müller & Söhne €' });
    const body = await app.inject({
      method: 'POST',
      url: '/items',
      headers: { 'content-type': 'application/json' },
      payload: { name: '日本語 😀', n: 1, nothing: null },
    });
    assert.equal(body.statusCode, 200);
  });

  it('findInvalidText names every bad place and never echoes a bad key', () => {
    assert.deepEqual(findInvalidText({ a: 'ok', b: ['x\u0000'], ['k\u0000']: 1 }, 'body'), [
      { path: 'body.b.0', message: 'must not contain a NUL character' },
      { path: 'body', message: 'a field name must not contain a NUL character' },
    ]);
    assert.deepEqual(findInvalidText('fine', 'q'), []);
  });
});
