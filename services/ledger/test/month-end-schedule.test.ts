/** When the month-end job is due, in the business time zone, and that the scheduler asks once per month. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { previousMonth } from '../src/archive/month-end.js';
import { dueMonth, startMonthEndScheduler } from '../src/archive/scheduler.js';
import { periodKey, type Period } from '../src/engine/index.js';

const schedule = { day: 1, hour: 2, timeZone: 'Europe/Berlin' };

describe('month-end schedule', () => {
  it('is due from the configured local day and hour, for the previous month', () => {
    // 2025-11-01 00:30 UTC is 01:30 in Berlin: not yet; 01:00 UTC is 02:00 local: due.
    assert.equal(dueMonth(new Date('2025-11-01T00:30:00Z'), schedule), null);
    assert.equal(periodKey(dueMonth(new Date('2025-11-01T01:00:00Z'), schedule) ?? { year: 0, month: 1 }), '2025-10');
    // Still due later in the month (a ledger that was down catches up).
    assert.equal(periodKey(dueMonth(new Date('2025-11-17T09:00:00Z'), schedule) ?? { year: 0, month: 1 }), '2025-10');
    // 2025-12-31 23:30 UTC is already January 1st 00:30 in Berlin, before 02:00: not due.
    assert.equal(dueMonth(new Date('2025-12-31T23:30:00Z'), schedule), null);
    assert.equal(periodKey(dueMonth(new Date('2026-01-01T01:30:00Z'), schedule) ?? { year: 0, month: 1 }), '2025-12');
    assert.equal(dueMonth(new Date('2025-11-04T10:00:00Z'), { ...schedule, day: 5 }), null);
    assert.equal(periodKey(previousMonth(new Date('2026-01-01T00:30:00Z'), 'Europe/Berlin')), '2025-12');
  });

  it('runs once per due month, retrying after a failure', async () => {
    let now = new Date('2025-11-01T00:30:00Z'); // 01:30 in Berlin, before the hour
    const runs: string[] = [];
    let fail = true;
    const errors: unknown[] = [];
    const scheduler = startMonthEndScheduler({
      schedule,
      now: () => now,
      intervalMs: 3_600_000,
      run: async (period: Period) => {
        runs.push(periodKey(period));
        if (fail) {
          fail = false;
          throw new Error('codex down');
        }
      },
      onError: (error) => errors.push(error),
    });
    try {
      await scheduler.tick();
      assert.deepEqual(runs, []);
      now = new Date('2025-11-01T01:05:00Z');
      await scheduler.tick(); // fails
      await scheduler.tick(); // retried, succeeds
      await scheduler.tick(); // done: not asked again
      assert.deepEqual(runs, ['2025-10', '2025-10']);
      assert.equal(errors.length, 1);
      now = new Date('2025-12-01T03:00:00Z');
      await scheduler.tick();
      assert.deepEqual(runs, ['2025-10', '2025-10', '2025-11']);
    } finally {
      scheduler.stop();
    }
  });
});
