/**
 * Starts sync runs in the background and schedules them.
 *
 * A request that asks for a sync gets its run row back at once (202); the run continues after the
 * answer, recording progress in its row, so no request ever waits for a vendor. A partial unique
 * index allows one running run per job across every instance of codex, and the scheduler only
 * starts a job whose last run began at least one interval ago, so several instances (or workers)
 * never duplicate scheduled runs (the original's per-worker schedulers did).
 */
import type { FastifyBaseLogger } from 'fastify';
import {
  createRun,
  discardedTicketIds,
  failStaleRuns,
  finishRun,
  lastRun,
  pausedJobs,
  recordProgress,
} from '../db/index.js';
import type { CodexDb, SyncRun } from '../db/index.js';
import { runSyncJob } from './engine.js';
import { SYNC_JOBS } from '../domain/index.js';
import type { SecretKeyring, SyncJobName } from '../domain/index.js';
import type { SyncProvider } from './provider.js';

export interface SyncRunnerOptions {
  db: CodexDb;
  now: () => Date;
  logger: FastifyBaseLogger;
  secretKey: SecretKeyring | undefined;
  /** The configured adapters, by job. */
  providers: Partial<Record<SyncJobName, SyncProvider>>;
  /** Interval per job in milliseconds; 0 or absent means manual runs only. */
  schedule: Partial<Record<SyncJobName, number>>;
  /** A running run without progress for this long is marked interrupted. */
  staleAfterMs: number;
  /** Overlap subtracted from the last successful run's start for incremental fetches. */
  overlapMs?: number;
  /**
   * Adapters and schedules as they are when a run starts (the integrations page's settings over
   * the configuration's); when given it replaces `providers` and `schedule`, so a saved
   * integration applies without a restart.
   */
  resolve?: () => Promise<{
    providers: Partial<Record<SyncJobName, SyncProvider>>;
    schedule: Partial<Record<SyncJobName, number>>;
  }>;
}

export interface SyncRunner {
  /** Jobs that have an adapter in the configuration given at start. */
  readonly jobs: readonly SyncJobName[];
  /** Jobs that have an adapter now (stored integrations included). */
  configuredJobs(): Promise<SyncJobName[]>;
  /** Each job's interval now (0 = manual only). */
  schedule(): Promise<Partial<Record<SyncJobName, number>>>;
  /** Starts a run; undefined when the job is already running. Throws when the job has no adapter. */
  start(job: SyncJobName, trigger: 'schedule' | 'manual', requestedBy: string | null): Promise<SyncRun | undefined>;
  /** Starts every scheduled job that is due; returns the runs started. */
  tick(): Promise<SyncRun[]>;
  /** Starts the periodic scheduler (every `everyMs`); a timer that does not keep the process alive. */
  startScheduler(everyMs: number): void;
  /** Resolves when no run started by this instance is in flight. */
  idle(): Promise<void>;
  /** Stops the scheduler, cancels vendor requests in flight and waits for the runs to record their end. */
  close(): Promise<void>;
}

/** Builds the runner. */
export function createSyncRunner(options: SyncRunnerOptions): SyncRunner {
  const inFlight = new Set<Promise<void>>();
  const controller = new AbortController();
  const jobs = SYNC_JOBS.filter((job) => options.providers[job] !== undefined);
  let timer: NodeJS.Timeout | undefined;
  const current = async () =>
    options.resolve === undefined ? { providers: options.providers, schedule: options.schedule } : options.resolve();

  // The job comes from the caller that created the run (the row's `job` column is plain text).
  async function execute(run: SyncRun, job: SyncJobName, provider: SyncProvider): Promise<void> {
    try {
      const watermark = await lastRun(options.db, job, 'succeeded');
      const since =
        watermark === undefined ? null : new Date(watermark.startedAt.getTime() - (options.overlapMs ?? 3_600_000));
      const outcome = await runSyncJob(
        { db: options.db, now: options.now, secretKey: options.secretKey },
        provider,
        job,
        { since, signal: controller.signal, discardedTickets: () => discardedTicketIds(options.db, provider.name) },
        (progress) => recordProgress(options.db, run.id, progress, options.now()),
      );
      await finishRun(options.db, run.id, outcome, options.now());
      const log =
        outcome.status === 'succeeded'
          ? options.logger.info.bind(options.logger)
          : options.logger.warn.bind(options.logger);
      log(
        {
          job,
          run: run.id,
          status: outcome.status,
          created: outcome.created,
          updated: outcome.updated,
          archived: outcome.archived,
          skipped: outcome.skipped.length,
          errors: outcome.errors,
        },
        'sync run finished',
      );
    } catch (error) {
      // A database failure while recording: the run row stays "running" until it goes stale.
      options.logger.error({ err: error, job, run: run.id }, 'sync run could not be recorded');
      await finishRun(
        options.db,
        run.id,
        {
          status: 'failed',
          fetched: 0,
          created: 0,
          updated: 0,
          archived: 0,
          errors: [error instanceof Error ? error.message : String(error)],
          warnings: [],
          skipped: [],
        },
        options.now(),
      ).catch(() => undefined);
    }
  }

  async function start(
    job: SyncJobName,
    trigger: 'schedule' | 'manual',
    requestedBy: string | null,
  ): Promise<SyncRun | undefined> {
    const provider = (await current()).providers[job];
    if (provider === undefined) throw new Error(`no adapter is configured for ${job}`);
    await failStaleRuns(options.db, new Date(options.now().getTime() - options.staleAfterMs), options.now());
    const run = await createRun(options.db, { job, trigger, requestedBy }, options.now());
    if (run === undefined) return undefined;
    const work = execute(run, job, provider).finally(() => inFlight.delete(work));
    inFlight.add(work);
    return run;
  }

  async function tick(): Promise<SyncRun[]> {
    const paused = await pausedJobs(options.db);
    const { providers, schedule } = await current();
    const started: SyncRun[] = [];
    for (const job of SYNC_JOBS) {
      if (providers[job] === undefined) continue;
      const every = schedule[job] ?? 0;
      if (every <= 0 || paused.has(job)) continue;
      const last = await lastRun(options.db, job);
      if (last !== undefined && options.now().getTime() - last.startedAt.getTime() < every) continue;
      const run = await start(job, 'schedule', null);
      if (run !== undefined) started.push(run);
    }
    return started;
  }

  return {
    jobs,
    async configuredJobs() {
      const { providers } = await current();
      return SYNC_JOBS.filter((job) => providers[job] !== undefined);
    },
    async schedule() {
      return (await current()).schedule;
    },
    start,
    tick,
    startScheduler(everyMs) {
      timer = setInterval(() => {
        tick().catch((error: unknown) => options.logger.error({ err: error }, 'sync scheduler tick failed'));
      }, everyMs);
      timer.unref();
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      if (timer !== undefined) clearInterval(timer);
      controller.abort();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
