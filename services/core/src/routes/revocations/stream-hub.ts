/**
 * The open revocation streams of this core instance (Server-Sent Events, WHATWG HTML §9.2).
 *
 * A stream first replays the revocations after the client's `Last-Event-ID`, then sends live ones.
 * It subscribes to live revocations *before* reading the log, buffering what arrives meanwhile,
 * so nothing published during the replay is lost; entries seen in both are sent once.
 */
import type { ServerResponse } from 'node:http';
import type { Revocation, SessionStore } from '../../domain/index.js';

/** Options of `createStreamHub`. */
export interface StreamHubOptions {
  store: SessionStore;
  /** Interval of `: ping` comments, so consumers and proxies know the stream is alive. */
  heartbeatMs: number;
  logger?: { warn(obj: object, msg?: string): void };
}

/** Every open stream of this instance. */
export interface StreamHub {
  /** Streams revocations after `lastEventId` (null: live ones only) to `res` until it closes. */
  open(res: ServerResponse, lastEventId: number | null, headers: Record<string, string>): Promise<void>;
  /** Ends every open stream (at shutdown, so the server can close). */
  closeAll(): void;
  /** Number of open streams. */
  size(): number;
}

const eventText = (entry: Revocation): string =>
  `id: ${entry.seq}\nevent: revoked\ndata: ${JSON.stringify({ jti: entry.jti, exp: entry.exp })}\n\n`;

/** Creates the hub. */
export function createStreamHub(options: StreamHubOptions): StreamHub {
  const open = new Set<ServerResponse>();

  return {
    async open(res, lastEventId, headers) {
      res.writeHead(200, {
        ...headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      open.add(res);

      const replayed = new Set<number>();
      let buffered: Revocation[] | null = [];
      const send = (entry: Revocation): void => {
        if (!res.writableEnded && !replayed.has(entry.seq)) res.write(eventText(entry));
      };
      const unsubscribe = options.store.onRevocation((entry) => {
        if (buffered === null) send(entry);
        else buffered.push(entry);
      });
      const ping = setInterval(() => {
        if (!res.writableEnded) res.write(': ping\n\n');
      }, options.heartbeatMs);
      res.on('close', () => {
        clearInterval(ping);
        unsubscribe();
        open.delete(res);
      });

      try {
        if (lastEventId !== null) {
          const page = await options.store.revocationsSince(lastEventId);
          for (const entry of page.revocations) {
            send(entry);
            replayed.add(entry.seq);
          }
        }
      } catch (error) {
        // Without the replay the client would miss revocations: end the stream so it reconnects.
        options.logger?.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'revocation replay failed',
        );
        res.end();
        return;
      }
      const pending = buffered;
      buffered = null;
      for (const entry of pending) send(entry);
    },
    closeAll() {
      for (const res of open) res.end();
      open.clear();
    },
    size: () => open.size,
  };
}
