/** The shared form parser: fields as strings, repeated names as arrays, the body limit, one parser per app. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { installFormParser, parseForm } from '../../src/index.js';

describe('sdk: form parser', () => {
  it('keeps single fields as strings and repeated names as arrays, in order', () => {
    assert.deepEqual(parseForm('name=Ada+L%C3%B3pez&groups=admins&groups=billing&empty='), {
      name: 'Ada López',
      groups: ['admins', 'billing'],
      empty: '',
    });
  });

  it('keeps a field named __proto__ as a plain field', () => {
    const fields = parseForm('__proto__=x&a=1');
    assert.equal(Object.getPrototypeOf(fields), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(fields, '__proto__')?.value, 'x');
  });

  it('parses posted forms, refuses a body over the limit with 413, and installs once', async () => {
    const app = Fastify();
    installFormParser(app, { bodyLimit: 32 });
    installFormParser(app); // a second call is a no-op, not Fastify's "already present" error
    app.post('/', async (request) => request.body);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const ok = await app.inject({ method: 'POST', url: '/', headers: form, payload: 'a=1&a=2' });
    assert.deepEqual(ok.json(), { a: ['1', '2'] });
    const big = await app.inject({ method: 'POST', url: '/', headers: form, payload: `a=${'x'.repeat(64)}` });
    assert.equal(big.statusCode, 413);
    await app.close();
  });
});
