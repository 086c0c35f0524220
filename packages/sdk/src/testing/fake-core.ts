/**
 * A small stand-in for core on 127.0.0.1, port 0: its JWKS, `POST /service-token` and the
 * revocation feed (catch-up and SSE stream, contract in `auth/revocation.ts`). Tests of services
 * and of the SDK use it to exercise real HTTP, real tokens and real reconnections.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { createCoreKeySet } from '../auth/key-set.js';
import { createTokenVerifier } from '../auth/verify.js';
import type { TestKeys } from './keys.js';

/** Options of `startFakeCore`. */
export interface FakeCoreOptions {
  /** Keys core signs with (and publishes). */
  keys: TestKeys;
  /** Each service's secret for `POST /service-token`. */
  serviceSecrets: Record<string, string>;
  /** Target services core mints tokens for; any target when absent. */
  services?: string[];
  /** Interval of `: ping` comments on streams (core's is 15 s). */
  heartbeatMs?: number;
}

/** A running fake core. */
export interface FakeCore {
  url: string;
  keys: TestKeys;
  /** Publishes a revocation (exp in unix seconds, default an hour ahead); returns its seq. */
  revoke(jti: string, exp?: number): number;
  /** Abruptly closes every open revocation stream. */
  dropConnections(): void;
  /**
   * Takes the revocation feed down (streams closed, catch-ups and new streams answer 503) or
   * brings it back. Revocations made meanwhile are kept and replayed on reconnection.
   */
  setFeedDown(down: boolean): void;
  /** Makes `POST /api/token/validate` answer 503 (core unreachable for confirmations). */
  setValidateDown(down: boolean): void;
  /** Requests to `POST /api/token/validate` so far. */
  readonly validateRequests: number;
  /** Replaces the published JWKS (to simulate key rotation). */
  setJwks(jwks: JSONWebKeySet): void;
  /** Resolves once `count` revocation streams have been opened in total. */
  waitForStreams(count: number): Promise<void>;
  close(): Promise<void>;
  /** Requests to `POST /service-token` so far (accepted or not). */
  readonly tokenRequests: number;
  readonly jwksRequests: number;
  /** The `since` of each catch-up request, in order. */
  readonly catchUpSinces: readonly number[];
  readonly streamsOpened: number;
}

