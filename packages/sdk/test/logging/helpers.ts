/**
 * Test doubles for the logging tests: a stream that keeps what it is given, timers fired by hand,
 * and a fake helm (a real HTTP server on port 0) that records what it receives.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A pino destination that keeps each written line, parsed. */
export function captureStream(): { write(line: string): void; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  return {
    records,
    write(line: string) {
      for (const part of line.split('\n'))
        if (part.trim() !== '') records.push(JSON.parse(part) as Record<string, unknown>);
    },
  };
}

interface PendingTimer {
  callback: () => void;
  ms: number;
  cleared: boolean;
}

/** `setTimer`/`clearTimer` whose timers only run when the test fires them. */
export function fakeTimers() {
  const all: PendingTimer[] = [];
  return {
    all,
    setTimer: (callback: () => void, ms: number): unknown => {
      const timer = { callback, ms, cleared: false };
      all.push(timer);
      return timer;
    },
    clearTimer: (handle: unknown): void => {
      (handle as PendingTimer).cleared = true;
    },
    pending: (): PendingTimer[] => all.filter((timer) => !timer.cleared),
    /** Runs the one pending timer (fails the test if there is not exactly one). */
    fire(): number {
      const pending = all.filter((timer) => !timer.cleared);
      if (pending.length !== 1) throw new Error(`expected one pending timer, found ${pending.length}`);
      const [timer] = pending as [PendingTimer];
      timer.cleared = true;
      timer.callback();
      return timer.ms;
    },
  };
}

export interface HelmRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: { service_name: string; logs: Record<string, unknown>[] };
}

/** What the fake helm does with a request: answer a status, or hold it open forever. */
export type HelmBehaviour = (request: HelmRequest) => number | 'hang';

/** A fake helm on a real port; `next()` resolves with the next request it receives. */
export async function startFakeHelm(behaviour: HelmBehaviour = () => 200, port = 0) {
  const requests: HelmRequest[] = [];
  const waiters: ((request: HelmRequest) => void)[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: HelmRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as HelmRequest['body'],
      };
      requests.push(request);
      const answer = behaviour(request);
      if (answer === 'hang') hanging.push(res);
      else res.writeHead(answer, { 'content-type': 'application/json' }).end('{"success":true}');
      const waiter = waiters.shift();
      if (waiter) waiter(request);
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  let seen = 0;
  return {
    requests,
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    /** The next request not yet returned by `next()`. */
    next(): Promise<HelmRequest> {
      const request = requests[seen];
      if (request !== undefined) {
        seen += 1;
        return Promise.resolve(request);
      }
      return new Promise((resolve) => {
        waiters.push((received) => {
          seen += 1;
          resolve(received);
        });
      });
    },
    async close(): Promise<void> {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (taken from port 0, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves when `predicate` holds, checking after each turn of the event loop (no fixed sleeps). */
export async function until(predicate: () => boolean, limit = 2000): Promise<void> {
  for (let turn = 0; turn < limit; turn += 1) {
    if (predicate()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}
