/**
 * Consumer of core's revocation feed: a local set of revoked token ids, kept current within a
 * second, so no request needs a call to core to learn that a session was ended (DESIGN.md §3).
 *
 * The contract core implements (producer side):
 *
 * - `GET {coreUrl}/api/revocations?since=<seq>` (catch-up) answers
 *   `{ "seq": <latest seq>, "revocations": [{ "seq": n, "jti": "…", "exp": <unix seconds> }] }`
 *   with every revocation whose seq is greater than `since` and whose token has not expired yet.
 *   `seq` is a positive integer, strictly increasing per revocation, and must survive core restarts
 *   when revocations do (it lives in the same store). A consumer that sees `seq` lower than its own
 *   assumes the store was reset and catches up again from 0.
 * - `GET {coreUrl}/api/revocations/stream` is Server-Sent Events (text/event-stream). Each
 *   revocation is `id: <seq>\nevent: revoked\ndata: {"jti":"…","exp":…}\n\n`; a comment
 *   `: ping\n\n` every 15 s is the heartbeat. A consumer reconnecting with `Last-Event-ID: <seq>`
 *   first receives every revocation after that seq (replay), then live ones.
 * - Both are authenticated with a service token whose target is `core`
 *   (`Authorization: Bearer <token>`); 401 otherwise.
 *
 * The consumer catches up with `since` before every (re)connection, then streams; after an error,
 * a closed stream or a silent one (no byte for `heartbeatTimeoutMs`) it reconnects with backoff.
 * Entries are kept until their token expires (plus the verifiers' clock tolerance), then pruned.
 *
 * The feed also reports its own state (`status()`): whether it has caught up once, and since when
 * it has been out of touch with core. `auth/revocation-policy.ts` turns that into what a verifier
 * accepts, so a feed that is down never fails open.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

/** The subset of a pino logger the feed uses. */
export interface FeedLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/** Options of `createRevocationFeed`. */
export interface RevocationFeedOptions {
  coreUrl: string;
  /** A service token for target `core` (usually `serviceClient.getServiceToken('core')`). */
  getToken: () => Promise<string>;
  /** Called when core answers 401, so the next `getToken` fetches a fresh token. */
  invalidateToken?: () => void;
  fetch?: typeof globalThis.fetch;
  /** Clock in milliseconds, for pruning expired entries. */
  now?: () => number;
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** A stream with no byte for this long is considered dead (core pings every 15 s). */
  heartbeatTimeoutMs?: number;
  /** Timeout of one catch-up request. */
  requestTimeoutMs?: number;
  /** Keep entries this long after `exp`, since verifiers accept tokens that expired a little while ago. */
  retainAfterExpSec?: number;
  logger?: FeedLogger;
}

/** A live set of revoked token ids. */
export interface RevocationFeed {
  /** Starts catching up and streaming in the background. */
  start(): void;
  /** Closes the stream and stops reconnecting. */
  stop(): Promise<void>;
  isRevoked(jti: string): boolean;
  /** Resolves after the first successful catch-up. */
  ready(): Promise<void>;
  /** Number of live (unexpired) entries. */
  size(): number;
  /** The highest sequence number seen. */
  lastSeq(): number;
  /** Calls `listener` for each newly revoked jti; returns a function that unsubscribes. */
  on(event: 'revoked', listener: (jti: string) => void): () => void;
  /** Whether the set can be trusted, and since when it may be stale. */
  status(): FeedStatus;
}

/**
 * The feed's state. `starting`: no catch-up has succeeded yet, so the set is unknown. `live`: the
 * stream is open. `down`: the stream is not open; revocations made since `downSince` (the last
 * time we heard from core: a catch-up or a byte of the stream) may be missing; `noticedAt` is
 * when this outage was noticed (the stream ended or a request failed), kept until the stream is
 * open again.
 */
export type FeedStatus =
  | { state: 'starting'; since: number; lastError: string | null }
  | { state: 'live'; since: number }
  | { state: 'down'; downSince: number; noticedAt: number; lastError: string | null };

