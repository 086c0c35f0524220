/** Supervision with real processes: readiness, crash restarts with backoff, giving up, clean stops. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { liveGroupMembers, waitGroupGone } from '../src/supervisor/process-group.js';
import { Supervisor } from '../src/supervisor/supervisor.js';
import { ServiceUnit, type UnitStatus } from '../src/supervisor/unit.js';
import { httpHealthProbe } from '../src/supervisor/health-probe.js';
import { alive, fakeSpec, fastPolicy, unitOptions, waitFor } from './supervisor-harness.js';

describe('supervisor: one service', () => {
  it('starts a service and reports it ready once /health says healthy', async () => {
    const unit = new ServiceUnit(await fakeSpec('alpha'), unitOptions());
    const outcome = await unit.start();
    try {
      assert.equal(outcome.ok, true);
      assert.equal(outcome.health, 'healthy');
      const status = unit.status();
      assert.equal(status.state, 'running');
      assert.ok(status.pid !== null && alive(status.pid));
      assert.equal(status.restarts, 0);
    } finally {
      await unit.stop();
    }
  });

  it('restarts a service killed with SIGKILL within seconds and counts the restart', async () => {
    const spec = await fakeSpec('bravo');
    const unit = new ServiceUnit(spec, unitOptions());
    await unit.start();
    try {
      const first = unit.status().pid;
      assert.ok(first !== null);
      const killedAt = Date.now();
      process.kill(first, 'SIGKILL');
      const back = await waitFor(
        unit,
        (status) => status.state === 'running' && status.health === 'healthy' && status.pid !== first,
      );
      const healedMs = Date.now() - killedAt;
      assert.equal(back.restarts, 1);
      assert.ok(back.pid !== null && alive(back.pid));
      assert.ok(healedMs < 5000, `healed in ${healedMs} ms`);
      const log = await readFile(spec.logFile, 'utf8');
      assert.match(log, /bravo was killed by SIGKILL/);
      assert.equal(log.match(/fake bravo pid/g)?.length, 2, 'both runs wrote to the same log');
    } finally {
      await unit.stop();
    }
  });

  it('gives up after repeated crashes, marks the service failed and keeps its last log lines', async () => {
    const unit = new ServiceUnit(
      await fakeSpec('charlie', { FAKE_EXIT_CODE: '1' }),
      unitOptions(fastPolicy({ maxCrashes: 3 })),
    );
    const changes: UnitStatus[] = [];
    unit.on('change', (status) => changes.push(status));
    const outcome = await unit.start();
    assert.equal(outcome.ok, false);
    const status = unit.status();
    assert.equal(status.state, 'failed');
    assert.equal(status.restarts, 2, 'two restarts, then the third crash is the last');
    assert.match(status.message ?? '', /crashed 3 times/);
    assert.ok(
      status.logTail.some((line) => line.includes('fake charlie exits with 1')),
      status.logTail.join('\n'),
    );
    assert.ok(changes.filter((change) => change.state === 'backoff').length >= 2);
    assert.equal(status.pid, null);
  });

  it('does not restart a service that refuses its configuration (exit status 78)', async () => {
    const unit = new ServiceUnit(await fakeSpec('delta', { FAKE_EXIT_CODE: '78' }), unitOptions());
    const outcome = await unit.start();
    assert.equal(outcome.ok, false);
    assert.equal(unit.status().restarts, 0);
    assert.match(unit.status().message ?? '', /refused its configuration/);
  });

  it('stops the whole process group, leaving no orphan behind', async () => {
    const unit = new ServiceUnit(await fakeSpec('echo', { FAKE_CHILD: '1' }), unitOptions());
    await unit.start();
    const pid = unit.status().pid;
    assert.ok(pid !== null);
    const health = await fetch(`${unit.status().url}/health`).then(
      (response) => response.json() as Promise<{ child_pid: number }>,
    );
    assert.ok(alive(health.child_pid), 'the grandchild runs');
    await unit.stop();
    assert.equal(unit.status().state, 'stopped');
    assert.equal(alive(pid), false);
    assert.equal(alive(health.child_pid), false, 'the grandchild (which ignores SIGTERM) is gone too');
    assert.deepEqual(liveGroupMembers(pid), [], 'the process group is gone');
  });

  it('sends SIGKILL after the grace period to a service that ignores SIGTERM', async () => {
    const spec = await fakeSpec('foxtrot', { FAKE_IGNORE_TERM: '1' });
    const unit = new ServiceUnit(spec, unitOptions(fastPolicy({ stopGraceMs: 300 })));
    await unit.start();
    const pid = unit.status().pid;
    assert.ok(pid !== null);
    const started = Date.now();
    await unit.stop();
    assert.ok(Date.now() - started >= 250);
    assert.deepEqual(liveGroupMembers(pid), []);
    assert.match(await readFile(spec.logFile, 'utf8'), /stopped foxtrot \(was killed by SIGKILL\)/);
  });

  it('fails a service that never answers /health within the start timeout, and kills it', async () => {
    const unit = new ServiceUnit(
      await fakeSpec('golf', { FAKE_NO_LISTEN: '1' }),
      unitOptions(fastPolicy({ startTimeoutMs: 400 })),
    );
    const changes: UnitStatus[] = [];
    unit.on('change', (status) => changes.push(status));
    const outcome = await unit.start();
    assert.equal(outcome.ok, false);
    assert.match(outcome.message ?? '', /did not answer \/health/);
    const pid = changes.find((status) => status.pid !== null)?.pid;
    assert.ok(pid !== undefined && pid !== null);
    assert.ok(await waitGroupGone(pid, 5000), 'the process that never answered was killed');
  });

  it('counts a degraded service as ready after the ready timeout, and says so', async () => {
    const unit = new ServiceUnit(
      await fakeSpec('hotel', { FAKE_STATUS: 'degraded' }),
      unitOptions(fastPolicy({ readyTimeoutMs: 200 })),
    );
    const outcome = await unit.start();
    try {
      assert.equal(outcome.ok, true);
      assert.equal(outcome.health, 'degraded');
      assert.match(outcome.message ?? '', /degraded after/);
    } finally {
      await unit.stop();
    }
  });
});

describe('supervisor: several services', () => {
  it('starts dependants only once their dependency is ready, and stops them first', async () => {
    const supervisor = new Supervisor(unitOptions());
    const events: string[] = [];
    supervisor.on('change', (status) => events.push(`${status.name}:${status.state}:${status.health}`));
    supervisor.set(await fakeSpec('store'), []);
    supervisor.set(await fakeSpec('web'), ['store']);
    const outcomes = await supervisor.startInOrder(['store', 'web']);
    try {
      assert.deepEqual(
        outcomes.map((outcome) => [outcome.name, outcome.ok]),
        [
          ['store', true],
          ['web', true],
        ],
      );
      const storeReady = events.indexOf('store:running:healthy');
      const webStarting = events.indexOf('web:starting:unknown');
      assert.ok(storeReady !== -1 && webStarting > storeReady, events.join(' '));
    } finally {
      events.length = 0;
      await supervisor.stopAll(['store', 'web']);
    }
    assert.ok(events.indexOf('web:stopped:unknown') < events.indexOf('store:stopped:unknown'), events.join(' '));
  });

  it('starts nothing more once a stop was requested during the start sequence', async () => {
    const supervisor = new Supervisor(unitOptions());
    const first = supervisor.set(await fakeSpec('first'), []);
    const second = supervisor.set(await fakeSpec('second'), ['first']);
    const spawned: string[] = [];
    supervisor.on('change', (status) => {
      if (status.pid !== null) spawned.push(status.name);
    });
    const starting = supervisor.startInOrder(['first', 'second']);
    await waitFor(first, (status) => status.state === 'starting');
    await supervisor.stopAll(['first', 'second']);
    await starting;
    assert.equal(first.status().state, 'stopped');
    assert.equal(second.status().state, 'stopped');
    assert.equal(spawned.includes('second'), false, 'the second service was never spawned');
  });

  it('does not start a dependant of a failed service and says why', async () => {
    const supervisor = new Supervisor(unitOptions(fastPolicy({ maxCrashes: 1 })));
    supervisor.set(await fakeSpec('broken', { FAKE_EXIT_CODE: '3' }), []);
    supervisor.set(await fakeSpec('user'), ['broken']);
    const outcomes = await supervisor.startInOrder(['broken', 'user']);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.ok),
      [false, false],
    );
    const user = supervisor.unit('user')?.status();
    assert.equal(user?.state, 'blocked');
    assert.match(user?.message ?? '', /broken is failed/);
    assert.equal(user?.pid, null);
  });
});

describe('health probe', () => {
  it('counts only an answer that names the service as up', async () => {
    const spec = await fakeSpec('india');
    const unit = new ServiceUnit(spec, unitOptions());
    await unit.start();
    try {
      assert.deepEqual(await httpHealthProbe(spec.url, 'india', 1000), {
        up: true,
        status: 'healthy',
        httpStatus: 200,
      });
      const other = await httpHealthProbe(spec.url, 'juliet', 1000);
      assert.equal(other.up, false);
    } finally {
      await unit.stop();
    }
    assert.equal((await httpHealthProbe(spec.url, 'india', 1000)).up, false);
  });
});
