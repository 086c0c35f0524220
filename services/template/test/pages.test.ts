/** What users see and send: escaped pages, notes saved and read back, errors as problem+json. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FROZEN_NOW, startTemplate, type TemplateHarness } from './harness.js';

describe('template: pages and API', () => {
  let t: TemplateHarness;
  let token: string;
  const evilName = '<script>alert("pwned")</script>';
  before(async () => {
    t = await startTemplate();
    token = await t.keys.mintUserToken({ name: evilName }, { now: FROZEN_NOW.getTime() });
  });
  after(() => t.close());
  const auth = () => ({ authorization: `Bearer ${token}` });

  it('greets the user by name, escaped, with the design-system classes', async () => {
    const res = await t.app.inject({ url: '/', headers: auth() });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.ok(res.body.startsWith('<!DOCTYPE html>'));
    assert.ok(!res.body.includes(evilName), 'the raw script tag must not appear');
    assert.ok(res.body.includes('Hello, &lt;script>alert(&quot;pwned&quot;)&lt;/script>'), res.body);
    assert.match(res.body, /class="card/);
    assert.match(res.body, /class="btn btn--primary/);
    assert.ok(res.headers['content-security-policy']);
  });

  it('builds links with the gateway prefix when the gateway sends one', async () => {
    const admin = await t.keys.mintUserToken(
      { permission_level: 'admin', groups: ['admins'] },
      { now: FROZEN_NOW.getTime() },
    );
    const res = await t.app.inject({
      url: '/',
      headers: { authorization: `Bearer ${admin}`, 'x-forwarded-prefix': '/template' },
      remoteAddress: '127.0.0.1',
    });
    assert.match(res.body, /href="\/template\/admin\/settings"/);
    const untrusted = await t.app.inject({
      url: '/',
      headers: { authorization: `Bearer ${admin}`, 'x-forwarded-prefix': '/evil' },
      remoteAddress: '203.0.113.9',
    });
    assert.doesNotMatch(untrusted.body, /\/evil/);
  });

  it('saves a note and lists it, escaped in the page', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/data',
      headers: auth(),
      payload: { body: '<b>hi</b>' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const note = JSON.parse(created.body) as { body: string; created_at: string };
    assert.equal(note.body, '<b>hi</b>');
    assert.equal(note.created_at, FROZEN_NOW.toISOString());
    const list = await t.app.inject({ url: '/api/data', headers: auth() });
    assert.equal((JSON.parse(list.body) as { notes: { body: string }[] }).notes[0]?.body, '<b>hi</b>');
    const page = await t.app.inject({ url: '/', headers: auth() });
    assert.ok(page.body.includes('&lt;b>hi&lt;/b>'), page.body);
  });

  it('refuses a cross-site write (CSRF) and accepts the same write from the gateway origin', async () => {
    const payload = { body: 'from a form' };
    const crossSite = await t.app.inject({
      method: 'POST',
      url: '/api/data',
      headers: { ...auth(), 'sec-fetch-site': 'cross-site' },
      payload,
    });
    assert.equal(crossSite.statusCode, 403);
    assert.equal((JSON.parse(crossSite.body) as { code: string }).code, 'csrf_rejected');
    const foreign = await t.app.inject({
      method: 'POST',
      url: '/api/data',
      headers: { ...auth(), origin: 'https://evil.example' },
      payload,
    });
    assert.equal(foreign.statusCode, 403);
    const gateway = await t.app.inject({
      method: 'POST',
      url: '/api/data',
      headers: { ...auth(), origin: 'https://localhost:8443', 'sec-fetch-site': 'same-origin' },
      payload,
    });
    assert.equal(gateway.statusCode, 201, gateway.body);
  });

  it('rejects an invalid note with 400 naming the field', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/data', headers: auth(), payload: { body: '' } });
    assert.equal(res.statusCode, 400);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const problem = JSON.parse(res.body) as { code: string; errors: { path: string }[] };
    assert.equal(problem.code, 'validation_failed');
    assert.ok(problem.errors.some((e) => e.path.includes('body')));
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/data',
      headers: { ...auth(), 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    assert.equal(res.statusCode, 415);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  });

  it('answers 404 and 405 as problem+json', async () => {
    const missing = await t.app.inject({ url: '/no/such/page', headers: auth() });
    assert.equal(missing.statusCode, 404);
    assert.match(String(missing.headers['content-type']), /^application\/problem\+json/);
    const wrongMethod = await t.app.inject({ method: 'DELETE', url: '/api/data', headers: auth() });
    assert.equal(wrongMethod.statusCode, 405);
    assert.match(String(wrongMethod.headers['content-type']), /^application\/problem\+json/);
    assert.match(String(wrongMethod.headers.allow), /GET/);
    assert.match(String(wrongMethod.headers.allow), /POST/);
  });

  it('echoes a correlation id and makes one when none is sent', async () => {
    const res = await t.app.inject({ url: '/api/data', headers: { ...auth(), 'x-correlation-id': 'abc-123' } });
    assert.equal(res.headers['x-correlation-id'], 'abc-123');
    const fresh = await t.app.inject({ url: '/api/data', headers: auth() });
    assert.ok(String(fresh.headers['x-correlation-id']).length > 8);
  });
});

describe('template: rate limit', () => {
  it('answers 429 problem+json with Retry-After, per user', async () => {
    const t = await startTemplate({ rateLimitPerMinute: 3 });
    try {
      const now = FROZEN_NOW.getTime();
      const alice = await t.keys.mintUserToken({ sub: 'alice' }, { now });
      const bob = await t.keys.mintUserToken({ sub: 'bob' }, { now });
      const hit = (token: string) => t.app.inject({ url: '/api/data', headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 3; i += 1) assert.equal((await hit(alice)).statusCode, 200);
      const limited = await hit(alice);
      assert.equal(limited.statusCode, 429);
      assert.match(String(limited.headers['content-type']), /^application\/problem\+json/);
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      assert.equal((JSON.parse(limited.body) as { code: string }).code, 'rate_limited');
      assert.equal((await hit(bob)).statusCode, 200, 'another user has their own budget');
    } finally {
      await t.close();
    }
  });
});