const CatchUpSchema = z.object({
  seq: z.number().int().nonnegative(),
  revocations: z.array(z.object({ seq: z.number().int().positive(), jti: z.string().min(1), exp: z.number() })),
});
const RevokedEventSchema = z.object({ jti: z.string().min(1), exp: z.number() });

/** One dispatched Server-Sent Event. */
export interface SseEvent {
  type: string;
  data: string;
  id: string;
}

/**
 * An incremental Server-Sent Events parser (WHATWG HTML §9.2.6): feed it decoded text in chunks
 * split anywhere; it returns the events completed by each chunk. Lines end in CRLF, LF or CR.
 */
export function createSseParser(): { push(text: string): SseEvent[] } {
  let buffer = '';
  let skipLeadingLf = false;
  let eventType = '';
  let data = '';
  let lastId = '';

  function line(text: string, out: SseEvent[]): void {
    if (text === '') {
      if (data !== '')
        out.push({ type: eventType === '' ? 'message' : eventType, data: data.slice(0, -1), id: lastId });
      data = '';
      eventType = '';
      return;
    }
    if (text.startsWith(':')) return; // comment: the heartbeat
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventType = value;
    else if (field === 'data') data += `${value}\n`;
    else if (field === 'id' && !value.includes('\0')) lastId = value;
  }

  return {
    push(text) {
      const out: SseEvent[] = [];
      buffer += text;
      // A CR ended the previous chunk: an LF starting this one belongs to the same line break.
      if (skipLeadingLf && buffer !== '') {
        if (buffer.startsWith('\n')) buffer = buffer.slice(1);
        skipLeadingLf = false;
      }
      let start = 0;
      for (;;) {
        const lf = buffer.indexOf('\n', start);
        const cr = buffer.indexOf('\r', start);
        const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
        if (end === -1) break;
        line(buffer.slice(start, end), out);
        let next = end + 1;
        if (buffer[end] === '\r') {
          if (next === buffer.length) skipLeadingLf = true;
          else if (buffer[next] === '\n') next += 1;
        }
        start = next;
      }
      buffer = buffer.slice(start);
      return out;
    },
  };
}

