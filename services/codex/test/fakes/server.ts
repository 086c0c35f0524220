/** A tiny HTTP server on port 0 for fake vendors: one handler, a log of requests, fault injection. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
}

/** A fault to serve instead of the normal answer for requests matching `match`. */
export interface Fault {
  match: (request: FakeRequest) => boolean;
  /** How many times it fires; Infinity for "always". */
  times: number;
  response: FakeResponse;
}

export interface FakeServer {
  url: string;
  /** Every request served, as `METHOD /path?query`. */
  log: string[];
  /** Faults are consumed in order of registration. */
  faults: Fault[];
  /** Runs before every answer; a test can hold requests until it says so. */
  gate: (() => Promise<void>) | undefined;
  close(): Promise<void>;
}

/** Starts a server answering with `handle`. */
export async function startFakeServer(
  handle: (request: FakeRequest, self: FakeServer) => FakeResponse,
): Promise<FakeServer> {
  const self: FakeServer = { url: '', log: [], faults: [], gate: undefined, close: async () => undefined };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      self.log.push(`${request.method} ${url.pathname}${url.search}`);
      void (self.gate ?? (async () => undefined))().then(() => {
        const fault = self.faults.find((entry) => entry.times > 0 && entry.match(request));
        let answer: FakeResponse;
        if (fault !== undefined) {
          fault.times -= 1;
          answer = fault.response;
        } else {
          try {
            answer = handle(request, self);
          } catch (error) {
            answer = { status: 500, json: { error: error instanceof Error ? error.message : String(error) } };
          }
        }
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.json === undefined ? '' : JSON.stringify(answer.json));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  self.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  self.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return self;
}

/** A page of `items` (1-based `page`, `size` per page). */
export function pageOf<T>(items: readonly T[], page: number, size: number): { items: T[]; hasMore: boolean } {
  const start = (page - 1) * size;
  return { items: items.slice(start, start + size), hasMore: start + size < items.length };
}
