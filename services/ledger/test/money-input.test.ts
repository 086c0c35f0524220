/** The form money parser: decimal strings to exact integer cents, refusing anything ambiguous. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { centsText, MAX_CENTS, parseDecimal2, parseMoneyCents } from '../src/billing/parse-input.js';

describe('parseMoneyCents', () => {
  it('parses whole amounts and one or two decimals exactly', () => {
    assert.equal(parseMoneyCents('125.00'), 12500);
    assert.equal(parseMoneyCents('125'), 12500);
    assert.equal(parseMoneyCents('125.5'), 12550);
    assert.equal(parseMoneyCents('0.07'), 7);
    assert.equal(parseMoneyCents(' 19.99 '), 1999);
    assert.equal(parseMoneyCents('0'), 0);
    // 0.1 + 0.2 style float traps: 1.15 * 100 is 114.99999999999999 as a float.
    assert.equal(parseMoneyCents('1.15'), 115);
    assert.equal(parseMoneyCents('4.35'), 435);
    assert.equal(parseMoneyCents('1000000.00'), MAX_CENTS);
  });

  it('refuses exponents, signs, separators, a third decimal, empty text and too large amounts', () => {
    for (const text of [
      '1e3',
      '1E3',
      '-1',
      '-0.50',
      '+5',
      '1,000',
      '12.345',
      '1.',
      '.5',
      '',
      ' ',
      'abc',
      '12 34',
      '0x10',
      'Infinity',
      'NaN',
      '1000000.01',
      '99999999999',
    ]) {
      assert.equal(parseMoneyCents(text), undefined, text);
    }
  });

  it('prints cents back as the form shows them', () => {
    assert.equal(centsText(12500), '125.00');
    assert.equal(centsText(7), '0.07');
    assert.equal(parseMoneyCents(centsText(123456)), 123456);
  });
});

describe('parseDecimal2', () => {
  it('parses hours and terabytes with at most two decimals, up to a maximum', () => {
    assert.equal(parseDecimal2('2.5'), 2.5);
    assert.equal(parseDecimal2('10'), 10);
    assert.equal(parseDecimal2('0.01'), 0.01);
    assert.equal(parseDecimal2('2.555'), undefined);
    assert.equal(parseDecimal2('-1'), undefined);
    assert.equal(parseDecimal2('1e2'), undefined);
    assert.equal(parseDecimal2('101', 100), undefined);
    assert.equal(parseDecimal2('100', 100), 100);
  });
});
