import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { correlationFastifyOptions, correlationIdFrom, correlationPlugin } from '../../src/logging/correlation.js';
import { createLogger } from '../../src/logging/logger.js';
import { captureStream } from './helpers.js';

function counterIds(): () => string {
  let next = 0;
  return () => `generated-${++next}`;
}

describe('correlationIdFrom', () => {
  it('keeps a valid incoming id', () => {
    for (const id of ['abc', '0f8fad5b-d9cb-469f-a165-70867728950e', 'trace:1.2_3-4', 'x'.repeat(128)]) {
      assert.equal(
        correlationIdFrom(id, () => 'new'),
        id,
      );
    }
  });

  it('replaces a missing, invalid, repeated or oversized id with a new one', () => {
    for (const value of [undefined, '', 'has space', 'line\nbreak', '<script>', 'a, b', 'x'.repeat(129), ['a', 'b']]) {
      assert.equal(
        correlationIdFrom(value, () => 'new'),
        'new',
        JSON.stringify(value),
      );
    }
  });

  it('defaults to random UUIDs', () => {
    const id = correlationIdFrom(undefined);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(id, correlationIdFrom(undefined));
  });
});

async function buildApp(out?: { write(line: string): void }) {
  const app = Fastify({
    loggerInstance: createLogger({
      service: 'template',
      level: out ? 'info' : 'silent',
      destination: out ?? captureStream(),
    }),
    ...correlationFastifyOptions(counterIds()),
  });
  // Registered before the plugin: when it fails, the plugin's onRequest hook never runs.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.url === '/early-failure') done(Object.assign(new Error('refused early'), { statusCode: 401 }));
    else done();
  });
  await app.register(correlationPlugin);
  app.get('/ok', (request) => {
    request.log.info('in handler');
    return { id: request.id };
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });
  return app;
}

describe('correlation ids on a Fastify app', () => {
  it('keeps a valid incoming id, uses it as request.id and echoes it on a 200', async () => {
    const app = await buildApp();
    const response = await app.inject({ method: 'GET', url: '/ok', headers: { 'x-correlation-id': 'from-nexus-42' } });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['x-correlation-id'], 'from-nexus-42');
    assert.deepEqual(response.json(), { id: 'from-nexus-42' });
    await app.close();
  });

  it('replaces an invalid or oversized incoming id', async () => {
    const app = await buildApp();
    const invalid = await app.inject({ method: 'GET', url: '/ok', headers: { 'x-correlation-id': 'bad id;' } });
    assert.equal(invalid.headers['x-correlation-id'], 'generated-1');
    const oversized = await app.inject({ method: 'GET', url: '/ok', headers: { 'x-correlation-id': 'a'.repeat(129) } });
    assert.equal(oversized.headers['x-correlation-id'], 'generated-2');
    const none = await app.inject({ method: 'GET', url: '/ok' });
    assert.equal(none.headers['x-correlation-id'], 'generated-3');
    assert.deepEqual(none.json(), { id: 'generated-3' });
    await app.close();
  });

  it('sets the header on 404s, on errors and when an earlier hook fails', async () => {
    const app = await buildApp();
    const missing = await app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-correlation-id': 'c-404' } });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.headers['x-correlation-id'], 'c-404');
    const failed = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-correlation-id': 'c-500' } });
    assert.equal(failed.statusCode, 500);
    assert.equal(failed.headers['x-correlation-id'], 'c-500');
    const early = await app.inject({ method: 'GET', url: '/early-failure', headers: { 'x-correlation-id': 'c-401' } });
    assert.equal(early.statusCode, 401);
    assert.equal(early.headers['x-correlation-id'], 'c-401');
    await app.close();
  });

  it('logs every record of a request with its correlation_id', async () => {
    const out = captureStream();
    const app = await buildApp(out);
    await app.inject({ method: 'GET', url: '/ok', headers: { 'x-correlation-id': 'c-logged' } });
    await app.close();
    const ofRequest = out.records.filter((record) => record.correlation_id === 'c-logged');
    assert.deepEqual(
      ofRequest.map((record) => record.msg),
      ['incoming request', 'in handler', 'request completed'],
    );
    assert.ok(out.records.every((record) => !('reqId' in record)));
  });
});
