/**
 * Ships log records to helm's `POST /api/logs/ingest` in batches, as a pino destination.
 *
 * Logging must never hurt the service: `write` only queues (it never throws, never waits on the
 * network), the queue is bounded (the oldest records give way), a failed batch is kept and retried
 * with exponential backoff so a down helm is not hammered, and the shipper reports its own
 * failures through `onError` and `stats()`, never through the logger it feeds (that would loop).
 * The original shipper dropped every failed batch and lost what was queued at exit; this one
 * retries and flushes on `close()`.
 */
import { pino, type DestinationStream, type StreamEntry } from 'pino';

import { exponentialDelay } from '../retry.js';
import { toHelmEntry, type HelmLogEntry } from './helm-entry.js';

export interface LogShipperOptions {
  /** This service's name, sent as `service_name`. */
  service: string;
  /** Helm's base URL. */
  helmUrl: string;
  /** A service token for helm (the service client caches it). */
  getToken: () => Promise<string>;
  /** Forgets the cached token; called when helm answers 401, before the one retry. */
  invalidateToken?: () => void | Promise<void>;
  fetch?: typeof globalThis.fetch;
  /** Records per request; reaching it triggers a flush. Default 50. */
  batchSize?: number;
  /** Longest a record waits before a flush. Default 2000 ms. */
  flushIntervalMs?: number;
  /** Records held at most; beyond it the oldest are dropped. Default 5000. */
  maxQueue?: number;
  /** Longest one attempt (token + request) may take. Default 5000 ms. */
  timeoutMs?: number;
  /** Longest wait between retries while helm fails. Default 60 000 ms. */
  maxBackoffMs?: number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Clock for records without a `time`. */
  now?: () => number;
  /** Told about each failed batch; must not log through this shipper. Default: nothing. */
  onError?: (error: unknown) => void;
}

export interface LogShipperStats {
  /** Records waiting, including a batch being sent. */
  queued: number;
  shipped: number;
  /** Records lost: queue overflow, no room to put a failed batch back, unparsable, after close. */
  dropped: number;
  failedBatches: number;
}

