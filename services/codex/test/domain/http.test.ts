/** The vendor HTTP rules: Retry-After in both forms, the Link header, same-origin paging. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextLink, retryAfterMs, sameOrigin, vendorJson, VendorError, DEFAULT_RETRY } from '../../src/sync/http.js';

describe('vendor http', () => {
  it('reads Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3)', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    assert.equal(retryAfterMs('7', now), 7000);
    assert.equal(retryAfterMs('Wed, 25 Nov 2026 12:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs(null, now), undefined);
    assert.equal(retryAfterMs('soon', now), undefined);
  });
  it('finds rel="next" among several links (RFC 8288) and refuses another origin', () => {
    const base = 'https://acme.freshservice.com';
    assert.equal(
      nextLink(
        '<https://acme.freshservice.com/api/v2/x?page=2>; rel="next", <https://acme.freshservice.com/api/v2/x?page=1>; rel="prev"',
        base,
      ),
      'https://acme.freshservice.com/api/v2/x?page=2',
    );
    assert.equal(nextLink('</api/v2/x?page=3>; rel=next', base), 'https://acme.freshservice.com/api/v2/x?page=3');
    assert.equal(nextLink('<https://acme.freshservice.com/x>; rel="prev"', base), undefined);
    assert.throws(() => sameOrigin('https://evil.example/', base), VendorError);
  });
  it('gives up after the configured attempts on network errors, backing off exponentially', async () => {
    const sleeps: number[] = [];
    const deps = {
      fetch: async () => Promise.reject(new TypeError('fetch failed')),
      sleep: async (ms: number) => void sleeps.push(ms),
      now: () => 0,
    };
    await assert.rejects(
      vendorJson(deps, DEFAULT_RETRY, 'https://x.example/a', () => ({})),
      /4 attempts failed/,
    );
    assert.deepEqual(sleeps, [500, 1000, 2000]);
  });
  it('does not retry a 404 and refuses a Retry-After longer than allowed', async () => {
    let calls = 0;
    const notFound = {
      fetch: async () => {
        calls += 1;
        return new Response('{}', { status: 404 });
      },
      sleep: async () => undefined,
      now: () => 0,
    };
    await assert.rejects(
      vendorJson(notFound, DEFAULT_RETRY, 'https://x.example/a', () => ({})),
      /404/,
    );
    assert.equal(calls, 1);
    const slow = {
      fetch: async () => new Response('', { status: 429, headers: { 'retry-after': '3600' } }),
      sleep: async () => undefined,
      now: () => 0,
    };
    await assert.rejects(
      vendorJson(slow, DEFAULT_RETRY, 'https://x.example/a', () => ({})),
      /rate limited/,
    );
  });
});
