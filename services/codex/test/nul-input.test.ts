/**
 * `q=%00` on codex's searches reached PostgreSQL, which refuses NUL in text, and the request
 * failed with a 500. The SDK now refuses NUL and malformed Unicode in every input with a 400
 * problem+json before any query runs; this proves it on each search codex has (JSON and pages).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, startCodex, type CodexHarness } from './harness.js';

describe('codex: NUL in a search is a 400, not a 500', () => {
  let t: CodexHarness;
  let admin: string;

  before(async () => {
    t = await startCodex();
    admin = await t.token('admin', { sub: 'admin-nul', name: 'Ada' });
  });
  after(() => t.close());

  const searches = [
    '/api/companies?q=%00',
    '/api/contacts?q=%00',
    '/api/assets?q=%00',
    '/api/tickets?q=%00',
    '/api/tickets?company=%00',
    '/api/tickets?q=abc%00def&company=1000',
    '/companies?q=%00',
    '/contacts?q=%00',
    '/assets?q=%00',
    '/tickets?q=%00',
    '/tickets?company=%00',
  ];

  for (const url of searches) {
    it(`GET ${url}`, async () => {
      const response = await t.app.inject({ url, headers: { ...bearer(admin), accept: 'application/json' } });
      assert.equal(response.statusCode, 400, response.body);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.equal(response.json<{ code: string }>().code, 'validation_failed');
    });
  }

  it('an ordinary search still answers', async () => {
    const response = await t.app.inject({
      url: `/api/companies?q=${encodeURIComponent('Müller')}`,
      headers: bearer(admin),
    });
    assert.equal(response.statusCode, 200, response.body);
  });
});
