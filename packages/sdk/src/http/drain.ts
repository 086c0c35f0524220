/**
 * Draining: what an instance does between SIGTERM and exit so that a rolling restart loses no
 * request. `createServiceApp` installs it; `runService` starts it; `registerHealthRoute` reports it.
 *
 * While draining, `/health` answers 503 with `checks.draining` (load balancers and Kubernetes'
 * readiness probe stop sending new work), requests in flight are finished, and server-sent event
 * streams (which never finish on their own) are ended politely, so their clients reconnect to
 * another instance (EventSource does by itself, with `Last-Event-ID`).
 */
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { CheckResult } from '../health-check.js';

/** The draining state of one app (decorated on it as `hivematrixDrain`). */
export interface DrainState {
  /** True from `begin()` on. */
  readonly draining: boolean;
  /** Marks the instance draining (idempotent). */
  begin(now?: Date): void;
  /** Ends every open event stream politely; returns how many were ended. */
  endStreams(): number;
  /**
   * Resolves true once no request is in flight (event streams aside), false after `timeoutMs`.
   * Lets an app whose close cuts connections at once (the gateway's `forceCloseConnections`)
   * still finish what it is answering.
   */
  idle(timeoutMs: number): Promise<boolean>;
  /** The `draining` health check while draining, else undefined. */
  health(): CheckResult | undefined;
}

/** Event streams are recognised by what the client asked for (EventSource always sends it). */
function asksForEvents(accept: string | string[] | undefined): boolean {
  const value = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  return value.toLowerCase().includes('text/event-stream');
}

/** Ends a stream's response with its final chunk, then closes the connection (not kept alive). */
function endPolitely(res: ServerResponse): void {
  // The service's own stream code may still write once before it sees the close: such a write
  // must not raise an unhandled 'error' event and crash the draining process.
  res.on('error', () => undefined);
  if (res.writableEnded) return;
  if (!res.headersSent) res.setHeader('connection', 'close');
  res.end(() => res.destroy());
}

/** Decorates `app` with its drain state and tracks its open event streams. */
export function installDrain(app: FastifyInstance): DrainState {
  const streams = new Set<ServerResponse>();
  const inFlight = new Set<ServerResponse>();
  const waiters = new Set<() => void>();
  let since: string | undefined;
  const state: DrainState = {
    get draining() {
      return since !== undefined;
    },
    begin(now = new Date()) {
      since ??= now.toISOString();
    },
    endStreams() {
      const open = [...streams];
      streams.clear();
      for (const res of open) endPolitely(res);
      return open.length;
    },
    idle(timeoutMs) {
      if (inFlight.size === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const done = (result: boolean) => {
          clearTimeout(timer);
          waiters.delete(onIdle);
          resolve(result);
        };
        const onIdle = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        waiters.add(onIdle);
      });
    },
    health() {
      return since === undefined ? undefined : { status: 'unhealthy', state: 'draining', since };
    },
  };
  app.decorate('hivematrixDrain', state);
  app.addHook('onRequest', async (request, reply) => {
    const res = reply.raw;
    if (asksForEvents(request.headers.accept)) {
      streams.add(res);
      res.once('close', () => streams.delete(res));
      return;
    }
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (inFlight.size === 0) for (const waiter of [...waiters]) waiter();
    });
  });
  return state;
}

/** The drain state of an app built by `createServiceApp` (undefined for other apps). */
export function drainStateOf(app: FastifyInstance): DrainState | undefined {
  return (app as { hivematrixDrain?: DrainState }).hivematrixDrain;
}
