/**
 * The shipper's queue discipline, with an injected fetch the test answers by hand: bounded queue,
 * requeue after failure, one flush at a time, exponential backoff.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogShipper, type LogShipperOptions } from '../../src/logging/shipper.js';
import { helmLevel, toHelmEntry } from '../../src/logging/helm-entry.js';
import { fakeTimers, until } from './helpers.js';

function line(msg: string): string {
  return `${JSON.stringify({ level: 30, time: '2026-04-01T12:00:00.000Z', msg })}\n`;
}

interface Call {
  messages: string[];
  answer(status: number): void;
  fail(error: Error): void;
}

/** A fetch whose calls wait until the test answers them. */
function manualFetch() {
  const calls: Call[] = [];
  let active = 0;
  let maxActive = 0;
  const fetch = (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    active += 1;
    maxActive = Math.max(maxActive, active);
    const body = JSON.parse(typeof init?.body === 'string' ? init.body : '') as { logs: { message: string }[] };
    return new Promise<Response>((resolve, reject) => {
      calls.push({
        messages: body.logs.map((log) => log.message),
        answer: (status) => {
          active -= 1;
          resolve(new Response(null, { status }));
        },
        fail: (error) => {
          active -= 1;
          reject(error);
        },
      });
    });
  };
  return { fetch, calls, maxActive: () => maxActive };
}

function shipperWith(overrides: Partial<LogShipperOptions>) {
  const timers = fakeTimers();
  const shipper = createLogShipper({
    service: 'ledger',
    helmUrl: 'http://helm.invalid',
    getToken: () => Promise.resolve('tok'),
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    ...overrides,
  });
  return { shipper, timers };
}

