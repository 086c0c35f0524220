/**
 * A service behind the gateway for tests: echoes what it received (method, URL, headers, body
 * size and hash, read as a stream), serves pages and fragments, streams large downloads and
 * Server-Sent Events released by the test, never answers on `/hang`, and echoes WebSocket
 * messages (the `ws` package) on `/ws`.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/** What `/echo` answers. */
export interface Echo {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
  sha256: string;
}

/** A running upstream. */
export interface Upstream {
  url: string;
  /** Sends the next SSE event to every open `/sse` stream. */
  sseSend(data: string): void;
  /** Resolves once `count` (default 1) SSE streams are open at the same time. */
  sseOpened(count?: number): Promise<void>;
  /** The request headers of every `/sse` stream opened so far. */
  sseRequests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** Deterministic bytes: chunk `i` of 64 KiB is filled with `i % 251`. */
export function patternChunk(index: number, size = 65_536): Buffer {
  return Buffer.alloc(size, index % 251);
}

async function drain(request: IncomingMessage): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of request) {
    bytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Starts the upstream on 127.0.0.1, port 0. */
export async function startUpstream(): Promise<Upstream> {
  const sseStreams = new Set<ServerResponse>();
  const sseRequests: IncomingHttpHeaders[] = [];
  let sseWaiters: { count: number; resolve: () => void }[] = [];

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://upstream.invalid');
    switch (url.pathname) {
      case '/':
      case '/echo':
      case '/display':
      case '/display/tv':
      case '/upload': {
        const body = await drain(request);
        const echo: Echo = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, ...body };
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(echo));
        return;
      }
      case '/json':
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' }).end('{"ok":true}');
        return;
      case '/page':
      case '/display/page':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(
          '<!DOCTYPE html><html lang="en"><head><title>Upstream page</title></head><body><h1>Hello from upstream</h1></body></html>',
        );
        return;
      case '/fragment':
        response
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end('<div class="card">just a fragment</div>');
        return;
      case '/cookies':
        response
          .writeHead(200, {
            'content-type': 'application/json',
            'set-cookie': ['__Host-hm_session=stolen; Path=/; Secure', 'svc_pref=1; Path=/echo-svc; HttpOnly'],
          })
          .end('{}');
        return;
      case '/download': {
        const chunks = Number(url.searchParams.get('chunks') ?? '1');
        response.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': String(chunks * 65_536),
        });
        let index = 0;
        const pump = (): void => {
          while (index < chunks) {
            const ok = response.write(patternChunk(index));
            index += 1;
            if (!ok) {
              response.once('drain', pump);
              return;
            }
          }
          response.end();
        };
        pump();
        return;
      }
      case '/sse':
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        response.write(': open\n\n');
        sseRequests.push(request.headers);
        sseStreams.add(response);
        response.on('close', () => sseStreams.delete(response));
        for (const waiter of sseWaiters) if (sseStreams.size >= waiter.count) waiter.resolve();
        sseWaiters = sseWaiters.filter((waiter) => sseStreams.size < waiter.count);
        return;
      case '/hang':
        return; // never answers
      default:
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    }
  }

  const server = createServer((request, response) => {
    route(request, response).catch(() => response.destroy());
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    if (!(request.url ?? '').startsWith('/ws')) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.send(
        JSON.stringify({
          hello: true,
          authorization: request.headers.authorization ?? null,
          cookie: request.headers.cookie ?? null,
          prefix: request.headers['x-forwarded-prefix'] ?? null,
        }),
      );
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    sseSend(data) {
      for (const stream of sseStreams) stream.write(`data: ${data}\n\n`);
    },
    sseRequests,
    sseOpened(count = 1) {
      if (sseStreams.size >= count) return Promise.resolve();
      return new Promise((resolve) => sseWaiters.push({ count, resolve }));
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
