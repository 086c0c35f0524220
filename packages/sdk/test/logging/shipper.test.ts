import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../../src/logging/logger.js';
import { createLogDestination, createLogShipper, type LogShipperOptions } from '../../src/logging/shipper.js';
import { captureStream, closedPort, fakeTimers, startFakeHelm, until } from './helpers.js';

const NOW = Date.UTC(2026, 3, 1, 12, 0, 0, 0);

function line(msg: string, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ level: 30, time: new Date(NOW).toISOString(), service: 'codex', msg, ...extra })}\n`;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function shipperFor(helmUrl: string, overrides: Partial<LogShipperOptions> = {}) {
  const timers = fakeTimers();
  const shipper = createLogShipper({
    service: 'codex',
    helmUrl,
    getToken: () => Promise.resolve('tok-1'),
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    ...overrides,
  });
  cleanups.push(() => shipper.close());
  return { shipper, timers };
}

async function helm(...args: Parameters<typeof startFakeHelm>) {
  const server = await startFakeHelm(...args);
  cleanups.push(() => server.close());
  return server;
}

describe('log shipper against a fake helm', () => {
  it("ships records from a pino logger in helm's shape with the bearer token", async () => {
    const server = await helm();
    const { shipper } = shipperFor(`${server.url}/`);
    const stdout = captureStream();
    const logger = createLogger({
      service: 'codex',
      level: 'debug',
      destination: createLogDestination(shipper, stdout),
      now: () => NOW,
    });
    logger.info({ correlation_id: 'c-1', user_id: 'u-7', company: 42 }, 'company synced');
    logger.debug('stdout only');
    logger.warn({ err: new Error('slow') }, 'sync slow');
    await shipper.flush();

    assert.equal(stdout.records.length, 3, 'stdout gets every record');
    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.ok(request);
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/api/logs/ingest');
    assert.equal(request.headers.authorization, 'Bearer tok-1');
    assert.match(request.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(request.body.service_name, 'codex');
    const [info, warning] = request.body.logs;
    assert.deepEqual(info, {
      level: 'INFO',
      message: 'company synced',
      timestamp: '2026-04-01T12:00:00.000Z',
      context: { company: 42 },
      trace_id: 'c-1',
      user_id: 'u-7',
    });
    assert.equal(request.body.logs.length, 2);
    assert.equal(warning?.level, 'WARNING');
    assert.equal(warning?.message, 'sync slow');
    assert.equal(warning?.trace_id, null);
    assert.equal(warning?.user_id, null);
    const err = (warning?.context as { err: { type: string; message: string; stack: string } }).err;
    assert.deepEqual([err.type, err.message], ['Error', 'slow']);
    assert.match(err.stack, /shipper\.test\.ts/);
    assert.deepEqual(shipper.stats(), { queued: 0, shipped: 2, dropped: 0, failedBatches: 0 });
  });

  it('sends a batch when it is full, and the rest when the timer fires', async () => {
    const server = await helm();
    const { shipper, timers } = shipperFor(server.url, { batchSize: 3, flushIntervalMs: 1500 });
    shipper.write(line('a'));
    assert.equal(timers.pending().length, 1);
    assert.equal(timers.pending()[0]?.ms, 1500);
    shipper.write(line('b'));
    shipper.write(line('c'));
    const full = await server.next();
    assert.deepEqual(
      full.body.logs.map((log) => log.message),
      ['a', 'b', 'c'],
    );

    await shipper.flush(); // let the full batch's answer arrive; nothing else is queued
    shipper.write(line('d'));
    assert.equal(server.requests.length, 1, 'one record waits for the timer');
    assert.equal(timers.fire(), 1500);
    const second = await server.next();
    assert.deepEqual(
      second.body.logs.map((log) => log.message),
      ['d'],
    );
    assert.equal(server.requests.length, 2);
  });

  it('ships a lone record when the interval timer fires', async () => {
    const server = await helm();
    const { shipper, timers } = shipperFor(server.url, { batchSize: 10 });
    shipper.write(line('lonely'));
    assert.equal(server.requests.length, 0);
    assert.equal(timers.fire(), 2000);
    const request = await server.next();
    assert.deepEqual(
      request.body.logs.map((log) => log.message),
      ['lonely'],
    );
  });

  it('keeps records while helm is down and ships them when it is back', async () => {
    const port = await closedPort();
    const errors: unknown[] = [];
    const { shipper, timers } = shipperFor(`http://127.0.0.1:${port}`, { onError: (error) => errors.push(error) });
    shipper.write(line('one'));
    shipper.write(line('two'));
    await shipper.flush(); // connection refused: must resolve, not throw
    assert.deepEqual(shipper.stats(), { queued: 2, shipped: 0, dropped: 0, failedBatches: 1 });
    assert.equal(errors.length, 1);
    assert.equal(timers.pending().length, 1, 'a retry is scheduled');

    const server = await helm(() => 200, port);
    timers.fire();
    const request = await server.next();
    assert.deepEqual(
      request.body.logs.map((log) => log.message),
      ['one', 'two'],
    );
    await shipper.flush();
    assert.deepEqual(shipper.stats(), { queued: 0, shipped: 2, dropped: 0, failedBatches: 1 });
  });

  it('keeps a batch helm refuses with 500 and sends it again at the next flush', async () => {
    let calls = 0;
    const server = await helm(() => (++calls === 1 ? 500 : 200));
    const { shipper } = shipperFor(server.url);
    shipper.write(line('retry me'));
    await shipper.flush();
    assert.equal(shipper.stats().failedBatches, 1);
    assert.equal(shipper.stats().queued, 1);
    await shipper.flush();
    assert.equal(server.requests.length, 2);
    assert.deepEqual(
      server.requests[1]?.body.logs.map((log) => log.message),
      ['retry me'],
    );
    assert.equal(shipper.stats().shipped, 1);
  });

  it('on 401 invalidates the token and retries the batch once with a fresh one', async () => {
    const server = await helm((request) => (request.headers.authorization === 'Bearer tok-1' ? 401 : 200));
    let generation = 1;
    let invalidated = 0;
    const { shipper } = shipperFor(server.url, {
      getToken: () => Promise.resolve(`tok-${generation}`),
      invalidateToken: () => {
        invalidated += 1;
        generation += 1;
      },
    });
    shipper.write(line('needs a fresh token'));
    await shipper.flush();
    assert.deepEqual(
      server.requests.map((request) => request.headers.authorization),
      ['Bearer tok-1', 'Bearer tok-2'],
    );
    assert.equal(invalidated, 1);
    assert.deepEqual(shipper.stats(), { queued: 0, shipped: 1, dropped: 0, failedBatches: 0 });
  });

  it('retries a 401 only once', async () => {
    const server = await helm(() => 401);
    let invalidated = 0;
    const { shipper } = shipperFor(server.url, { invalidateToken: () => void (invalidated += 1) });
    shipper.write(line('x'));
    await shipper.flush();
    assert.equal(server.requests.length, 2);
    assert.equal(invalidated, 1);
    assert.deepEqual(shipper.stats(), { queued: 1, shipped: 0, dropped: 0, failedBatches: 1 });
  });

  it('times out a helm that never answers, while write still returns at once', async () => {
    const server = await helm(() => 'hang');
    let failed!: (error: unknown) => void;
    const failure = new Promise<unknown>((resolve) => (failed = resolve));
    // A write that waited for helm would take the whole timeout; the bound leaves room for a loaded machine.
    const { shipper } = shipperFor(server.url, { batchSize: 1, timeoutMs: 1000, onError: (error) => failed(error) });
    const started = performance.now();
    shipper.write(line('into the void'));
    shipper.write(line('and another'));
    assert.ok(performance.now() - started < 500, 'write does not wait for helm');
    await server.next();
    const error = await failure;
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'TimeoutError');
    await until(() => shipper.stats().failedBatches === 1);
    assert.equal(shipper.stats().queued, 2, 'both records are kept');
  });

  it('drops unparsable lines and counts them', async () => {
    const server = await helm();
    const { shipper } = shipperFor(server.url);
    shipper.write('not json\n');
    shipper.write('[1,2,3]\n');
    shipper.write(line('fine'));
    await shipper.flush();
    assert.deepEqual(
      server.requests[0]?.body.logs.map((log) => log.message),
      ['fine'],
    );
    assert.deepEqual(shipper.stats(), { queued: 0, shipped: 1, dropped: 2, failedBatches: 0 });
  });

  it('close() ships what is left, stops the timer and drops later writes', async () => {
    const server = await helm();
    const { shipper, timers } = shipperFor(server.url);
    shipper.write(line('last words'));
    assert.equal(timers.pending().length, 1);
    await shipper.close();
    assert.equal(timers.pending().length, 0);
    assert.deepEqual(
      server.requests[0]?.body.logs.map((log) => log.message),
      ['last words'],
    );
    shipper.write(line('too late'));
    assert.deepEqual(shipper.stats(), { queued: 0, shipped: 1, dropped: 1, failedBatches: 0 });
    assert.equal(server.requests.length, 1);
  });
});
