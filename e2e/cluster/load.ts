/**
 * A steady load of signed-in requests through the balancer: a few workers each send GETs in turn
 * to the gateway with one session cookie (as one browser tab after another would), and every
 * answer is counted in the phase that was current when the request was sent.
 *
 * An answer is a failure when it is not a 2xx (or a 3xx that is not a sign-in): a 5xx, a network
 * error or a timeout. A 401, or a redirect to the login or the identity provider, is a lost
 * session and is counted apart: the test requires none.
 */
import { Agent, request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

/** One phase's counts. */
export interface PhaseStats {
  requests: number;
  failures: number;
  sessionLost: number;
  /** The first failures and lost sessions, for the report. */
  samples: string[];
}

/** Options of `startLoad`. */
export interface LoadOptions {
  /** The balancer's gateway frontend (HAProxy terminates TLS there). */
  port: number;
  /** The public host name the gateway serves (the TLS name and the Host header). */
  hostname: string;
  /** The session cookie header value (`__Host-hm_session=…`). */
  cookie: string;
  /** The paths requested in turn. */
  paths: readonly string[];
  concurrency: number;
  /** Pause between two requests of one worker, in ms. */
  pauseMs: number;
  /** Per request. */
  timeoutMs?: number;
}

/** A running load. */
export interface Load {
  /** Counts the requests sent from now on under `name`. */
  phase(name: string): void;
  /** Stops the workers (letting requests in flight finish) and returns every phase's counts. */
  stop(): Promise<Map<string, PhaseStats>>;
}

/** The outcome of one request: undefined when it succeeded, else what went wrong. */
type Outcome = { kind: 'ok' } | { kind: 'failure' | 'lost'; detail: string };

const LOGIN = /\/(login|keycloak)\b/;

function get(options: LoadOptions, agent: Agent, path: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        servername: options.hostname,
        path,
        agent,
        rejectUnauthorized: false,
        headers: {
          host: `${options.hostname}:${options.port}`,
          cookie: options.cookie,
          accept: 'text/html,application/json',
        },
        timeout: options.timeoutMs ?? 15_000,
      },
      (res) => {
        res.resume();
        res.on('error', (error) => resolve({ kind: 'failure', detail: `${path}: body ${error.message}` }));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const location = res.headers.location ?? '';
          if (status === 401 || (status >= 300 && status < 400 && LOGIN.test(location))) {
            resolve({ kind: 'lost', detail: `${path}: ${status} ${location}` });
          } else if (status >= 200 && status < 400) {
            resolve({ kind: 'ok' });
          } else {
            resolve({ kind: 'failure', detail: `${path}: ${status} after ${Date.now() - started} ms` });
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) =>
      resolve({ kind: 'failure', detail: `${path}: ${error.message} after ${Date.now() - started} ms` }),
    );
    req.end();
  });
}

export function startLoad(options: LoadOptions): Load {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const phases = new Map<string, PhaseStats>();
  let current = 'warm-up';
  let running = true;
  let next = 0;
  const statsOf = (name: string): PhaseStats => {
    let stats = phases.get(name);
    if (stats === undefined) {
      stats = { requests: 0, failures: 0, sessionLost: 0, samples: [] };
      phases.set(name, stats);
    }
    return stats;
  };
  const worker = async (): Promise<void> => {
    while (running) {
      const path = options.paths[next % options.paths.length] ?? '/';
      next += 1;
      const stats = statsOf(current);
      stats.requests += 1;
      const outcome = await get(options, agent, path);
      if (outcome.kind !== 'ok') {
        if (outcome.kind === 'failure') stats.failures += 1;
        else stats.sessionLost += 1;
        if (stats.samples.length < 20)
          stats.samples.push(`${new Date().toISOString()} ${outcome.kind}: ${outcome.detail}`);
      }
      await sleep(options.pauseMs);
    }
  };
  const workers = Array.from({ length: options.concurrency }, () => worker());
  return {
    phase(name) {
      current = name;
      statsOf(name);
    },
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return phases;
    },
  };
}
