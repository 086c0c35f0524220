/**
 * Metrics: /proc parsing, CPU percentages, the chart geometry and the health history as pure
 * functions; the sampler over a fake /proc tree into a real database; the service pages' charts,
 * the services list's CPU and memory columns, and `GET /api/metrics/:service`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { insertSamples, latestSamples, serviceSamples } from '../src/db/metrics.js';
import { bucketize, linePath, niceMax } from '../src/metrics/chart.js';
import { healthTransitions } from '../src/metrics/history.js';
import { cpuPercent, groupUsage, parseStat, parseStatusRssKb, readProcTable } from '../src/metrics/proc.js';
import { MetricsSampler } from '../src/metrics/sampler.js';
import type { PlatformStatus } from '../src/status.js';
import { NOW, STATUS, startConsole, type Console } from './console-harness.js';

/** A stat line as the kernel writes it, with a process name holding spaces and parentheses. */
function statLine(
  pid: number,
  opts: { ppid?: number; pgrp: number; utime: number; stime: number; cutime?: number; rss?: number; state?: string },
): string {
  const fields = [
    opts.state ?? 'S',
    opts.ppid ?? 1,
    opts.pgrp,
    opts.pgrp,
    0,
    -1,
    4194560,
    100,
    0,
    0,
    0,
    opts.utime,
    opts.stime,
    opts.cutime ?? 0,
    0,
    20,
    0,
    1,
    0,
    12345,
    1000000,
    opts.rss ?? 100,
  ];
  return `${pid} (node (worker) 1) ${fields.join(' ')} 0 0 0\n`;
}

