/**
 * Runs in the background: a sync request answers 202 at once while the vendor is still answering,
 * a second request for the same job is a conflict, progress is visible while it runs, the
 * scheduler starts only due and unpaused jobs, and a run whose instance died is marked failed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRun, findRun } from '../src/db/sync-runs.js';
import { startFakeFreshservice, FRESHSERVICE_KEY } from './fakes/freshservice.js';
import type { FakeServer } from './fakes/server.js';
import { bearer, startCodex, type CodexHarness } from './harness.js';

describe('sync runs in the background', () => {
  let fake: FakeServer;
  let t: CodexHarness;
  let clock = new Date('2026-11-25T12:00:00Z');

  before(async () => {
    fake = await startFakeFreshservice({
      departments: [1, 2, 3, 4, 5].map((id) => ({
        id,
        name: `Company ${id}`,
        custom_fields: { account_number: `A${id}` },
      })),
      requesters: [],
      agents: [],
      tickets: [],
    });
    t = await startCodex({
      now: () => clock,
      env: {
        FRESHSERVICE_URL: fake.url,
        FRESHSERVICE_API_KEY: FRESHSERVICE_KEY,
        SYNC_SCHEDULE: 'freshservice=1h,freshservice-tickets=0',
      },
    });
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  it('answers 202 before the vendor has answered, shows progress, and refuses a second run', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let firstPageServed: () => void = () => undefined;
    const pageServed = new Promise<void>((resolve) => (firstPageServed = resolve));
    let served = 0;
    fake.gate = async () => {
      served += 1;
      if (served === 1) return;
      firstPageServed();
      await released;
    };
    const tech = await t.token('technician', { preferred_username: 'sam' });
    const started = await t.app.inject({ method: 'POST', url: '/api/sync/freshservice', headers: bearer(tech) });
    assert.equal(started.statusCode, 202, started.body);
    const run = JSON.parse(started.body) as { id: number; status: string; requested_by: string };
    assert.equal(run.status, 'running');
    assert.equal(run.requested_by, 'sam');
    assert.match(String(started.headers.location), new RegExp(`/api/sync/runs/${run.id}$`));
    const again = await t.app.inject({ method: 'POST', url: '/api/sync/freshservice', headers: bearer(tech) });
    assert.equal(again.statusCode, 409);
    await pageServed;
    // The first page is stored while the second is held at the vendor.
    for (let tries = 0; tries < 50; tries += 1) {
      const progress = JSON.parse(
        (await t.app.inject({ url: `/api/sync/runs/${run.id}`, headers: bearer(tech) })).body,
      ) as { fetched: number };
      if (progress.fetched > 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const midway = JSON.parse(
      (await t.app.inject({ url: `/api/sync/runs/${run.id}`, headers: bearer(tech) })).body,
    ) as { status: string; fetched: number; phase: string };
    assert.deepEqual([midway.status, midway.fetched, midway.phase], ['running', 2, 'companies']);
    const page = await t.app.inject({ url: `/admin/runs/${run.id}`, headers: bearer(tech) });
    assert.match(page.body, /http-equiv="refresh"/, 'the progress page refreshes itself while the run lasts');
    release();
    fake.gate = undefined;
    await t.runner.idle();
    const done = await findRun(t.db, run.id);
    assert.deepEqual([done?.status, done?.created], ['succeeded', 5]);
  });

  it('starts only due, unpaused jobs from the schedule', async () => {
    assert.deepEqual(await t.runner.tick(), [], 'the last run started less than an hour ago');
    clock = new Date(clock.getTime() + 2 * 3_600_000);
    const admin = await t.token('admin');
    const paused = await t.app.inject({
      method: 'PUT',
      url: '/api/sync/schedules/freshservice',
      headers: bearer(admin),
      payload: { paused: true },
    });
    assert.equal(paused.statusCode, 200, paused.body);
    assert.deepEqual(await t.runner.tick(), [], 'paused');
    await t.app.inject({
      method: 'PUT',
      url: '/api/sync/schedules/freshservice',
      headers: bearer(admin),
      payload: { paused: false },
    });
    const started = await t.runner.tick();
    assert.deepEqual(
      started.map((run) => [run.job, run.trigger]),
      [['freshservice', 'schedule']],
      'tickets have a 0 interval: manual only',
    );
    await t.runner.idle();
  });

  it('marks a run whose instance stopped reporting as failed, so the job can run again', async () => {
    clock = new Date(clock.getTime() + 60_000);
    const orphan = await createRun(
      t.db,
      { job: 'freshservice', trigger: 'manual', requestedBy: 'crashed-instance' },
      new Date(clock.getTime() - 3_600_000),
    );
    assert.ok(orphan);
    const run = await t.runner.start('freshservice', 'manual', 'test');
    assert.ok(run, 'the stale run no longer blocks the job');
    await t.runner.idle();
    const stale = await findRun(t.db, orphan.id);
    assert.equal(stale?.status, 'failed');
    assert.match(stale?.errors.join(' ') ?? '', /interrupted/);
  });

  it("refuses every service token, beacon's too (beacon syncs with its user's token); a technician starts a ticket sync", async () => {
    const beacon = await t.serviceToken('beacon');
    for (const job of ['freshservice-tickets', 'freshservice']) {
      const refused = await t.app.inject({ method: 'POST', url: `/api/sync/${job}`, headers: bearer(beacon) });
      assert.equal(refused.statusCode, 403, refused.body);
    }
    const client = await t.app.inject({
      method: 'POST',
      url: '/api/sync/freshservice-tickets',
      headers: bearer(await t.token('client')),
    });
    assert.equal(client.statusCode, 403);
    const tickets = await t.app.inject({
      method: 'POST',
      url: '/api/sync/freshservice-tickets',
      headers: bearer(await t.token('technician')),
    });
    assert.equal(tickets.statusCode, 202, tickets.body);
    const unconfigured = await t.app.inject({
      method: 'POST',
      url: '/api/sync/datto',
      headers: bearer(await t.token('admin')),
    });
    assert.equal(unconfigured.statusCode, 422);
    await t.runner.idle();
  });
});
