/** How the cluster test judges a scheduled job's history (e2e/cluster/jobs.ts), without a cluster. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCheckMs, judgeJob, type JobHistory, type ScheduledJob } from './jobs.js';

const JOB: ScheduledJob = { name: 'core:user-recheck', service: 'core', everyMs: 15_000, checkMs: 2_500 };

/** A history whose runs started at `starts` (ms from 0), each seen 300 ms later, watched for `to` ms. */
function history(starts: number[], to: number, runsAt: (index: number) => number = (index) => index + 1): JobHistory {
  return {
    job: JOB,
    from: 0,
    to,
    samples: starts.map((start, index) => ({ seenAt: start + 300, runs: runsAt(index), lastRunAt: start })),
  };
}

describe('cluster test: judging scheduled jobs', () => {
  it('accepts runs 0.9 to 1 period and a check apart, to the end of the watch', () => {
    assert.deepEqual(judgeJob(history([4_000, 17_500, 32_600, 47_000], 60_000)), []);
  });

  it('reports a job that never ran', () => {
    assert.deepEqual(judgeJob(history([], 60_000)), ['core:user-recheck never ran']);
  });

  it('reports two runs seen at once (two instances ran the same due time)', () => {
    const problems = judgeJob(history([4_000, 19_000], 30_000, (index) => (index === 0 ? 1 : 3)));
    assert.ok(
      problems.some((problem) => problem.includes('2 runs within')),
      problems.join('\n'),
    );
  });

  it('reports two starts closer than 90 % of the period', () => {
    const problems = judgeJob(history([4_000, 10_000, 25_000], 35_000));
    assert.ok(
      problems.some((problem) => problem.includes('two runs 6000 ms apart')),
      problems.join('\n'),
    );
  });

  it('reports a due time with no run, between runs and after the last', () => {
    const between = judgeJob(history([4_000, 40_000], 50_000));
    assert.ok(
      between.some((problem) => problem.includes('36000 ms without a run')),
      between.join('\n'),
    );
    const after = judgeJob(history([4_000], 40_000));
    assert.ok(
      after.some((problem) => problem.includes('no run in the last 36000 ms')),
      after.join('\n'),
    );
  });

  it("uses scheduleJob's default check interval: a sixth of the period, at most a minute", () => {
    assert.equal(defaultCheckMs(15_000), 2_500);
    assert.equal(defaultCheckMs(3_600_000), 60_000);
  });
});