/** Creates the consumer of core's revocation feed (contract at the top of this file). */
export function createRevocationFeed(options: RevocationFeedOptions): RevocationFeed {
  const base = options.coreUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const baseDelay = options.reconnectDelayMs ?? 1_000;
  const maxDelay = options.maxReconnectDelayMs ?? 30_000;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 45_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const retainMs = (options.retainAfterExpSec ?? 60) * 1000;
  const { logger } = options;

  const entries = new Map<string, number>(); // jti → exp (unix seconds)
  const listeners = new Set<(jti: string) => void>();
  let seq = 0;
  let lastSweep = now();
  const startedAt = now();
  let caughtUp = false;
  let connected = false;
  let liveSince = 0;
  /** The last time core told us something (a catch-up answered, a byte of the stream). */
  let lastContact = 0;
  let lastError: string | null = null;
  let outageNoticedAt: number | null = null;
  let controller: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let markReady: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve) => (markReady = resolve));

  const gone = (exp: number): boolean => exp * 1000 + retainMs <= now();

  function sweep(force: boolean): void {
    if (!force && now() - lastSweep < 60_000) return;
    lastSweep = now();
    for (const [jti, exp] of entries) if (gone(exp)) entries.delete(jti);
  }

  function apply(jti: string, exp: number, eventSeq: number): void {
    if (eventSeq > seq) seq = eventSeq;
    sweep(false);
    if (gone(exp) || entries.has(jti)) return;
    entries.set(jti, exp);
    for (const listener of listeners) {
      try {
        listener(jti);
      } catch (error) {
        logger?.warn({ err: error }, 'revocation listener failed');
      }
    }
  }

  async function authorization(): Promise<string> {
    return `Bearer ${await options.getToken()}`;
  }

  function checkStatus(response: Response, what: string): void {
    if (response.status === 401) options.invalidateToken?.();
    if (!response.ok) throw new Error(`${what} answered HTTP ${response.status}`);
  }

  async function catchUp(signal: AbortSignal): Promise<void> {
    const response = await fetchImpl(`${base}/api/revocations?since=${seq}`, {
      headers: { authorization: await authorization(), accept: 'application/json' },
      signal: AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]),
    });
    checkStatus(response, 'revocation catch-up');
    const body = CatchUpSchema.parse(await response.json());
    if (body.seq < seq) {
      logger?.warn({ ours: seq, core: body.seq }, 'revocation sequence went back; catching up from 0');
      seq = 0;
      return catchUp(signal);
    }
    for (const entry of body.revocations) apply(entry.jti, entry.exp, entry.seq);
    if (body.seq > seq) seq = body.seq;
    caughtUp = true;
    lastContact = now();
  }

  function handle(event: SseEvent): void {
    if (event.type !== 'revoked') return;
    let parsed: z.infer<typeof RevokedEventSchema>;
    try {
      parsed = RevokedEventSchema.parse(JSON.parse(event.data));
    } catch (error) {
      logger?.warn({ err: error }, 'malformed revocation event ignored');
      return;
    }
    const eventSeq = /^\d+$/.test(event.id) ? Number(event.id) : 0;
    apply(parsed.jti, parsed.exp, eventSeq);
  }

  async function stream(signal: AbortSignal, onConnected: () => void): Promise<void> {
    const watchdog = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => watchdog.abort(new Error('revocation stream went silent')), heartbeatTimeoutMs);
    };
    arm();
    const streamSignal = AbortSignal.any([signal, watchdog.signal]);
    let cancelBody = (): void => undefined;
    streamSignal.addEventListener('abort', () => cancelBody(), { once: true });
    try {
      const response = await fetchImpl(`${base}/api/revocations/stream`, {
        headers: { authorization: await authorization(), accept: 'text/event-stream', 'last-event-id': String(seq) },
        signal: streamSignal,
      });
      checkStatus(response, 'revocation stream');
      if (response.body === null) throw new Error('revocation stream has no body');
      lastContact = now();
      connected = true;
      liveSince = lastContact;
      outageNoticedAt = null;
      lastError = null;
      onConnected();
      const reader = response.body.getReader();
      // Cancelling the reader ends a pending read() even with a fetch that ignores its signal.
      cancelBody = () => void reader.cancel(streamSignal.reason).catch(() => undefined);
      if (streamSignal.aborted) cancelBody();
      const decoder = new TextDecoder();
      const parser = createSseParser();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        lastContact = now();
        arm();
        for (const event of parser.push(decoder.decode(value, { stream: true }))) handle(event);
      }
    } finally {
      if (connected) outageNoticedAt = now();
      connected = false;
      clearTimeout(timer);
      watchdog.abort(); // tears down the connection however we left
    }
  }

  async function run(signal: AbortSignal): Promise<void> {
    let delay = baseDelay;
    while (!signal.aborted) {
      try {
        await catchUp(signal);
        markReady();
        await stream(signal, () => {
          delay = baseDelay;
          logger?.info({ seq }, 'revocation stream connected');
        });
      } catch (error) {
        if (signal.aborted) break;
        lastError = error instanceof Error ? error.message : String(error);
        outageNoticedAt ??= now();
        logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'revocation feed disconnected');
      }
      await sleep(delay, undefined, { signal }).catch(() => undefined);
      delay = Math.min(delay * 2, maxDelay);
    }
  }

  return {
    start() {
      if (controller !== undefined) return;
      controller = new AbortController();
      loop = run(controller.signal);
    },
    async stop() {
      controller?.abort();
      await loop;
      controller = undefined;
      loop = undefined;
    },
    isRevoked(jti) {
      const exp = entries.get(jti);
      if (exp === undefined) return false;
      if (gone(exp)) {
        entries.delete(jti);
        return false;
      }
      return true;
    },
    ready: () => readyPromise,
    size() {
      sweep(true);
      return entries.size;
    },
    lastSeq: () => seq,
    status(): FeedStatus {
      if (!caughtUp) return { state: 'starting', since: startedAt, lastError };
      if (connected) return { state: 'live', since: liveSince };
      return { state: 'down', downSince: lastContact, noticedAt: outageNoticedAt ?? lastContact, lastError };
    },
    on(_event, listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
