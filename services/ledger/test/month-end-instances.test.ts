/**
 * Issue 19: two ledger instances on one database, each with its own month-end scheduler, ticking
 * at the same moment: the month is closed once. The scheduler asks in every instance; the
 * month's row in `month_end_runs` is claimed before anything else is read, so the other
 * instance's run reports `already_ran` without reading codex or accepting a bill.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { createTestDatabase } from '@hivematrix/sdk/testing';
import { monthEndRunner, type MonthEndReport } from '../src/archive/month-end.js';
import { startMonthEndScheduler } from '../src/archive/scheduler.js';
import { schema } from '../src/db/schema.js';
import { issuerFromConfig } from '../src/invoicing/render.js';
import { fakeClient, fakeCodex } from './fake-codex.js';

describe('month-end across two ledger instances', () => {
  it('closes the month once when both schedulers tick together, and again not at later ticks', async () => {
    const testDb = await createTestDatabase('ledger_instances');
    const instances = [0, 1].map(() =>
      openDatabase({ url: testDb.url, applicationName: 'ledger-test', schema, poolMax: 4 }),
    );
    const codex = fakeCodex([fakeClient('100', 'Acme'), fakeClient('200', 'Beta')]);
    const now = () => new Date('2025-11-01T03:30:00Z'); // 04:30 in Berlin on the 1st: October is due
    const reports: MonthEndReport[] = [];
    const errors: unknown[] = [];
    try {
      await migrate(instances[0]!.pool, { dir: migrationsDir(import.meta.url, '../src/db/migrations') });
      const schedulers = instances.map((database) => {
        const run = monthEndRunner({
          db: database.db,
          codex,
          now,
          issuer: issuerFromConfig({ INVOICE_FROM_NAME: 'MSP', INVOICE_FROM_ADDRESS: 'Street 1' }),
          reviewThresholdPercent: 10,
        });
        return startMonthEndScheduler({
          schedule: { day: 1, hour: 2, timeZone: 'Europe/Berlin' },
          now,
          intervalMs: 3_600_000,
          run: async (period) => reports.push(await run({ period, triggeredBy: 'month-end scheduler', force: false })),
          onError: (error) => errors.push(error),
        });
      });
      await Promise.all(schedulers.map((scheduler) => scheduler.tick()));
      await Promise.all(schedulers.map((scheduler) => scheduler.tick()));
      for (const scheduler of schedulers) scheduler.stop();

      assert.deepEqual(errors, []);
      assert.deepEqual(
        reports.map((report) => report.status).sort(),
        ['already_ran', 'ran'],
        'each instance asked once; one ran',
      );
      assert.equal(reports.find((report) => report.status === 'ran')?.accepted.length, 2);
      const runs = await instances[0]!.pool.query<{ period: string; status: string }>(
        'SELECT period, status FROM month_end_runs',
      );
      assert.deepEqual(runs.rows, [{ period: '2025-10', status: 'done' }]);
      const accepted = await instances[1]!.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM snapshots');
      assert.equal(accepted.rows[0]?.n, 2, 'one accepted bill per client, not two');
    } finally {
      await Promise.all(instances.map((database) => database.close()));
      await testDb.drop();
    }
  });
});
