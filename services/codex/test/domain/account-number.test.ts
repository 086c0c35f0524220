/** The account-number rule and the vendor API root, as pure functions. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkAccountNumber } from '../../src/domain/account-number.js';
import { apiRoot } from '../../src/sync/http.js';

describe('account numbers', () => {
  it('accepts the vendors’ ordinary numbers, trimmed', () => {
    for (const value of ['620547', 'AC-100', 'acme_2', 'A.B', ' 700001 ', 'x'.repeat(32)])
      assert.equal(checkAccountNumber(value).ok, true, value);
    assert.deepEqual(checkAccountNumber(' 700001 '), { ok: true, value: '700001' });
  });

  it('refuses paths, odd characters, empty and overlong values, each with a reason', () => {
    const reasonOf = (value: string): string | undefined => {
      const check = checkAccountNumber(value);
      return check.ok ? undefined : check.reason;
    };
    for (const value of [
      '../x',
      'a/b',
      'a\\b',
      'a..b',
      '.hidden',
      '-x',
      'A'.repeat(40),
      '',
      'Ünïcode',
      'a b',
      'x\u0000',
    ])
      assert.ok(reasonOf(value), `${JSON.stringify(value)} is refused`);
    assert.match(reasonOf('../x') ?? '', /path/);
    assert.match(reasonOf('A'.repeat(40)) ?? '', /40 characters/);
    assert.match(reasonOf('') ?? '', /empty/);
  });
});

describe('vendor API root', () => {
  it('is the origin whether the configured address ends in /api, /api/v2 or a slash', () => {
    for (const value of [
      'https://pinotage-api.centrastage.net',
      'https://pinotage-api.centrastage.net/',
      'https://pinotage-api.centrastage.net/api',
      'https://pinotage-api.centrastage.net/api/',
      'https://pinotage-api.centrastage.net/api/v2/',
      'https://pinotage-api.centrastage.net//api//',
    ]) {
      assert.equal(apiRoot(value), 'https://pinotage-api.centrastage.net', value);
    }
    assert.equal(
      apiRoot('https://proxy.example/datto/api'),
      'https://proxy.example/datto',
      'a path prefix before /api is kept',
    );
  });
});
