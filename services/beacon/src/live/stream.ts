/**
 * One live board connection as server-sent events: a `snapshot` of the rows its filter picks,
 * then a `patch` per change of the shared board (only its rows), `: ping` heartbeats, and, for a
 * wall screen whose link stops being valid, `revoked` and the end of the stream. A connection
 * that missed a version gets a fresh snapshot instead of a patch.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { matches } from '../domain/index.js';
import type { BoardFilter, BoardRow } from '../domain/index.js';
import type { BoardChange, BoardMeta, BoardSource } from './board-source.js';

const HEARTBEAT_MS = 15_000;
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface StreamOptions {
  source: BoardSource;
  filter: BoardFilter;
  /** What a client may see of a row (wall screens: only their link's fields). */
  present: (row: BoardRow) => object;
  /** Re-checked every `checkEveryMs`: false ends the stream with `revoked`. */
  stillValid?: () => Promise<boolean>;
  checkEveryMs?: number;
  /** When the stream must end (the user's token expires); the browser reconnects with a fresh one. */
  endAt?: number;
  now: () => Date;
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Takes over the reply and streams the board until the client leaves or the stream is ended. */
export async function streamBoard(request: FastifyRequest, reply: FastifyReply, options: StreamOptions): Promise<void> {
  const { source, filter, present } = options;
  await source.ensureFresh().catch(() => undefined);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // Proxies must not hold events back.
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  let version = 0;
  let ended = false;
  const timers: NodeJS.Timeout[] = [];
  const send = (text: string) => {
    if (ended) return;
    // A screen that stops reading is dropped rather than buffered without bound; it reconnects and gets a snapshot.
    if (res.writableLength > MAX_BUFFERED_BYTES) return end();
    res.write(text);
  };
  const snapshot = () => {
    const state = source.snapshot();
    version = state.version;
    send(
      frame('snapshot', {
        version,
        meta: state.meta,
        rows: state.rows.filter((row) => matches(row, filter)).map(present),
      }),
    );
  };
  const patch = (change: BoardChange) => {
    if (change.base !== version) return snapshot();
    version = change.version;
    const upserts: object[] = [];
    const removed = [...change.removed];
    for (const row of change.upserts) {
      if (matches(row, filter)) upserts.push(present(row));
      else removed.push(row.id); // it may have left this board's filter
    }
    send(frame('patch', { version, meta: change.meta satisfies BoardMeta, upserts, removed }));
  };
  let unsubscribe = () => {};
  const end = (event?: string) => {
    if (ended) return;
    if (event !== undefined) res.write(frame(event, {}));
    ended = true;
    unsubscribe();
    for (const timer of timers) clearInterval(timer);
    res.end();
  };
  request.raw.on('close', () => end());
  snapshot();
  unsubscribe = source.subscribe(patch);
  timers.push(setInterval(() => send(': ping\n\n'), HEARTBEAT_MS));
  if (options.stillValid !== undefined) {
    const check = options.stillValid;
    timers.push(
      setInterval(() => {
        check().then(
          (valid) => {
            if (!valid) end('revoked');
          },
          () => undefined,
        );
      }, options.checkEveryMs ?? 2000),
    );
  }
  if (options.endAt !== undefined) {
    // setTimeout holds at most ~24.8 days; a longer stream ends then and the screen reconnects.
    timers.push(
      setTimeout(
        () => end('expired'),
        Math.min(2_000_000_000, Math.max(1000, options.endAt - options.now().getTime())),
      ),
    );
  }
  for (const timer of timers) timer.unref();
}
