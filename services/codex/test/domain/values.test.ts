/** Money, terms, durations, months and dates: the small conversions billing depends on. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseTerm, pricingTerm } from '../../src/domain/contract.js';
import { displayCents, formatCents, parseDecimal2, parseMoney } from '../../src/domain/money.js';
import { localDate, monthRange, parseDurationMinutes, toDate, toInstant } from '../../src/domain/time.js';
import { freshserviceStatus, prioritySlug, statusSlug } from '../../src/domain/ticket-status.js';

describe('money', () => {
  it('parses amounts to cents and refuses more than two decimals', () => {
    assert.equal(parseMoney('75'), 7500);
    assert.equal(parseMoney('75.5'), 7550);
    assert.equal(parseMoney('$1,234.05'), 123405);
    assert.equal(parseMoney('0.01'), 1);
    assert.equal(parseMoney('1.005'), undefined);
    assert.equal(parseMoney('-5'), undefined);
    assert.equal(parseMoney('abc'), undefined);
  });
  it('formats cents', () => {
    assert.equal(formatCents(123405), '1234.05');
    assert.equal(formatCents(5), '0.05');
    assert.equal(displayCents(123405), '$1,234.05');
    assert.equal(parseDecimal2('1.5'), '1.50');
  });
});

describe('contract terms', () => {
  it('maps every spelling seen in the original to one canonical term', () => {
    for (const [raw, term] of [
      ['1 Year', '1 Year'],
      ['1-Year', '1 Year'],
      ['1 years', '1 Year'],
      ['12 months', '1 Year'],
      ['2 Years', '2 Year'],
      ['3-year', '3 Year'],
      ['Month to Month', 'Month to Month'],
      ['monthly', 'Month to Month'],
      ['m2m', 'Month to Month'],
    ] as const) {
      assert.equal(normaliseTerm(raw), term, raw);
    }
    assert.equal(normaliseTerm('5 years'), null);
    assert.equal(normaliseTerm(''), null);
    assert.equal(pricingTerm(null), 'Month to Month');
  });
});

describe('time', () => {
  it('reads PSA durations', () => {
    assert.equal(parseDurationMinutes('01:30'), 90);
    assert.equal(parseDurationMinutes('00:44:31'), 45);
    assert.equal(parseDurationMinutes('1:5'), undefined);
  });
  it('gives a month as a half-open date range', () => {
    assert.deepEqual(monthRange('2026-10'), { from: '2026-10-01', to: '2026-11-01' });
    assert.deepEqual(monthRange('2026-12'), { from: '2026-12-01', to: '2027-01-01' });
    assert.throws(() => monthRange('2026-13'));
  });
  it('books an instant on the calendar date of the business time zone', () => {
    const instant = new Date('2026-11-01T03:30:00Z');
    assert.equal(localDate(instant, 'UTC'), '2026-11-01');
    assert.equal(localDate(instant, 'America/Chicago'), '2026-10-31');
  });
  it('reads vendor instants and dates', () => {
    assert.equal(toInstant(Date.UTC(2026, 0, 2))?.toISOString(), '2026-01-02T00:00:00.000Z');
    assert.equal(toInstant('not a date'), null);
    assert.equal(toDate('2024-03-01T00:00:00Z'), '2024-03-01');
    assert.equal(toDate('03/01/2024'), null);
  });
});

describe('ticket statuses', () => {
  it('maps standard and configured Freshservice ids', () => {
    assert.equal(freshserviceStatus(2, {}), 'open');
    assert.equal(freshserviceStatus(26, { 26: 'customer_replied' }), 'customer_replied');
    assert.equal(freshserviceStatus(99, {}), 'unknown');
    assert.equal(statusSlug('Waiting on Customer'), 'waiting_on_customer');
    assert.equal(prioritySlug('Critical'), 'urgent');
    assert.equal(prioritySlug(null), 'medium');
  });
});