export interface LogShipper {
  /** pino destination write: queues the line(s); never throws, never waits. */
  write(line: string): void;
  /** Ships what is queued now (ignores the backoff; a failure keeps the records). */
  flush(): Promise<void>;
  /** Stops the timer and makes a final flush; later writes are dropped. */
  close(): Promise<void>;
  stats(): LogShipperStats;
}
/** Rejects when the signal aborts first (a token fetch that hangs must not block shipping). */
function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = new Promise<never>((_resolve, reject) => {
    const fail = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('timed out'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
  return Promise.race([promise, aborted]);
}

/** Creates a shipper; give it to `createLogDestination`, and `close()` it at shutdown. */
export function createLogShipper(options: LogShipperOptions): LogShipper {
  const url = `${options.helmUrl.replace(/\/+$/, '')}/api/logs/ingest`;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const batchSize = Math.max(1, options.batchSize ?? 50);
  const flushIntervalMs = options.flushIntervalMs ?? 2000;
  const maxQueue = Math.max(1, options.maxQueue ?? 5000);
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const backoff = exponentialDelay(Math.max(flushIntervalMs, 1000), maxBackoffMs);
  const setTimer =
    options.setTimer ??
    ((callback: () => void, ms: number): unknown => {
      // A pending flush must not keep a finished process alive; close() does the last flush.
      const handle = setTimeout(callback, ms);
      handle.unref();
      return handle;
    });
  const clearTimer = options.clearTimer ?? ((handle: unknown) => clearTimeout(handle as NodeJS.Timeout));
  const now = options.now ?? Date.now;

  const queue: string[] = [];
  let sending = 0;
  let shipped = 0;
  let dropped = 0;
  let failedBatches = 0;
  let failures = 0;
  let lastFlushFailed = false;
  let backingOff = false;
  let closed = false;
  let closing: Promise<void> | undefined;
  let timer: unknown;
  let inFlight: Promise<void> | undefined;

  const report = (error: unknown): void => {
    try {
      options.onError?.(error);
    } catch {
      // A failing error reporter must not break shipping.
    }
  };

  function cancelTimer(): void {
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
  }

  function schedule(delay: number): void {
    if (timer !== undefined || closed) return;
    timer = setTimer(() => {
      timer = undefined;
      backingOff = false;
      void startFlush();
    }, delay);
  }

  async function post(body: string): Promise<number> {
    const signal = AbortSignal.timeout(timeoutMs);
    const token = await raceSignal(options.getToken(), signal);
    const response = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
      signal,
    });
    // Release the connection; helm's answer body carries nothing we need.
    await response.body?.cancel().catch(() => undefined);
    return response.status;
  }

  async function send(entries: HelmLogEntry[]): Promise<boolean> {
    const body = JSON.stringify({ service_name: options.service, logs: entries });
    try {
      let status = await post(body);
      if (status === 401) {
        // The cached token expired or was minted before a key rotation: one retry with a new one.
        await options.invalidateToken?.();
        status = await post(body);
      }
      if (status >= 200 && status < 300) return true;
      report(new Error(`helm answered ${status} to ${url}`));
    } catch (error) {
      report(error);
    }
    return false;
  }

  /** Puts a failed batch back at the front, keeping its newest records when room is short. */
  function requeue(lines: string[]): void {
    const room = maxQueue - queue.length;
    const kept = room >= lines.length ? lines : lines.slice(lines.length - Math.max(0, room));
    dropped += lines.length - kept.length;
    queue.unshift(...kept);
  }

  async function drain(): Promise<void> {
    lastFlushFailed = false;
    // Only what is queued now: under steady logging a flush must still end.
    let budget = queue.length;
    while (budget > 0 && queue.length > 0) {
      const lines = queue.splice(0, Math.min(batchSize, budget));
      budget -= lines.length;
      const kept: string[] = [];
      const entries: HelmLogEntry[] = [];
      for (const line of lines) {
        const entry = toHelmEntry(line, now);
        if (entry === undefined) {
          dropped += 1;
        } else {
          kept.push(line);
          entries.push(entry);
        }
      }
      if (entries.length === 0) continue;
      sending = entries.length;
      const ok = await send(entries);
      sending = 0;
      if (ok) {
        shipped += entries.length;
        failures = 0;
      } else {
        failedBatches += 1;
        failures += 1;
        requeue(kept);
        lastFlushFailed = true;
        return;
      }
    }
  }

  function afterFlush(): void {
    if (closed) return;
    if (lastFlushFailed) {
      cancelTimer();
      backingOff = true;
      // Not `retry()`: the shipper keeps queueing while it waits, and a flush that gets through ends the wait.
      schedule(backoff(failures));
      return;
    }
    if (backingOff) {
      // An explicit flush got through: helm is back, so stop waiting out the backoff.
      cancelTimer();
      backingOff = false;
    }
    if (queue.length >= batchSize) void startFlush();
    else if (queue.length > 0) schedule(flushIntervalMs);
  }

  function startFlush(): Promise<void> {
    if (inFlight !== undefined) return inFlight;
    const run = drain()
      .catch(report)
      .finally(() => {
        inFlight = undefined;
        try {
          afterFlush();
        } catch (error) {
          report(error);
        }
      });
    inFlight = run;
    return run;
  }

  return {
    write(chunk: string): void {
      try {
        // pino writes one record per call, but a raw writer might hand over several lines.
        const lines = chunk.split('\n').filter((line) => line.trim() !== '');
        if (closed) {
          dropped += lines.length;
          return;
        }
        queue.push(...lines);
        if (queue.length > maxQueue) dropped += queue.splice(0, queue.length - maxQueue).length;
        if (queue.length >= batchSize && !backingOff && inFlight === undefined) void startFlush();
        else schedule(flushIntervalMs);
      } catch (error) {
        report(error);
      }
    },
    async flush(): Promise<void> {
      if (inFlight !== undefined) await inFlight;
      await startFlush();
    },
    close(): Promise<void> {
      if (closing !== undefined) return closing;
      closed = true;
      cancelTimer();
      closing = (async () => {
        if (inFlight !== undefined) await inFlight;
        await startFlush();
      })();
      return closing;
    },
    stats: () => ({ queued: queue.length + sending, shipped, dropped, failedBatches }),
  };
}

/**
 * The destination for `createLogger`: every record to stdout (the logger's level decides), and
 * records at info and above to the shipper when there is one (no helm URL means no shipping).
 */
export function createLogDestination(
  shipper: LogShipper | undefined,
  stdout: DestinationStream = pino.destination(1),
): DestinationStream {
  const streams: StreamEntry[] = [{ level: 'trace', stream: stdout }];
  if (shipper !== undefined) streams.push({ level: 'info', stream: { write: (line: string) => shipper.write(line) } });
  return pino.multistream(streams);
}
