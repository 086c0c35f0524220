import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  computeBill,
  isEarlierMonthOfPrepaidYear,
  localDate,
  monthWindow,
  prepaidYearStart,
} from '../../src/engine/index.js';
import type { BillInput, PriorMonth, TimeEntry } from '../../src/engine/index.js';
import { baseInput } from './fixtures.js';

let nextId = 1;
function entry(entryDate: string, minutes: number, billable = true): TimeEntry {
  nextId += 1;
  return { id: nextId, ticketNumber: `T${nextId}`, entryDate, minutes, billable };
}

function labour(overrides: Partial<BillInput>): { hours: string; cents: number; left: string } {
  const result = computeBill(baseInput(overrides));
  return { hours: result.labour.billableHours, cents: result.labour.chargeCents, left: result.labour.yearlyLeftHours };
}

describe('month boundaries', () => {
  it('counts billable entries dated from the 1st to the last day, nothing outside, nothing non-billable', () => {
    const entries = [
      entry('2025-09-30', 600),
      entry('2025-10-01', 60),
      entry('2025-10-31', 30),
      entry('2025-11-01', 600),
      entry('2025-10-15', 600, false),
    ];
    const result = computeBill(baseInput({ timeEntries: entries }));
    assert.equal(result.labour.minutes, 90);
    assert.deepEqual(result.counted.timeEntries, [entries[1]?.id, entries[2]?.id]);
    assert.equal(result.labour.chargeCents, 15000);
  });

  it('finds the month window in the configured time zone (00:00 local to 00:00 local)', () => {
    const berlin = monthWindow({ year: 2025, month: 10 }, 'Europe/Berlin');
    assert.equal(berlin.start.toISOString(), '2025-09-30T22:00:00.000Z');
    assert.equal(berlin.end.toISOString(), '2025-10-31T23:00:00.000Z'); // summer time ended on 26 October
    const york = monthWindow({ year: 2025, month: 3 }, 'America/New_York');
    assert.equal(york.start.toISOString(), '2025-03-01T05:00:00.000Z');
    assert.equal(york.end.toISOString(), '2025-04-01T04:00:00.000Z');
    assert.equal(localDate(new Date('2025-10-31T23:30:00Z'), 'Europe/Berlin'), '2025-11-01');
    assert.equal(localDate(new Date('2025-10-31T22:59:59Z'), 'Europe/Berlin'), '2025-10-31');
    assert.equal(monthWindow({ year: 2025, month: 12 }, 'UTC').end.toISOString(), '2026-01-01T00:00:00.000Z');
  });
});