describe('log shipper queue', () => {
  it('drops the oldest records when the queue is full, and counts them', async () => {
    const http = manualFetch();
    const { shipper } = shipperWith({ fetch: http.fetch, maxQueue: 5, batchSize: 100 });
    for (let i = 0; i < 8; i += 1) shipper.write(line(`m${i}`));
    assert.deepEqual(shipper.stats(), { queued: 5, shipped: 0, dropped: 3, failedBatches: 0 });
    const flushed = shipper.flush();
    await until(() => http.calls.length === 1);
    assert.deepEqual(http.calls[0]?.messages, ['m3', 'm4', 'm5', 'm6', 'm7']);
    http.calls[0]?.answer(200);
    await flushed;
    assert.deepEqual(shipper.stats(), { queued: 0, shipped: 5, dropped: 3, failedBatches: 0 });
  });

  it('puts a failed batch back in front, dropping what no longer fits', async () => {
    const http = manualFetch();
    const { shipper } = shipperWith({ fetch: http.fetch, maxQueue: 4, batchSize: 2 });
    shipper.write(line('a'));
    shipper.write(line('b')); // full batch: sent
    await until(() => http.calls.length === 1);
    for (const msg of ['c', 'd', 'e', 'f']) shipper.write(line(msg)); // queue full meanwhile
    http.calls[0]?.fail(new Error('connection reset'));
    await until(() => shipper.stats().failedBatches === 1);
    assert.deepEqual(shipper.stats(), { queued: 4, shipped: 0, dropped: 2, failedBatches: 1 });

    const flushed = shipper.flush();
    await until(() => http.calls.length === 2);
    assert.deepEqual(http.calls[1]?.messages, ['c', 'd']);
    http.calls[1]?.answer(200);
    await until(() => http.calls.length === 3);
    assert.deepEqual(http.calls[2]?.messages, ['e', 'f']);
    http.calls[2]?.answer(200);
    await flushed;
    assert.deepEqual(shipper.stats(), { queued: 0, shipped: 4, dropped: 2, failedBatches: 1 });
  });

  it('keeps a failed batch in order ahead of newer records', async () => {
    const http = manualFetch();
    const { shipper } = shipperWith({ fetch: http.fetch, batchSize: 2 });
    shipper.write(line('old-1'));
    shipper.write(line('old-2'));
    await until(() => http.calls.length === 1);
    shipper.write(line('new-1'));
    http.calls[0]?.answer(503);
    await until(() => shipper.stats().failedBatches === 1);
    const flushed = shipper.flush();
    await until(() => http.calls.length === 2);
    assert.deepEqual(http.calls[1]?.messages, ['old-1', 'old-2']);
    http.calls[1]?.answer(200);
    await until(() => http.calls.length === 3);
    assert.deepEqual(http.calls[2]?.messages, ['new-1']);
    http.calls[2]?.answer(200);
    await flushed;
  });

  it('has only one request in flight, however many flushes are asked for', async () => {
    const http = manualFetch();
    const { shipper } = shipperWith({ fetch: http.fetch, batchSize: 2 });
    for (let i = 0; i < 6; i += 1) shipper.write(line(`r${i}`));
    const flushes = [shipper.flush(), shipper.flush(), shipper.flush()];
    for (let answered = 0; answered < 3; answered += 1) {
      await until(() => http.calls.length === answered + 1);
      http.calls[answered]?.answer(200);
    }
    await Promise.all(flushes);
    assert.equal(http.maxActive(), 1);
    assert.deepEqual(
      http.calls.flatMap((call) => call.messages),
      ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'],
    );
    assert.equal(shipper.stats().shipped, 6);
  });

  it('backs off exponentially up to 60 s while helm fails, and sends nothing meanwhile', async () => {
    let calls = 0;
    const fetch = (() => {
      calls += 1;
      return Promise.reject(new TypeError('fetch failed'));
    }) as typeof globalThis.fetch;
    const { shipper, timers } = shipperWith({ fetch, batchSize: 2, flushIntervalMs: 2000 });
    shipper.write(line('a'));
    shipper.write(line('b'));
    await until(() => shipper.stats().failedBatches === 1);
    assert.equal(timers.pending().length, 1);
    assert.equal(timers.pending()[0]?.ms, 2000);

    // A full batch while backing off does not trigger a send.
    shipper.write(line('c'));
    shipper.write(line('d'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(calls, 1);

    const delays: number[] = [];
    for (let attempt = 2; attempt <= 8; attempt += 1) {
      timers.fire();
      await until(() => shipper.stats().failedBatches === attempt && timers.pending().length === 1);
      delays.push(timers.pending()[0]?.ms ?? 0);
    }
    assert.deepEqual(delays, [4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    assert.equal(calls, 8, 'one request per attempt: the batch fails and the attempt stops');
    assert.equal(shipper.stats().queued, 4);
  });

  it('never throws from write, even when fetch and getToken throw', async () => {
    const errors: unknown[] = [];
    const { shipper } = shipperWith({
      batchSize: 1,
      fetch: () => {
        throw new Error('sync explosion');
      },
      onError: (error) => {
        errors.push(error);
        throw new Error('a broken reporter is ignored too');
      },
    });
    assert.doesNotThrow(() => shipper.write(line('x')));
    await until(() => shipper.stats().failedBatches === 1);

    const { shipper: noToken } = shipperWith({ batchSize: 1, getToken: () => Promise.reject(new Error('core down')) });
    assert.doesNotThrow(() => noToken.write(line('y')));
    await until(() => noToken.stats().failedBatches === 1);
    assert.equal(noToken.stats().queued, 1);
    assert.equal((errors[0] as Error).message, 'sync explosion');
  });
});

describe('helm entries', () => {
  it("maps pino levels, numbers and labels, to helm's names", () => {
    const cases: [unknown, string][] = [
      [10, 'DEBUG'],
      [20, 'DEBUG'],
      [30, 'INFO'],
      [40, 'WARNING'],
      [50, 'ERROR'],
      [60, 'CRITICAL'],
      ['trace', 'DEBUG'],
      ['debug', 'DEBUG'],
      ['info', 'INFO'],
      ['warn', 'WARNING'],
      ['error', 'ERROR'],
      ['fatal', 'CRITICAL'],
      [undefined, 'INFO'],
    ];
    for (const [level, expected] of cases) assert.equal(helmLevel(level), expected, String(level));
  });

  it('builds the entry from a record, leaving pino internals out of the context', () => {
    const entry = toHelmEntry(
      JSON.stringify({
        level: 50,
        time: Date.UTC(2026, 0, 1),
        pid: 1,
        hostname: 'h',
        service: 's',
        msg: 'x',
        correlation_id: 'c',
        user_id: 7,
        path: '/a',
      }),
    );
    assert.deepEqual(entry, {
      level: 'ERROR',
      message: 'x',
      timestamp: '2026-01-01T00:00:00.000Z',
      context: { path: '/a' },
      trace_id: 'c',
      user_id: '7',
    });
    const fromError = toHelmEntry(JSON.stringify({ level: 'error', err: { message: 'boom' } }), () => 0);
    assert.equal(fromError?.message, 'boom');
    assert.equal(fromError?.timestamp, '1970-01-01T00:00:00.000Z');
    assert.equal(toHelmEntry('{oops'), undefined);
    assert.equal(toHelmEntry('"a string"'), undefined);
  });
});
