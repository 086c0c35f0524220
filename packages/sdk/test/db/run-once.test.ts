/**
 * Run once across instances: each "instance" is its own pool on one database, as two processes
 * of a service would be. Side effects are counted in a table, so a double run shows.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase, type Database } from '../../src/db/open.js';
import { advisoryLockKey, runExclusive, runIfDue, scheduleJob, withTransactionLock } from '../../src/db/run-once.js';
import { createTestDatabase } from '../../src/testing/test-db.js';

async function withInstances(
  label: string,
  count: number,
  fn: (instances: Database<Record<string, never>>[]) => Promise<void>,
): Promise<void> {
  const database = await createTestDatabase(label);
  const instances = Array.from({ length: count }, () =>
    openDatabase({ url: database.url, applicationName: 'run-once-test', poolMax: 4 }),
  );
  try {
    await instances[0]?.pool.query('CREATE TABLE effects (job text NOT NULL, at timestamptz NOT NULL DEFAULT now())');
    await fn(instances);
  } finally {
    await Promise.all(instances.map((instance) => instance.close()));
    await database.drop();
  }
}

async function effects(instance: Database<Record<string, never>>, job: string): Promise<number> {
  const { rows } = await instance.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM effects WHERE job = $1', [
    job,
  ]);
  return rows[0]?.n ?? -1;
}

/** A job that records its side effect and takes a while, so concurrent ticks overlap it. */
const sideEffect =
  (instance: Database<Record<string, never>>, job: string, ms = 100) =>
  async (): Promise<string> => {
    await instance.pool.query('INSERT INTO effects (job) VALUES ($1)', [job]);
    await sleep(ms);
    return job;
  };

describe('run once across instances', () => {
  it('derives stable, distinct 64-bit lock keys from names', () => {
    assert.equal(advisoryLockKey('a'), advisoryLockKey('a'));
    assert.notEqual(advisoryLockKey('a'), advisoryLockKey('b'));
    const key = BigInt(advisoryLockKey('ledger:month-end'));
    assert.ok(key >= -(2n ** 63n) && key < 2n ** 63n);
  });

  it('runExclusive: of two instances starting together, one runs and the other skips; the lock is free afterwards', async () => {
    await withInstances('run_exclusive', 2, async ([a, b]) => {
      assert.ok(a && b);
      const [first, second] = await Promise.all([
        runExclusive(a.pool, 'job', sideEffect(a, 'job')),
        runExclusive(b.pool, 'job', sideEffect(b, 'job')),
      ]);
      assert.deepEqual([first.ran, second.ran].sort(), [false, true]);
      assert.equal(await effects(a, 'job'), 1);
      // Released: a later attempt runs, and a failing job releases it too.
      await assert.rejects(
        runExclusive(b.pool, 'job', async () => {
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual(await runExclusive(a.pool, 'job', async () => 7), { ran: true, value: 7 });
      const held = await a.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'",
      );
      assert.equal(held.rows[0]?.n, 0, 'no advisory lock left behind');
    });
  });

  it('withTransactionLock serialises: concurrent holders run one after the other', async () => {
    await withInstances('tx_lock', 2, async ([a, b]) => {
      assert.ok(a && b);
      const order: string[] = [];
      const hold = (who: string) => async () => {
        order.push(`${who}:in`);
        await sleep(80);
        order.push(`${who}:out`);
      };
      await Promise.all([
        withTransactionLock(a.pool, 'rotate', hold('a')),
        withTransactionLock(b.pool, 'rotate', hold('b')),
      ]);
      assert.equal(order.length, 4);
      assert.equal(order[0]?.slice(0, 1), order[1]?.slice(0, 1), 'the second waits until the first is out');
    });
  });

  it('runIfDue: three instances ticking at slightly different times run a periodic job once per period', async () => {
    await withInstances('run_if_due', 3, async (instances) => {
      let clock = 1_000_000;
      const now = (): number => clock;
      const HOUR = 3_600_000;
      const tickAll = () =>
        Promise.all(
          instances.map((instance, index) =>
            sleep(index * 15).then(() =>
              runIfDue(instance.pool, { name: 'purge', everyMs: HOUR, now, run: sideEffect(instance, 'purge', 60) }),
            ),
          ),
        );

      const first = await tickAll();
      assert.equal(first.filter((result) => result.status === 'ran').length, 1, JSON.stringify(first));
      assert.equal(await effects(instances[0]!, 'purge'), 1);

      // Later ticks within the hour (each instance's own timer) do nothing: not due, or another
      // instance is checking at that very moment.
      clock += 20 * 60_000;
      const again = await tickAll();
      assert.ok(
        again.every((result) => result.status === 'not-due' || result.status === 'busy'),
        JSON.stringify(again),
      );
      assert.ok(again.some((result) => result.status === 'not-due'));
      assert.equal(await effects(instances[0]!, 'purge'), 1);

      // The next period: once again, even though the timer fires a few milliseconds early.
      clock += 40 * 60_000 - 5;
      await tickAll();
      assert.equal(await effects(instances[0]!, 'purge'), 2);
      const { rows } = await instances[1]!.pool.query<{ runs: string }>(
        "SELECT runs FROM hivematrix_job_runs WHERE job = 'purge'",
      );
      assert.equal(rows[0]?.runs, '2');
    });
  });

  it('runIfDue: a failed run is not recorded, so the next tick of another instance retries it', async () => {
    await withInstances('run_if_due_fail', 2, async ([a, b]) => {
      assert.ok(a && b);
      await assert.rejects(
        runIfDue(a.pool, {
          name: 'sync',
          everyMs: 60_000,
          run: async () => {
            throw new Error('codex down');
          },
        }),
        /codex down/,
      );
      const retried = await runIfDue(b.pool, { name: 'sync', everyMs: 60_000, run: sideEffect(b, 'sync', 0) });
      assert.equal(retried.status, 'ran');
      assert.equal(await effects(a, 'sync'), 1);
    });
  });

  it('scheduleJob: two instances whose timers tick concurrently for a while run the job once', async () => {
    await withInstances('schedule_job', 2, async (instances) => {
      const errors: unknown[] = [];
      const timers = instances.map((instance) =>
        scheduleJob(instance.pool, {
          name: 'alerts',
          everyMs: 60_000,
          checkMs: 20,
          runAtStart: true,
          run: sideEffect(instance, 'alerts', 30),
          onError: (error) => errors.push(error),
        }),
      );
      await sleep(400);
      await Promise.all(timers.map((timer) => timer.stop()));
      assert.deepEqual(errors, []);
      assert.equal(await effects(instances[0]!, 'alerts'), 1);
    });
  });
});
