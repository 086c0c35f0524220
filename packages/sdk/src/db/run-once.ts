/**
 * Cluster-wide "run once": a job every instance schedules (a purge, a sync, a month-end close)
 * runs on one instance at a time, and a job due once per period runs once per period across all
 * instances, even when their timers tick at slightly different moments.
 *
 * Built on PostgreSQL advisory locks, so the only shared thing is the service's own database: a
 * lock held by an instance that dies is released by the server when its connection ends, and
 * nothing needs cleaning up.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * The 64-bit advisory lock key of `name` (first 8 bytes of its SHA-256, as a signed decimal for
 * `$1::bigint`). Names, not hand-picked numbers, so two jobs cannot collide by accident.
 */
export function advisoryLockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

/** What `runExclusive` did: ran `fn` (with its value) or found the lock taken. */
export type ExclusiveResult<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs `fn` unless another session holds the lock `name`, in which case it returns at once with
 * `ran: false`. The lock is a session lock on a dedicated connection, held while `fn` runs (which
 * may use the pool freely: no transaction stays open) and released after; if the process dies the
 * server drops it with the connection. The pool needs one connection more than `fn` uses.
 */
export async function runExclusive<T>(pool: pg.Pool, name: string, fn: () => Promise<T>): Promise<ExclusiveResult<T>> {
  const key = advisoryLockKey(name);
  const client = await pool.connect();
  let locked = false;
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
      key,
    ]);
    locked = rows[0]?.locked === true;
    if (!locked) return { ran: false };
    return { ran: true, value: await fn() };
  } finally {
    if (!locked) client.release();
    else {
      try {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
        client.release();
      } catch (error) {
        // Destroying the connection ends the session, and the server releases its locks with it.
        client.release(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }
}

/**
 * Runs `fn` in a transaction holding the lock `name` (`pg_advisory_xact_lock`): it waits for
 * another holder to finish rather than skipping, and the lock ends with the transaction. `fn`
 * gets the transaction's client; what it writes commits only if it resolves.
 */
export async function withTransactionLock<T>(
  pool: pg.Pool,
  name: string,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryLockKey(name)]);
    const value = await fn(client);
    await client.query('COMMIT');
    return value;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The table of last runs, created on first use in the service's own database. Scheduling state,
 * not data: backups leave it out, and a restored database starts with every job due.
 */
export const JOB_RUNS_TABLE = 'hivematrix_job_runs';
const created = new WeakSet<pg.Pool>();

async function ensureRunsTable(pool: pg.Pool): Promise<void> {
  if (created.has(pool)) return;
  // Under a lock: two concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalogue.
  await withTransactionLock(pool, `${JOB_RUNS_TABLE}:create`, async (client) => {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${JOB_RUNS_TABLE} (
         job text PRIMARY KEY,
         last_run_at bigint NOT NULL,
         runs bigint NOT NULL DEFAULT 1
       )`,
    );
  });
  created.add(pool);
}

/** A job due once every `everyMs`, for `runIfDue`. */
export interface PeriodicJob<T> {
  /** Names the job across instances (and its lock); e.g. `knowledgetree:trash-purge`. */
  name: string;
  /** How often it is due. */
  everyMs: number;
  run: () => Promise<T>;
  /** Clock in milliseconds; `Date.now` by default. */
  now?: () => number;
}

/** What `runIfDue` did. */
export type PeriodicResult<T> =
  | { status: 'ran'; value: T }
  /** It ran within the period (here or on another instance). */
  | { status: 'not-due'; lastRunAt: number }
  /** Another instance is running it right now. */
  | { status: 'busy' };

/**
 * Runs a periodic job if it is due across the cluster: under `runExclusive`, it reads when the
 * job last ran successfully (table `hivematrix_job_runs`), runs it when at least 90 % of
 * `everyMs` has passed (timers drift by milliseconds; a strict comparison would skip every other
 * period) and records the start time once it succeeded. A failed run is not recorded, so the next
 * tick of any instance retries it. Every instance calls this from its own timer, at the job's
 * period or more often.
 */
export async function runIfDue<T>(pool: pg.Pool, job: PeriodicJob<T>): Promise<PeriodicResult<T>> {
  if (!(job.everyMs > 0)) throw new Error(`${job.name}: everyMs must be positive`);
  const now = job.now ?? Date.now;
  await ensureRunsTable(pool);
  const outcome = await runExclusive(pool, `job:${job.name}`, async (): Promise<PeriodicResult<T>> => {
    const { rows } = await pool.query<{ last_run_at: string }>(
      `SELECT last_run_at FROM ${JOB_RUNS_TABLE} WHERE job = $1`,
      [job.name],
    );
    const lastRunAt = rows[0] === undefined ? undefined : Number(rows[0].last_run_at);
    const startedAt = now();
    if (lastRunAt !== undefined && startedAt - lastRunAt < job.everyMs * 0.9) return { status: 'not-due', lastRunAt };
    const value = await job.run();
    await pool.query(
      `INSERT INTO ${JOB_RUNS_TABLE} (job, last_run_at) VALUES ($1, $2)
       ON CONFLICT (job) DO UPDATE SET last_run_at = EXCLUDED.last_run_at, runs = ${JOB_RUNS_TABLE}.runs + 1`,
      [job.name, startedAt],
    );
    return { status: 'ran', value };
  });
  return outcome.ran ? outcome.value : { status: 'busy' };
}

/** A timer calling `runIfDue` for one job, for a service's composition root. */
export interface JobTimer {
  /** One check now; resolves when it (and any run it started) is done. */
  tick(): Promise<void>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * How often `scheduleJob` checks a job with no `checkMs`: its period / 6, at most one minute, so an
 * instance that takes over after another died is late by at most that.
 */
export function defaultCheckMs(everyMs: number): number {
  return Math.min(Math.max(Math.floor(everyMs / 6), 1), 60_000);
}

/**
 * Checks `job` every `checkMs` (default: `defaultCheckMs`, its period / 6, at most one minute, so an instance that
 * takes over after another died is late by at most that) and on start when `runAtStart`; errors
 * go to `onError` and are retried at the next check.
 */
export function scheduleJob<T>(
  pool: pg.Pool,
  job: PeriodicJob<T> & {
    checkMs?: number;
    runAtStart?: boolean;
    onError: (error: unknown) => void;
    onRun?: (value: T) => void;
  },
): JobTimer {
  let current: Promise<void> | null = null;
  const tick = (): Promise<void> => {
    current ??= runIfDue(pool, job)
      .then((result) => {
        if (result.status === 'ran') job.onRun?.(result.value);
      }, job.onError)
      .finally(() => (current = null));
    return current;
  };
  const timer = setInterval(() => void tick(), job.checkMs ?? defaultCheckMs(job.everyMs));
  timer.unref();
  if (job.runAtStart === true) void tick();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