describe('labour', () => {
  it('bills unrounded hours (minutes ÷ 60) times the rate, rounded half-up to the cent', () => {
    assert.deepEqual(labour({ timeEntries: [entry('2025-10-02', 20)] }), {
      hours: '0.3333',
      cents: 3333,
      left: '0.00',
    });
    assert.equal(labour({ timeEntries: [entry('2025-10-02', 1)] }).cents, 167);
    // 30 minutes at $1.01/h = 50.5 cents → 51.
    assert.equal(labour({ rateOverrides: { perHour: 101 }, timeEntries: [entry('2025-10-02', 30)] }).cents, 51);
  });

  it('lets the monthly prepaid hours cover the first hours of the month', () => {
    assert.deepEqual(labour({ prepaidHours: { monthly: 2, yearly: 0 }, timeEntries: [entry('2025-10-02', 180)] }), {
      hours: '1.00',
      cents: 10000,
      left: '0.00',
    });
    assert.equal(labour({ prepaidHours: { monthly: 2, yearly: 0 }, timeEntries: [entry('2025-10-02', 90)] }).cents, 0);
    assert.equal(
      computeBill(baseInput({ prepaidHours: { monthly: 2, yearly: 0 }, timeEntries: [entry('2025-10-02', 90)] })).lines
        .length,
      0,
    );
  });

  it('draws the yearly hours down month by month with only what exceeded each monthly allowance', () => {
    const prepaidHours = { monthly: 2, yearly: 10 };
    const months: [string, number][] = [
      ['2025-01', 300],
      ['2025-02', 60],
      ['2025-03', 540],
      ['2025-04', 240],
    ];
    const prior: PriorMonth[] = [];
    const results: { hours: string; left: string }[] = [];
    for (const [month, minutes] of months) {
      const [year, m] = month.split('-').map(Number);
      const outcome = labour({
        period: { year: year ?? 0, month: m ?? 0 },
        prepaidHours,
        priorMonths: [...prior],
        timeEntries: [entry(`${month}-10`, minutes)],
      });
      results.push({ hours: outcome.hours, left: outcome.left });
      prior.push({ month, billableMinutes: minutes });
    }
    // Jan: 3 h beyond monthly, 10 left → 0. Feb: 1 h, within monthly → 0 (7 left). Mar: 7 h beyond, 7 left → 0.
    // Apr: nothing left, 2 h beyond monthly → 2 h billed.
    assert.deepEqual(results, [
      { hours: '0.00', left: '10.00' },
      { hours: '0.00', left: '7.00' },
      { hours: '0.00', left: '7.00' },
      { hours: '2.00', left: '0.00' },
    ]);
  });

  it('bills the part beyond what is left of the yearly hours', () => {
    const outcome = labour({
      prepaidHours: { monthly: 2, yearly: 10 },
      priorMonths: [{ month: '2025-02', billableMinutes: 10 * 60 }],
      timeEntries: [entry('2025-10-01', 6 * 60 + 45)],
    });
    // Feb used 8 h of the yearly bucket, 2 h left; October 6.75 − 2 = 4.75 beyond monthly, − 2 → 2.75 h.
    assert.deepEqual(outcome, { hours: '2.75', cents: 27500, left: '2.00' });
  });

  it('starts a new prepaid year in January without a contract start, and on the anniversary month with one', () => {
    const lastYear = [{ month: '2024-12', billableMinutes: 100 * 60 }];
    assert.equal(
      labour({
        period: { year: 2025, month: 1 },
        prepaidHours: { monthly: 0, yearly: 10 },
        priorMonths: lastYear,
        timeEntries: [entry('2025-01-05', 600)],
      }).cents,
      0,
    );
    const contract = {
      accountNumber: 'c',
      name: 'C',
      planName: 'Basic Support',
      term: '1 Year',
      contractStart: '2025-03-15',
    };
    const prior = [
      { month: '2025-02', billableMinutes: 600 },
      { month: '2025-03', billableMinutes: 600 },
      { month: '2026-01', billableMinutes: 120 },
    ];
    // Feb 2026 is in the contract year Mar 2025–Feb 2026: March 2025 (10 h) and Jan 2026 (2 h) use 12 h > 10.
    assert.equal(
      labour({
        period: { year: 2026, month: 2 },
        client: contract,
        prepaidHours: { monthly: 0, yearly: 10 },
        priorMonths: prior,
        timeEntries: [entry('2026-02-01', 60)],
      }).cents,
      10000,
    );
    // March 2026 starts a new contract year.
    assert.equal(
      labour({
        period: { year: 2026, month: 3 },
        client: contract,
        prepaidHours: { monthly: 0, yearly: 10 },
        priorMonths: prior,
        timeEntries: [entry('2026-03-01', 60)],
      }).cents,
      0,
    );
    assert.deepEqual(prepaidYearStart({ year: 2026, month: 2 }, '2025-03-15'), { year: 2025, month: 3 });
    assert.deepEqual(prepaidYearStart({ year: 2025, month: 2 }, '2025-03-15'), { year: 2025, month: 1 });
    assert.equal(isEarlierMonthOfPrepaidYear('2025-03', { year: 2026, month: 2 }, '2025-03-15'), true);
    assert.equal(isEarlierMonthOfPrepaidYear('2026-02', { year: 2026, month: 2 }, '2025-03-15'), false);
    assert.equal(isEarlierMonthOfPrepaidYear('2025-02', { year: 2026, month: 2 }, '2025-03-15'), false);
  });
});