interface Revocation {
  seq: number;
  jti: string;
  exp: number;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, code: string): void {
  sendJson(res, status, { type: 'about:blank', title: code, status, code });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function eventText(entry: Revocation): string {
  return `id: ${entry.seq}\nevent: revoked\ndata: ${JSON.stringify({ jti: entry.jti, exp: entry.exp })}\n\n`;
}

/** Starts a fake core; `close()` it at the end of the test. */
export async function startFakeCore(options: FakeCoreOptions): Promise<FakeCore> {
  const { keys, serviceSecrets } = options;
  const verifier = createTokenVerifier({ keySet: createCoreKeySet({ jwks: keys.jwks }), serviceName: 'core' });
  const revocations: Revocation[] = [];
  const streams = new Set<ServerResponse>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const catchUpSinces: number[] = [];
  let jwks = keys.jwks;
  let seq = 0;
  let tokenRequests = 0;
  let jwksRequests = 0;
  let streamsOpened = 0;
  let feedDown = false;
  let validateDown = false;
  let validateRequests = 0;

  async function isServiceCall(req: IncomingMessage): Promise<boolean> {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) return false;
    try {
      return (await verifier.verify(token)).kind === 'service';
    } catch {
      return false;
    }
  }

  async function serviceToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    tokenRequests += 1;
    const body = await readJson(req);
    const secret = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const { calling_service: calling, target_service: target } = (body ?? {}) as Record<string, unknown>;
    if (typeof calling !== 'string' || typeof target !== 'string') return problem(res, 400, 'validation_failed');
    const expected = serviceSecrets[calling];
    if (expected === undefined || !sameSecret(secret, expected)) return problem(res, 401, 'unauthorized');
    if (options.services !== undefined && !options.services.includes(target)) return problem(res, 404, 'not_found');
    sendJson(res, 200, { token: await keys.mintServiceToken(calling, target) });
  }

  function openStream(req: IncomingMessage, res: ServerResponse): void {
    const lastId = Number(req.headers['last-event-id'] ?? 0);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': connected\n\n');
    for (const entry of revocations) if (entry.seq > lastId) res.write(eventText(entry));
    const ping = setInterval(() => res.write(': ping\n\n'), options.heartbeatMs ?? 15_000);
    streams.add(res);
    res.on('close', () => {
      clearInterval(ping);
      streams.delete(res);
    });
    streamsOpened += 1;
    for (const waiter of waiters.splice(0)) {
      if (streamsOpened >= waiter.count) waiter.resolve();
      else waiters.push(waiter);
    }
  }

  /** Core's answer: `{valid: true, claims}` or `{valid: false, reason}` (revoked: in the log). */
  async function validate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    validateRequests += 1;
    const body = await readJson(req);
    if (validateDown) return problem(res, 503, 'service_unavailable');
    const token = (body ?? {}) as Record<string, unknown>;
    if (typeof token['token'] !== 'string') return problem(res, 400, 'validation_failed');
    try {
      const principal = await verifier.verify(token['token']);
      if (principal.kind !== 'user') return sendJson(res, 200, { valid: false, reason: 'invalid' });
      if (revocations.some((entry) => entry.jti === principal.user.jti))
        return sendJson(res, 200, { valid: false, reason: 'revoked' });
      return sendJson(res, 200, { valid: true, claims: principal.user });
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
      return sendJson(res, 200, { valid: false, reason: code === 'token_expired' ? 'expired' : 'invalid' });
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://core.invalid');
    if (req.method === 'GET' && url.pathname === '/.well-known/jwks.json') {
      jwksRequests += 1;
      return sendJson(res, 200, jwks);
    }
    if (req.method === 'POST' && url.pathname === '/service-token') return serviceToken(req, res);
    if (req.method === 'POST' && url.pathname === '/api/token/validate') return validate(req, res);
    if (req.method === 'GET' && url.pathname.startsWith('/api/revocations')) {
      if (!(await isServiceCall(req))) return problem(res, 401, 'unauthorized');
      if (feedDown) return problem(res, 503, 'service_unavailable');
      if (url.pathname === '/api/revocations/stream') return openStream(req, res);
      if (url.pathname === '/api/revocations') {
        const since = Number(url.searchParams.get('since') ?? 0);
        catchUpSinces.push(since);
        const live = revocations.filter((entry) => entry.seq > since && entry.exp * 1000 > Date.now());
        return sendJson(res, 200, { seq, revocations: live });
      }
    }
    problem(res, 404, 'not_found');
  }

  const server = createServer((req, res) => {
    route(req, res).catch(() => {
      if (!res.headersSent) problem(res, 500, 'internal');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function dropConnections(): void {
    for (const res of streams) res.destroy();
    streams.clear();
  }

  return {
    url: `http://127.0.0.1:${port}`,
    keys,
    revoke(jti, exp = Math.floor(Date.now() / 1000) + 3600) {
      seq += 1;
      const entry = { seq, jti, exp };
      revocations.push(entry);
      for (const res of streams) res.write(eventText(entry));
      return seq;
    },
    dropConnections,
    setFeedDown(down) {
      feedDown = down;
      if (down) dropConnections();
    },
    setValidateDown(down) {
      validateDown = down;
    },
    get validateRequests() {
      return validateRequests;
    },
    setJwks(next) {
      jwks = next;
    },
    waitForStreams(count) {
      if (streamsOpened >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async close() {
      dropConnections();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    get tokenRequests() {
      return tokenRequests;
    },
    get jwksRequests() {
      return jwksRequests;
    },
    get catchUpSinces() {
      return catchUpSinces;
    },
    get streamsOpened() {
      return streamsOpened;
    },
  };
}
