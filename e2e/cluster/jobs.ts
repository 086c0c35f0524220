/**
 * The cluster's scheduled jobs, watched from their services' databases: every job that
 * `scheduleJob` runs (`@hivematrix/sdk/db`) records its last successful start and its run count in
 * the service's `hivematrix_job_runs`. The watcher resets that table first (so the instances, not
 * helm's first start, are what ran the jobs), polls it twice a second, and keeps each change. A
 * job ran once per due time when every change adds exactly one run, two runs are never closer
 * than the 90 % of the period `runIfDue` allows, and no due time went by without a run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { defaultCheckMs, JOB_RUNS_TABLE } from '@hivematrix/sdk/db';

/** A job the cluster's configuration runs, and where its runs are kept. */
export interface ScheduledJob {
  /** `scheduleJob`'s name, e.g. `core:user-recheck`. */
  name: string;
  /** The service whose database holds its runs. */
  service: string;
  /** Its period, as configured for the test. */
  everyMs: number;
  /** How often each instance checks whether it is due (`scheduleJob`'s default: the period / 6, at most a minute). */
  checkMs: number;
}

/** One observed state of a job's row. */
export interface JobSample {
  /** When the watcher saw it (ms). */
  seenAt: number;
  runs: number;
  /** The run's start, as `runIfDue` recorded it (ms). */
  lastRunAt: number;
}

/** What the watcher saw of every job, from `start` to `stop`. */
export interface JobHistory {
  job: ScheduledJob;
  samples: JobSample[];
  from: number;
  to: number;
}

// The check interval a job gets when the cluster's configuration names none.
export { defaultCheckMs };

/**
 * What is wrong with one job's history, in words (empty when it ran once per due time):
 * - a change adding more than one run (two instances ran within half a second),
 * - two starts closer than 90 % of the period (a due time ran twice),
 * - a gap of two periods and a check or more (a due time had no run), counting the time from the
 *   last run to the end of the watch; and at least one run.
 * With the 90 % rule, runs of a healthy job are 0.9 to 1 period and a check apart.
 */
export function judgeJob(history: JobHistory): string[] {
  const { job, samples } = history;
  const problems: string[] = [];
  if (samples.length === 0) return [`${job.name} never ran`];
  const first = samples[0];
  if (first !== undefined && first.runs !== 1)
    problems.push(`${job.name}: first seen with ${first.runs} runs (more than one at once)`);
  // The first run's delay is the services' start, not the schedule's: only the gaps after it count.
  const longest = 2 * job.everyMs + job.checkMs;
  samples.forEach((sample, index) => {
    const previous = samples[index - 1];
    if (previous === undefined) return;
    if (sample.runs - previous.runs !== 1)
      problems.push(`${job.name}: ${sample.runs - previous.runs} runs within ${sample.seenAt - previous.seenAt} ms`);
    const gap = sample.lastRunAt - previous.lastRunAt;
    if (gap < 0.9 * job.everyMs) problems.push(`${job.name}: two runs ${gap} ms apart (period ${job.everyMs} ms)`);
    if (gap >= longest) problems.push(`${job.name}: ${gap} ms without a run (period ${job.everyMs} ms)`);
  });
  const last = samples.at(-1);
  if (last !== undefined && history.to - last.lastRunAt >= longest)
    problems.push(`${job.name}: no run in the last ${history.to - last.lastRunAt} ms (period ${job.everyMs} ms)`);
  return problems;
}

/** A running watch. */
export interface JobWatch {
  /** Stops polling and returns each job's history. */
  stop(): Promise<JobHistory[]>;
}

function isMissingTable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '42P01';
}

/**
 * Resets the runs of `jobs` in their services' databases (`databaseUrl(service)`), then polls them
 * every `pollMs` until `stop()`.
 */
export async function watchJobs(
  jobs: readonly ScheduledJob[],
  databaseUrl: (service: string) => string,
  pollMs = 500,
): Promise<JobWatch> {
  const clients = new Map<string, pg.Client>();
  for (const service of new Set(jobs.map((job) => job.service))) {
    const client = new pg.Client({ connectionString: databaseUrl(service) });
    await client.connect();
    clients.set(service, client);
    await client
      .query(`DELETE FROM ${JOB_RUNS_TABLE} WHERE job = ANY($1)`, [
        jobs.filter((job) => job.service === service).map((job) => job.name),
      ])
      .catch((error: unknown) => {
        // Created on first use: a service whose jobs never ran yet has none to reset.
        if (!isMissingTable(error)) throw error;
      });
  }
  const from = Date.now();
  const histories = new Map(jobs.map((job) => [job.name, { job, samples: [] as JobSample[], from, to: from }]));
  let stopped = false;
  let failure: unknown;

  const poll = async (): Promise<void> => {
    for (const [service, client] of clients) {
      const names = jobs.filter((job) => job.service === service).map((job) => job.name);
      const result = await client
        .query<{ job: string; runs: string; last_run_at: string }>(
          `SELECT job, runs, last_run_at FROM ${JOB_RUNS_TABLE} WHERE job = ANY($1)`,
          [names],
        )
        .catch((error: unknown) => {
          if (isMissingTable(error)) return { rows: [] };
          throw error;
        });
      const seenAt = Date.now();
      for (const row of result.rows) {
        const samples = histories.get(row.job)?.samples;
        const sample = { seenAt, runs: Number(row.runs), lastRunAt: Number(row.last_run_at) };
        const previous = samples?.at(-1);
        if (previous?.runs !== sample.runs || previous.lastRunAt !== sample.lastRunAt) samples?.push(sample);
      }
    }
  };
  const loop = (async () => {
    while (!stopped) {
      // A failed poll ends the watch; `stop()` reports why.
      await poll().catch((error: unknown) => {
        failure ??= error;
        stopped = true;
      });
      await sleep(pollMs);
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
      try {
        if (failure !== undefined)
          throw failure instanceof Error ? failure : new Error('the job watch failed', { cause: failure });
        await poll();
        const to = Date.now();
        return [...histories.values()].map((history) => ({ ...history, to }));
      } finally {
        await Promise.all([...clients.values()].map((client) => client.end()));
      }
    },
  };
}

/** One line per job for the test's report: its runs, and the shortest and longest gap between two. */
export function describeJob(history: JobHistory): string {
  const gaps = history.samples
    .slice(1)
    .map((sample, index) => sample.lastRunAt - (history.samples[index]?.lastRunAt ?? 0));
  const seconds = (ms: number): string => (ms / 1000).toFixed(1);
  const runs = history.samples.at(-1)?.runs ?? 0;
  const spread = gaps.length === 0 ? '' : `, ${seconds(Math.min(...gaps))} to ${seconds(Math.max(...gaps))} s apart`;
  return `${history.job.name} (every ${seconds(history.job.everyMs)} s): ${runs} run(s) in ${seconds(history.to - history.from)} s${spread}`;
}
