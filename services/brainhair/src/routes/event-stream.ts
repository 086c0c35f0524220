/**
 * Server-sent events on a raw response, coalesced per turn of the event loop. Every event sent
 * while one piece of input is being handled (a chunk from the model often holds several deltas)
 * goes out in one write once that turn is over (setImmediate), instead of one write, one
 * syscall and one chunk for the gateway to forward per delta. On a busy process this is what
 * keeps the per-token cost from growing with the backlog: the further behind the stream is,
 * the more deltas share a write. While the socket pushes back (write returned false) events
 * wait in one string until it drains, rather than as a queue of small buffers.
 */
import type { ServerResponse } from 'node:http';

/** Sends events; `end` writes what is pending and ends the response. */
export interface EventWriter {
  send(type: string, data: unknown): void;
  end(): void;
}

/** An event in the text/event-stream format (`data` as one line of JSON). */
export function formatEvent(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function eventWriter(res: ServerResponse): EventWriter {
  let pending = '';
  let scheduled = false;
  let blocked = false;
  const closed = (): boolean => res.writableEnded || res.destroyed;
  const flush = (): void => {
    scheduled = false;
    if (pending === '' || blocked || closed()) return;
    const chunk = pending;
    pending = '';
    if (!res.write(chunk)) {
      blocked = true;
      res.once('drain', () => {
        blocked = false;
        flush();
      });
    }
  };
  return {
    send(type, data) {
      if (closed()) return;
      pending += formatEvent(type, data);
      if (!scheduled && !blocked) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    end() {
      if (res.writableEnded) return;
      const rest = pending;
      pending = '';
      // Written in order after anything the socket still holds.
      if (rest === '') res.end();
      else res.end(rest);
    },
  };
}