describe('metrics: /proc parsing', () => {
  it('parses a stat line whose process name holds spaces and parentheses', () => {
    assert.deepEqual(parseStat(statLine(4242, { pgrp: 4242, ppid: 7, utime: 150, stime: 50, cutime: 10, rss: 2560 })), {
      pid: 4242,
      state: 'S',
      ppid: 7,
      pgrp: 4242,
      cpuTicks: 210,
      ownTicks: 200,
      rssPages: 2560,
    });
    assert.equal(parseStat('garbage'), undefined);
    assert.equal(parseStat('12 (x) S 1 2'), undefined);
  });

  it('reads VmRSS from a status text', () => {
    assert.equal(parseStatusRssKb('Name:\tnode\nVmPeak:\t 9 kB\nVmRSS:\t   61440 kB\nThreads: 7\n'), 61440);
    assert.equal(parseStatusRssKb('Name:\tkthreadd\n'), undefined);
  });

  it('turns a tick delta into a percentage of one core', () => {
    assert.equal(cpuPercent(1000, 1150, 15_000), 10);
    assert.equal(cpuPercent(0, 300, 1000), 300);
    assert.equal(cpuPercent(10, 5, 1000), undefined);
    assert.equal(cpuPercent(10, 20, 0), undefined);
  });

  it('sums a process group (not its zombies, not other groups) and counts a lone process alone', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'hm-proc-'));
    try {
      const proc = async (pid: number, stat: string, rssKb?: number) => {
        await mkdir(path.join(root, String(pid)));
        await writeFile(path.join(root, String(pid), 'stat'), stat);
        if (rssKb !== undefined)
          await writeFile(path.join(root, String(pid), 'status'), `Name:\tx\nVmRSS:\t${rssKb} kB\n`);
      };
      await proc(100, statLine(100, { pgrp: 100, utime: 100, stime: 20, cutime: 5 }), 51200);
      await proc(101, statLine(101, { pgrp: 100, ppid: 100, utime: 30, stime: 10 }), 10240);
      await proc(102, statLine(102, { pgrp: 100, ppid: 100, utime: 999, stime: 0, state: 'Z' }));
      await proc(200, statLine(200, { pgrp: 1, utime: 70, stime: 5, cutime: 500, rss: 256 }));
      await mkdir(path.join(root, 'self'));
      const table = await readProcTable(root);
      assert.deepEqual([...table.keys()].sort(), [100, 101, 102, 200]);
      assert.deepEqual(await groupUsage(table, 100, root), { cpuTicks: 165, memoryMb: 60, pids: [100, 101] });
      // Not a group leader: its own time only (children it reaped are measured on their own), memory from stat pages.
      assert.deepEqual(await groupUsage(table, 200, root), { cpuTicks: 75, memoryMb: 1, pids: [200] });
      assert.deepEqual(await groupUsage(table, 100, root, { alone: true }), {
        cpuTicks: 120,
        memoryMb: 50,
        pids: [100],
      });
      assert.equal(await groupUsage(table, 999, root), undefined);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('metrics: chart geometry and health history', () => {
  it('rounds the axis up to a readable maximum', () => {
    assert.deepEqual(
      [niceMax(0.3), niceMax(7), niceMax(13), niceMax(230), niceMax(0, 64), niceMax(101, 64)],
      [1, 10, 20, 250, 100, 200],
    );
  });

  it('averages samples into time buckets, leaving empty buckets null', () => {
    const points = [
      { at: 0, value: 2 },
      { at: 10, value: 4 },
      { at: 60, value: 9 },
      { at: 70, value: null },
      { at: 500, value: 1 },
    ];
    assert.deepEqual(bucketize(points, 0, 100, 4), [
      { at: 12.5, value: 3 },
      { at: 37.5, value: null },
      { at: 62.5, value: 9 },
      { at: 87.5, value: null },
    ]);
  });

  it('draws a path scaled to the frame, breaking the line at gaps and clamping to the axis', () => {
    const frame = { width: 100, height: 50, from: 0, to: 100, max: 10 };
    const d = linePath(
      [
        { at: 0, value: 0 },
        { at: 50, value: 5 },
        { at: 60, value: null },
        { at: 80, value: 20 },
        { at: 100, value: 2.5 },
      ],
      frame,
    );
    assert.equal(d, 'M0 50 L50 25 M80 0 L100 37.5');
    assert.equal(linePath([{ at: 1, value: null }], frame), '');
  });

  it('keeps only the samples where state or health changed, newest first', () => {
    const at = (minute: number) => new Date(NOW.getTime() + minute * 60_000);
    const samples = [
      { at: at(0), state: 'starting', health: 'unknown', restarts: 0 },
      { at: at(1), state: 'running', health: 'healthy', restarts: 0 },
      { at: at(2), state: 'running', health: 'healthy', restarts: 0 },
      { at: at(3), state: 'running', health: 'degraded', restarts: 0 },
      { at: at(4), state: 'backoff', health: 'down', restarts: 1 },
    ];
    assert.deepEqual(
      healthTransitions(samples).map((change) => [change.at.getTime(), change.state, change.health, change.previous]),
      [
        [at(4).getTime(), 'backoff', 'down', 'running, degraded'],
        [at(3).getTime(), 'running', 'degraded', 'running, healthy'],
        [at(1).getTime(), 'running', 'healthy', 'starting, unknown'],
        [at(0).getTime(), 'starting', 'unknown', null],
      ],
    );
  });
});

describe('metrics: sampler, pages and API', () => {
  let c: Console;
  let root: string;
  before(async () => {
    c = await startConsole();
    root = await mkdtemp(path.join(tmpdir(), 'hm-proc-'));
  });
  after(async () => {
    await c.close();
    await rm(root, { recursive: true, force: true });
  });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it('samples CPU from tick deltas, memory, restarts and health per service, and prunes old samples', async () => {
    const write = async (pid: number, utime: number, rssKb: number) => {
      await mkdir(path.join(root, String(pid)), { recursive: true });
      await writeFile(path.join(root, String(pid), 'stat'), statLine(pid, { pgrp: pid, utime, stime: 0 }));
      await writeFile(path.join(root, String(pid), 'status'), `VmRSS:\t${rssKb} kB\n`);
    };
    let clock = NOW.getTime() - 30_000;
    let status: PlatformStatus = STATUS;
    const sampler = new MetricsSampler({
      db: c.database.db,
      status: () => status,
      now: () => new Date(clock),
      retentionMs: 7 * 86_400_000,
      procRoot: root,
    });
    // An old sample that the first round's pruning removes.
    await insertSamples(c.database.db, [
      {
        at: new Date(NOW.getTime() - 8 * 86_400_000),
        serviceName: 'template',
        state: 'running',
        health: 'healthy',
        restarts: 0,
      },
    ]);
    await write(4242, 1000, 40960);
    const first = await sampler.round();
    assert.deepEqual(
      first.map((sample) => [sample.serviceName, sample.cpuPercent, sample.memoryMb]),
      [
        ['helm', null, 40],
        ['template', null, 40],
        ['codex', null, null],
      ],
    );
    clock += 15_000;
    await write(4242, 1300, 51200);
    status = {
      ...STATUS,
      services: STATUS.services.map((service) =>
        service.name === 'template' ? { ...service, health: 'degraded', restarts: 2 } : service,
      ),
    };
    const second = await sampler.round();
    const template = second.find((sample) => sample.serviceName === 'template');
    assert.deepEqual(
      [template?.cpuPercent, template?.memoryMb, template?.health, template?.restarts, template?.pid],
      [20, 50, 'degraded', 2, 4242],
    );
    const stored = await serviceSamples(c.database.db, 'template', new Date(NOW.getTime() - 86_400_000));
    assert.equal(stored.length, 2, 'the 8-day-old sample was pruned');
    assert.equal((await latestSamples(c.database.db)).get('template')?.cpuPercent, 20);
  });

  it('shows CPU and memory on the services list and charts with a health history on the detail page', async () => {
    const list = await c.app.inject({ url: '/services', headers: as(c.admin) });
    assert.equal(list.statusCode, 200);
    assert.match(list.body, />CPU</);
    assert.match(list.body, />20\.0 %</);
    assert.match(list.body, />50 MB</);
    const detail = await c.app.inject({ url: '/services/template', headers: as(c.admin) });
    assert.equal(detail.statusCode, 200);
    assert.match(
      detail.body,
      /<svg[^>]*role="img"[^>]*aria-label="CPU from 12:00 to 12:00 UTC, latest 20\.0 %, peak 20\.0 %"/,
    );
    assert.match(detail.body, /<path d="M[\d.]+ [\d.]+"/);
    assert.match(detail.body, /aria-label="Health history"/);
    assert.match(detail.body, /running, healthy/);
  });

  it('answers the samples as JSON since a duration or a time, 404 for an unknown service, 400 for a bad since, 403 for a technician', async () => {
    const res = await c.app.inject({ url: '/api/metrics/template?since=1h', headers: as(c.admin) });
    assert.equal(res.statusCode, 200);
    const body = res.json<{
      service: string;
      since: string;
      samples: { cpu_percent: number | null; memory_mb: number | null; health: string }[];
    }>();
    assert.equal(body.since, new Date(NOW.getTime() - 3_600_000).toISOString());
    assert.deepEqual(
      body.samples.map((sample) => [sample.cpu_percent, sample.memory_mb, sample.health]),
      [
        [null, 40, 'healthy'],
        [20, 50, 'degraded'],
      ],
    );
    const later = await c.app.inject({
      url: `/api/metrics/template?since=${encodeURIComponent(new Date(NOW.getTime() - 20_000).toISOString())}`,
      headers: as(c.admin),
    });
    assert.equal(later.json<{ samples: unknown[] }>().samples.length, 1);
    assert.equal((await c.app.inject({ url: '/api/metrics/nope', headers: as(c.admin) })).statusCode, 404);
    assert.equal(
      (await c.app.inject({ url: '/api/metrics/template?since=yesterday', headers: as(c.admin) })).statusCode,
      400,
    );
    assert.equal((await c.app.inject({ url: '/api/metrics/template', headers: as(c.tech) })).statusCode, 403);
  });
});
